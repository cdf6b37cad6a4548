public import Kernel
import Logging
import PostgresNIO
import StoreSupport

extension PostgresStore: FundsStore {
    public func recordSyncedBalance(walletID: WalletID, collateral: Collateral, at time: Timestamp) async throws -> Bool {
        try await self.withWalletLock(walletID) { connection in
            let stored = try await connection.execute(
                """
                UPDATE trading_wallets SET synced_collateral_units = \(collateral.baseUnits), balance_synced_at = \(time.pg)
                WHERE id = \(walletID.rawValue) AND (balance_synced_at IS NULL OR balance_synced_at <= \(time.pg))
                RETURNING 1
                """, logger: self.logger)
            guard stored > 0 else { return false }
            try await connection.execute(
                """
                UPDATE relayer_txs SET released_at = \(time.pg)
                WHERE wallet_id = \(walletID.rawValue) AND kind = 'WITHDRAW' AND status = 'CONFIRMED'
                    AND released_at IS NULL AND updated_at <= \(WalletFunds.releaseCutoff(syncedAt: time).pg)
                """, logger: self.logger)
            return true
        }
    }

    public func walletFunds(walletID: WalletID) async throws -> WalletFunds {
        // Under the lock, so the three reads see one state (READ COMMITTED alone would let a
        // writer commit between them).
        try await self.withWalletLock(walletID) { connection in try await Self.walletFunds(walletID, on: connection, logger: self.logger) }
    }

    public func reserveWithdrawal(_ tx: RelayerTx, dailyLimit: Collateral?, audit: AuditEntry?) async throws
        -> WithdrawalReservation {
        try await self.withWalletLock(tx.walletID) { db in
            if let existing = try await db.fetchOne(
                "SELECT * FROM relayer_txs WHERE idempotency_key = \(tx.idempotencyKey)", table: "relayer_txs",
                logger: self.logger, RelayerTx.init(row:)) {
                return .existing(existing)
            }
            let since = tx.createdAt - WithdrawalReservation.dailyWindow
            var binds = PostgresBindings()
            binds.append(tx.walletID.rawValue)
            try binds.append(since.pg, context: .default)
            let today = try await db.fetchOne(
                PostgresQuery(unsafeSQL: FundsSQL.acceptedSince("$1", "$2"), binds: binds), table: "relayer_txs",
                logger: self.logger) { row in Collateral(baseUnits: try row.integer("total")) } ?? .zero
            let funds = try await Self.walletFunds(tx.walletID, on: db, logger: self.logger)
            if let refusal = WithdrawalReservation.refusal(amount: tx.amount ?? .zero, funds: funds, acceptedToday: today,
                                                           dailyLimit: dailyLimit) {
                return refusal
            }
            try await Self.insertRelayerTx(tx, db, logger: self.logger)
            try await Self.insertAudit(audit, db, logger: self.logger)
            try await Self.insertOutbox(OutboxEvent.withdrawalAccepted(tx), db, logger: self.logger)
            return .reserved(tx)
        }
    }

    public func reReserveWithdrawal(_ tx: RelayerTx, audit: AuditEntry?) async throws -> WithdrawalReservation {
        try await self.withWalletLock(tx.walletID) { db in
            guard let stored = try await db.fetchOne(
                "SELECT * FROM relayer_txs WHERE id = \(tx.id.rawValue)", table: "relayer_txs", logger: self.logger,
                RelayerTx.init(row:))
            else { throw StoreError.notFound(entity: "relayer_txs", key: tx.id.rawValue) }
            guard stored.status == .failed else { return .existing(stored) }
            let funds = try await Self.walletFunds(tx.walletID, on: db, logger: self.logger)
            guard funds.covers(tx.amount ?? .zero) else { return .insufficient(available: funds.available) }
            guard try await Self.updateRelayerTx(tx, from: .failed, db, logger: self.logger) else { return .existing(stored) }
            try await Self.insertAudit(audit, db, logger: self.logger)
            try await Self.insertOutbox(OutboxEvent.relayerTxChanged(tx, from: .failed), db, logger: self.logger)
            return .reserved(tx)
        }
    }

    /// Runs `body` in one transaction that first takes the wallet's row lock
    /// (`SELECT … FOR UPDATE` on `trading_wallets`): every other locker of the wallet — on any
    /// connection, in any process — waits until this commits. Throws
    /// ``StoreError/notFound(entity:key:)`` for an unknown wallet. A check of
    /// ``walletFunds(_:on:logger:)`` and the write it guards belong in one such `body`; under READ
    /// COMMITTED each statement after the lock sees everything the previous holder committed.
    func withWalletLock<T: Sendable>(_ walletID: WalletID,
                                     _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await self.transaction { connection in
            let locked = try await connection.execute(
                "SELECT 1 FROM trading_wallets WHERE id = \(walletID.rawValue) FOR UPDATE", logger: self.logger)
            guard locked > 0 else { throw StoreError.notFound(entity: "trading_wallets", key: walletID.rawValue) }
            return try await body(connection)
        }
    }

    /// The inputs of ``WalletFunds`` for `walletID`, read on `db` (inside the caller's
    /// transaction). Throws ``StoreError/notFound(entity:key:)`` for an unknown wallet.
    static func walletFunds(_ walletID: WalletID, on db: some QueryRunner, logger: Logger) async throws -> WalletFunds {
        let id = walletID.rawValue
        guard let synced = try await db.fetchOne(
            PostgresQuery(unsafeSQL: FundsSQL.syncedBalance("$1"), binds: Self.binds(id)), table: "trading_wallets",
            logger: logger, { row in
                (try row.optionalUnits(Collateral.self, "synced_collateral_units"),
                 try row.optionalTimestamp("balance_synced_at"))
            })
        else { throw StoreError.notFound(entity: "trading_wallets", key: id) }
        let withdrawals = try await db.fetch(
            PostgresQuery(unsafeSQL: FundsSQL.reservedWithdrawals("$1"), binds: Self.binds(id)), table: "relayer_txs",
            logger: logger) { row in try row.optionalUnits(Collateral.self, "amount_units") ?? .zero }
        let buys = try await db.fetch(PostgresQuery(unsafeSQL: FundsSQL.openBuys("$1"), binds: Self.binds(id)),
                                      table: "orders", logger: logger, OpenBuy.init(row:))
        return WalletFunds(walletID: walletID, syncedBalance: synced.0, syncedAt: synced.1,
                           reservedWithdrawals: withdrawals, openBuys: buys)
    }

    private static func binds(_ text: String) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(text)
        return bindings
    }
}
