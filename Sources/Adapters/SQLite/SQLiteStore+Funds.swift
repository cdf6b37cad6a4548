import GRDB
public import Kernel
import StoreSupport

extension SQLiteStore: FundsStore {
    public func recordSyncedBalance(walletID: WalletID, collateral: Collateral, at time: Timestamp) async throws -> Bool {
        try await self.withWalletLock(walletID) { db in
            let stored = try db.update(
                sql: """
                    UPDATE trading_wallets SET synced_collateral_units = ?, balance_synced_at = ?
                    WHERE id = ? AND (balance_synced_at IS NULL OR balance_synced_at <= ?)
                    """,
                arguments: [collateral.baseUnits, time.sql, walletID.rawValue, time.sql])
            guard stored else { return false }
            try db.execute(
                sql: """
                    UPDATE relayer_txs SET released_at = ?
                    WHERE wallet_id = ? AND kind = 'WITHDRAW' AND status = 'CONFIRMED' AND released_at IS NULL
                        AND updated_at <= ?
                    """,
                arguments: [time.sql, walletID.rawValue, WalletFunds.releaseCutoff(syncedAt: time).sql])
            return true
        }
    }

    public func walletFunds(walletID: WalletID) async throws -> WalletFunds {
        try await self.read { db in try db.walletFunds(walletID) }
    }

    public func reserveWithdrawal(_ tx: RelayerTx, dailyLimit: Collateral?, audit: AuditEntry?) async throws
        -> WithdrawalReservation {
        try await self.withWalletLock(tx.walletID) { db in
            if let existing = try db.fetchOne("SELECT * FROM relayer_txs WHERE idempotency_key = ?", [tx.idempotencyKey],
                                              table: "relayer_txs", RelayerTx.init(row:)) {
                return .existing(existing)
            }
            let since = tx.createdAt - WithdrawalReservation.dailyWindow
            let today = Collateral(baseUnits: try Int64.fetchOne(
                db, sql: FundsSQL.acceptedSince("?", "?"), arguments: [tx.walletID.rawValue, since.sql]) ?? 0)
            if let refusal = WithdrawalReservation.refusal(
                amount: tx.amount ?? .zero, funds: try db.walletFunds(tx.walletID), acceptedToday: today,
                dailyLimit: dailyLimit) {
                return refusal
            }
            try Self.insertRelayerTx(tx, db)
            try Self.insertAudit(audit, db)
            try Self.insertOutbox(OutboxEvent.withdrawalAccepted(tx), db)
            return .reserved(tx)
        }
    }

    public func reReserveWithdrawal(_ tx: RelayerTx, audit: AuditEntry?) async throws -> WithdrawalReservation {
        try await self.withWalletLock(tx.walletID) { db in
            guard let stored = try db.fetchOne("SELECT * FROM relayer_txs WHERE id = ?", [tx.id.rawValue],
                                               table: "relayer_txs", RelayerTx.init(row:))
            else { throw StoreError.notFound(entity: "relayer_txs", key: tx.id.rawValue) }
            guard stored.status == .failed else { return .existing(stored) }
            let funds = try db.walletFunds(tx.walletID)
            guard funds.covers(tx.amount ?? .zero) else { return .insufficient(available: funds.available) }
            guard try Self.updateRelayerTx(tx, from: .failed, db) else { return .existing(stored) }
            try Self.insertAudit(audit, db)
            try Self.insertOutbox(OutboxEvent.relayerTxChanged(tx, from: .failed), db)
            return .reserved(tx)
        }
    }

    /// Runs `body` serialized with every other writer of the wallet's funds: one IMMEDIATE write
    /// transaction, which SQLite's single writer lock orders against all others (in this process
    /// and any other). Throws ``StoreError/notFound(entity:key:)`` for an unknown wallet. A check
    /// of ``Database/walletFunds(_:)`` and the write it guards belong in one such `body`.
    func withWalletLock<T: Sendable>(_ walletID: WalletID, _ body: @Sendable (Database) throws -> T) async throws -> T {
        try await self.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM trading_wallets WHERE id = ?", arguments: [walletID.rawValue]) != nil
            else { throw StoreError.notFound(entity: "trading_wallets", key: walletID.rawValue) }
            return try body(db)
        }
    }
}

extension Database {
    /// The inputs of ``WalletFunds`` for `walletID`, read in the caller's transaction. Throws
    /// ``StoreError/notFound(entity:key:)`` for an unknown wallet.
    func walletFunds(_ walletID: WalletID) throws -> WalletFunds {
        let arguments: StatementArguments = [walletID.rawValue]
        guard let synced = try self.fetchOne(FundsSQL.syncedBalance("?"), arguments, table: "trading_wallets", { row in
            (try row.optionalUnits(Collateral.self, "synced_collateral_units"), try row.optionalTimestamp("balance_synced_at"))
        }) else { throw StoreError.notFound(entity: "trading_wallets", key: walletID.rawValue) }
        let withdrawals = try self.fetch(FundsSQL.reservedWithdrawals("?"), arguments, table: "relayer_txs") { row in
            try row.optionalUnits(Collateral.self, "amount_units") ?? .zero
        }
        let buys = try self.fetch(FundsSQL.openBuys("?"), arguments, table: "orders", OpenBuy.init(row:))
        return WalletFunds(walletID: walletID, syncedBalance: synced.0, syncedAt: synced.1,
                           reservedWithdrawals: withdrawals, openBuys: buys)
    }
}
