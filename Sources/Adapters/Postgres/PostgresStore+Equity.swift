public import Kernel
import PostgresNIO
import StoreSupport

extension PostgresStore: EquityStore {
    public func recordEquitySnapshot(_ snapshot: EquitySnapshot) async throws -> Bool {
        try await self.transaction { db in
            let inserted = try await db.execute(
                """
                INSERT INTO equity_snapshots (wallet_id, hour, collateral_units, positions_units, taken_at)
                VALUES (\(snapshot.walletID.rawValue), \(snapshot.hour), \(snapshot.collateral.baseUnits),
                        \(snapshot.positionsValue.baseUnits), \(snapshot.takenAt.pg))
                ON CONFLICT (wallet_id, hour) DO NOTHING RETURNING 1
                """, logger: self.logger)
            guard inserted > 0 else { return false }
            try await db.execute(
                """
                DELETE FROM equity_snapshots
                WHERE wallet_id = \(snapshot.walletID.rawValue) AND hour < \(snapshot.hour - EquitySnapshot.retainedHours)
                """, logger: self.logger)
            return true
        }
    }

    public func equitySnapshots(walletID: WalletID, since: Timestamp) async throws -> [EquitySnapshot] {
        try await self.read { db in
            try await db.fetch(
                "SELECT * FROM equity_snapshots WHERE wallet_id = \(walletID.rawValue) AND taken_at >= \(since.pg) ORDER BY hour",
                table: "equity_snapshots", logger: self.logger, EquitySnapshot.init(row:))
        }
    }
}
