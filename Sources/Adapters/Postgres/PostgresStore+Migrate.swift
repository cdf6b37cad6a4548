import Kernel
import Logging
import PostgresNIO
import StoreSupport

extension PostgresStore {
    /// Applies every migration the database lacks, in order, in ONE transaction whose first
    /// statement takes a transaction-scoped advisory lock for this schema: replicas running
    /// `mirror db push` at the same moment queue on the lock, and the later ones find nothing to do.
    /// Each applied step is recorded in `schema_migrations`. DDL is transactional in PostgreSQL,
    /// so a failure leaves the schema as it was.
    ///
    /// Throws ``StoreError/schemaTooNew(databaseVersion:codeVersion:)`` (changing nothing) when the
    /// database was migrated by a newer build.
    @discardableResult
    public func migrate() async throws -> PostgresMigrationOutcome {
        let (applied, version) = try await self.transaction { connection in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext('mirror.schema_migrations.' || current_schema()))",
                logger: self.logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER NOT NULL PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """,
                logger: self.logger)
            let known = Set(try await connection.fetch(
                "SELECT version FROM schema_migrations", table: "schema_migrations", logger: self.logger
            ) { row in try row.int("version") })
            let current = known.max() ?? 0
            guard current <= PostgresMigrations.latestVersion else {
                throw StoreError.schemaTooNew(databaseVersion: current, codeVersion: PostgresMigrations.latestVersion)
            }
            var applied: [PostgresMigrationOutcome.Step] = []
            for migration in PostgresMigrations.all where !known.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: self.logger)
                applied.append(PostgresMigrationOutcome.Step(version: migration.version, name: migration.name))
            }
            return (applied, max(current, applied.last?.version ?? 0))
        }
        for step in applied {
            self.logger.info("applied migration", metadata: [
                "postgres.migration.version": "\(step.version)", "postgres.migration.name": "\(step.name)",
            ])
        }
        return PostgresMigrationOutcome(applied: applied, schemaVersion: version)
    }
}

/// What ``PostgresStore/migrate()`` did.
public struct PostgresMigrationOutcome: Hashable, Sendable, CustomStringConvertible {
    /// One applied migration.
    public struct Step: Hashable, Sendable {
        public let version: Int
        public let name: String
    }

    /// The migrations this call applied, oldest first; empty when the schema was already current.
    public let applied: [Step]
    /// The schema version after the call (the highest row of `schema_migrations`).
    public let schemaVersion: Int

    /// `true` when nothing needed applying.
    public var wasUpToDate: Bool { self.applied.isEmpty }

    public var description: String {
        if self.applied.isEmpty { return "schema up to date (version \(self.schemaVersion))" }
        let steps = self.applied.map { "\($0.version) \($0.name)" }.joined(separator: ", ")
        return "applied \(steps); schema now at version \(self.schemaVersion)"
    }
}
