public import Kernel
import Logging
import PostgresNIO
import StoreSupport

extension PostgresStore: RelayerTxStore {
    public func insertRelayerTx(_ tx: RelayerTx) async throws {
        try await self.read { db in try await Self.insertRelayerTx(tx, db, logger: self.logger) }
    }

    /// Shared with the withdrawal reservation, which inserts inside its wallet-locked transaction.
    static func insertRelayerTx(_ tx: RelayerTx, _ db: some QueryRunner, logger: Logger) async throws {
        try await db.execute(
            """
            INSERT INTO relayer_txs (
                id, user_id, wallet_id, kind, idempotency_key, status, payload, relayer_reference,
                transaction_hash, amount_units, destination, submit_count, last_error, created_at, updated_at)
            VALUES (
                \(tx.id.rawValue), \(tx.userID.rawValue), \(tx.walletID.rawValue), \(tx.kind.rawValue),
                \(tx.idempotencyKey), \(tx.status.rawValue), \(tx.payload), \(tx.relayerReference),
                \(tx.transactionHash), \(tx.amount?.baseUnits), \(tx.destination?.lowercased), \(tx.submitCount),
                \(tx.lastError), \(tx.createdAt.pg), \(tx.updatedAt.pg))
            """, logger: logger)
    }

    public func relayerTx(id: RelayerTxID) async throws -> RelayerTx? {
        try await self.read { db in
            try await db.fetchOne("SELECT * FROM relayer_txs WHERE id = \(id.rawValue)", table: "relayer_txs",
                                  logger: self.logger, RelayerTx.init(row:))
        }
    }

    public func relayerTx(idempotencyKey: String) async throws -> RelayerTx? {
        try await self.read { db in
            try await db.fetchOne("SELECT * FROM relayer_txs WHERE idempotency_key = \(idempotencyKey)",
                                  table: "relayer_txs", logger: self.logger, RelayerTx.init(row:))
        }
    }

    public func relayerTxs(statuses: Set<RelayerTx.Status>, limit: Int) async throws -> [RelayerTx] {
        guard !statuses.isEmpty, limit > 0 else { return [] }
        return try await self.read { db in
            try await db.fetch(
                """
                SELECT * FROM relayer_txs WHERE status = ANY(\(statuses.map(\.rawValue).sorted()))
                ORDER BY created_at, id LIMIT \(limit)
                """, table: "relayer_txs", logger: self.logger, RelayerTx.init(row:))
        }
    }

    public func relayerTxs(userID: UserID, limit: Int) async throws -> [RelayerTx] {
        try await self.read { db in
            try await db.fetch(
                """
                SELECT * FROM relayer_txs WHERE user_id = \(userID.rawValue)
                ORDER BY created_at DESC, id DESC LIMIT \(max(limit, 0))
                """, table: "relayer_txs", logger: self.logger, RelayerTx.init(row:))
        }
    }

    public func updateRelayerTx(_ tx: RelayerTx, from expected: RelayerTx.Status, audit: AuditEntry?) async throws -> Bool {
        try await self.transaction { db in
            guard try await Self.updateRelayerTx(tx, from: expected, db, logger: self.logger) else { return false }
            try await Self.insertAudit(audit, db, logger: self.logger)
            try await Self.insertOutbox(OutboxEvent.relayerTxChanged(tx, from: expected), db, logger: self.logger)
            return true
        }
    }

    /// The compare-and-set of ``updateRelayerTx(_:from:audit:)`` on `db`, without the audit row.
    static func updateRelayerTx(_ tx: RelayerTx, from expected: RelayerTx.Status, _ db: some QueryRunner,
                                logger: Logger) async throws -> Bool {
        try await db.execute(
            """
            UPDATE relayer_txs
            SET status = \(tx.status.rawValue), payload = \(tx.payload), relayer_reference = \(tx.relayerReference),
                transaction_hash = \(tx.transactionHash), submit_count = \(tx.submitCount),
                last_error = \(tx.lastError), updated_at = \(tx.updatedAt.pg)
            WHERE id = \(tx.id.rawValue) AND status = \(expected.rawValue)
            RETURNING 1
            """, logger: logger) > 0
    }
}

extension PostgresStore: AuditStore {
    public func appendAudit(_ entry: AuditEntry) async throws {
        try await self.read { db in try await Self.insertAudit(entry, db, logger: self.logger) }
    }

    /// Shared with the profile writes, which append their audit row inside their own transaction.
    static func insertAudit(_ entry: AuditEntry?, _ db: some QueryRunner, logger: Logger) async throws {
        guard let entry else { return }
        try await db.execute(
            """
            INSERT INTO audit_logs (id, actor, action, subject_type, subject_id, details, created_at)
            VALUES (\(entry.id.rawValue), \(entry.actor), \(entry.action), \(entry.subjectType), \(entry.subjectID),
                    \(entry.details), \(entry.createdAt.pg))
            """, logger: logger)
    }

    public func recentAudit(limit: Int) async throws -> [AuditEntry] {
        try await self.read { db in
            try await db.fetch(
                "SELECT * FROM audit_logs ORDER BY created_at DESC, id DESC LIMIT \(max(limit, 0))",
                table: "audit_logs", logger: self.logger, AuditEntry.init(row:))
        }
    }
}
