public import Kernel
import PostgresNIO

extension PostgresStore: LeaseStore {
    /// One statement: the row is created, renewed by its holder, or taken over once expired
    /// (the token bumped); a running lease of another holder leaves it alone and returns nothing.
    public func acquireLease(_ name: String, holder: String, now: Timestamp, ttl: Duration) async throws -> WorkerLease? {
        try await self.read { db in
            try await db.fetchOne(
                """
                INSERT INTO worker_leases (name, holder, token, expires_at)
                VALUES (\(name), \(holder), 1, \((now + ttl).pg))
                ON CONFLICT (name) DO UPDATE SET
                    token = CASE WHEN worker_leases.holder = excluded.holder THEN worker_leases.token
                                 ELSE worker_leases.token + 1 END,
                    holder = excluded.holder, expires_at = excluded.expires_at
                WHERE worker_leases.holder = excluded.holder OR worker_leases.expires_at <= \(now.pg)
                RETURNING name, holder, token, expires_at
                """, table: "worker_leases", logger: self.logger
            ) { row in
                WorkerLease(name: try row.text("name"), holder: try row.text("holder"), token: try row.integer("token"),
                            expiresAt: try row.timestamp("expires_at"))
            }
        }
    }

    public func releaseLease(_ name: String, holder: String, token: Int64) async throws {
        _ = try await self.read { db in
            try await db.execute(
                """
                UPDATE worker_leases SET holder = '', expires_at = 'epoch'
                WHERE name = \(name) AND holder = \(holder) AND token = \(token)
                """, logger: self.logger)
        }
    }
}
