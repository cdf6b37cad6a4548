import GRDB
public import Kernel

extension SQLiteStore: LeaseStore {
    /// One write transaction (SQLite's one writer): the row is created, renewed by its holder, or
    /// taken over once expired (the token bumped); a running lease of another holder is left alone.
    public func acquireLease(_ name: String, holder: String, now: Timestamp, ttl: Duration) async throws -> WorkerLease? {
        try await self.write { db in
            try db.fetchOne(
                """
                INSERT INTO worker_leases (name, holder, token, expires_at) VALUES (?, ?, 1, ?)
                ON CONFLICT (name) DO UPDATE SET
                    token = CASE WHEN worker_leases.holder = excluded.holder THEN worker_leases.token
                                 ELSE worker_leases.token + 1 END,
                    holder = excluded.holder, expires_at = excluded.expires_at
                WHERE worker_leases.holder = excluded.holder OR worker_leases.expires_at <= ?
                RETURNING name, holder, token, expires_at
                """, [name, holder, (now + ttl).sql, now.sql], table: "worker_leases"
            ) { row in
                WorkerLease(name: try row.text("name"), holder: try row.text("holder"), token: try row.integer("token"),
                            expiresAt: try row.timestamp("expires_at"))
            }
        }
    }

    public func releaseLease(_ name: String, holder: String, token: Int64) async throws {
        try await self.write { db in
            _ = try db.update(
                sql: "UPDATE worker_leases SET holder = '', expires_at = ? WHERE name = ? AND holder = ? AND token = ?",
                arguments: [Timestamp(epochMilliseconds: 0).sql, name, holder, token])
        }
    }
}
