import GRDB
public import Kernel
import StoreSupport

extension SQLiteStore: RelayerTxStore {
    public func insertRelayerTx(_ tx: RelayerTx) async throws {
        try await self.write { db in try Self.insertRelayerTx(tx, db) }
    }

    /// Shared with the withdrawal reservation, which inserts inside its wallet-locked transaction.
    static func insertRelayerTx(_ tx: RelayerTx, _ db: Database) throws {
        try db.insert(
            into: "relayer_txs",
            sql: """
                INSERT INTO relayer_txs (
                    id, user_id, wallet_id, kind, idempotency_key, status, payload, relayer_reference,
                    transaction_hash, amount_units, destination, submit_count, last_error, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                tx.id.rawValue, tx.userID.rawValue, tx.walletID.rawValue, tx.kind.rawValue, tx.idempotencyKey,
                tx.status.rawValue, tx.payload, tx.relayerReference, tx.transactionHash, tx.amount?.baseUnits,
                tx.destination?.lowercased, tx.submitCount, tx.lastError, tx.createdAt.sql, tx.updatedAt.sql,
            ],
            keys: ["id": tx.id.rawValue, "idempotency_key": tx.idempotencyKey,
                   "transaction_hash": tx.transactionHash ?? "", "relayer_reference": tx.relayerReference ?? ""])
    }

    public func relayerTx(id: RelayerTxID) async throws -> RelayerTx? {
        try await self.read { db in
            try db.fetchOne("SELECT * FROM relayer_txs WHERE id = ?", [id.rawValue], table: "relayer_txs",
                            RelayerTx.init(row:))
        }
    }

    public func relayerTx(idempotencyKey: String) async throws -> RelayerTx? {
        try await self.read { db in
            try db.fetchOne("SELECT * FROM relayer_txs WHERE idempotency_key = ?", [idempotencyKey],
                            table: "relayer_txs", RelayerTx.init(row:))
        }
    }

    public func relayerTxs(statuses: Set<RelayerTx.Status>, limit: Int) async throws -> [RelayerTx] {
        guard !statuses.isEmpty, limit > 0 else { return [] }
        let statusList = statuses.map(\.rawValue).sorted()
        let placeholders = Array(repeating: "?", count: statusList.count).joined(separator: ", ")
        return try await self.read { db in
            try db.fetch(
                "SELECT * FROM relayer_txs WHERE status IN (\(placeholders)) ORDER BY created_at, id LIMIT ?",
                StatementArguments(statusList) + [limit], table: "relayer_txs", RelayerTx.init(row:))
        }
    }

    public func relayerTxs(userID: UserID, limit: Int) async throws -> [RelayerTx] {
        try await self.read { db in
            try db.fetch(
                "SELECT * FROM relayer_txs WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
                [userID.rawValue, max(limit, 0)], table: "relayer_txs", RelayerTx.init(row:))
        }
    }

    public func updateRelayerTx(_ tx: RelayerTx, from expected: RelayerTx.Status, audit: AuditEntry?) async throws -> Bool {
        try await self.write { db in
            guard try Self.updateRelayerTx(tx, from: expected, db) else { return false }
            try Self.insertAudit(audit, db)
            try Self.insertOutbox(OutboxEvent.relayerTxChanged(tx, from: expected), db)
            return true
        }
    }

    /// The compare-and-set of ``updateRelayerTx(_:from:audit:)`` on `db`, without the audit row. A
    /// transaction hash or relayer reference another row holds throws
    /// ``StoreError/duplicate(entity:key:)``: a chain transaction belongs to one row.
    static func updateRelayerTx(_ tx: RelayerTx, from expected: RelayerTx.Status, _ db: Database) throws -> Bool {
        do {
            return try db.update(
                sql: """
                    UPDATE relayer_txs
                    SET status = ?, payload = ?, relayer_reference = ?, transaction_hash = ?, submit_count = ?,
                        last_error = ?, updated_at = ?
                    WHERE id = ? AND status = ?
                    """,
                arguments: [
                    tx.status.rawValue, tx.payload, tx.relayerReference, tx.transactionHash, tx.submitCount,
                    tx.lastError, tx.updatedAt.sql, tx.id.rawValue, expected.rawValue,
                ])
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.duplicate(entity: "relayer_txs", key: tx.transactionHash ?? tx.relayerReference ?? tx.id.rawValue)
        }
    }
}

extension SQLiteStore: AuditStore {
    public func appendAudit(_ entry: AuditEntry) async throws {
        try await self.write { db in try Self.insertAudit(entry, db) }
    }

    /// Shared with the profile writes, which append their audit row inside their own transaction.
    static func insertAudit(_ entry: AuditEntry?, _ db: Database) throws {
        guard let entry else { return }
        try db.insert(
            into: "audit_logs",
            sql: """
                INSERT INTO audit_logs (id, actor, action, subject_type, subject_id, details, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                entry.id.rawValue, entry.actor, entry.action, entry.subjectType, entry.subjectID, entry.details,
                entry.createdAt.sql,
            ],
            keys: ["id": entry.id.rawValue])
    }

    public func recentAudit(limit: Int) async throws -> [AuditEntry] {
        try await self.read { db in
            try db.fetch("SELECT * FROM audit_logs ORDER BY created_at DESC, id DESC LIMIT ?", [max(limit, 0)],
                         table: "audit_logs", AuditEntry.init(row:))
        }
    }
}
