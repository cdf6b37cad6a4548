import GRDB
public import Kernel
import StoreSupport

extension SQLiteStore: EquityStore {
    public func recordEquitySnapshot(_ snapshot: EquitySnapshot) async throws -> Bool {
        try await self.write { db in
            try db.execute(
                sql: """
                    INSERT INTO equity_snapshots (wallet_id, hour, collateral_units, positions_units, taken_at)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT (wallet_id, hour) DO NOTHING
                    """,
                arguments: [snapshot.walletID.rawValue, snapshot.hour, snapshot.collateral.baseUnits,
                            snapshot.positionsValue.baseUnits, snapshot.takenAt.sql])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "DELETE FROM equity_snapshots WHERE wallet_id = ? AND hour < ?",
                           arguments: [snapshot.walletID.rawValue, snapshot.hour - EquitySnapshot.retainedHours])
            return true
        }
    }

    public func equitySnapshots(walletID: WalletID, since: Timestamp) async throws -> [EquitySnapshot] {
        try await self.read { db in
            try db.fetch("SELECT * FROM equity_snapshots WHERE wallet_id = ? AND taken_at >= ? ORDER BY hour",
                         [walletID.rawValue, since.sql], table: "equity_snapshots", EquitySnapshot.init(row:))
        }
    }
}
