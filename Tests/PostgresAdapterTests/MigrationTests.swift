import Kernel
import PostgresAdapter
import Testing

@Suite(.enabled(if: TestDatabase.isEnabled, "set TEST_POSTGRES_URL (or REQUIRE_INTEGRATION=1) to run"))
struct PostgresMigrationTests {
    /// Every table and index of the schema, as the catalog records them.
    private func schema(of store: PostgresStore) async throws -> [SQLRow] {
        try await store.rows(sql: """
            SELECT tablename AS name, 'table' AS kind FROM pg_tables WHERE schemaname = current_schema()
            UNION ALL
            SELECT indexname || ' ' || indexdef, 'index' FROM pg_indexes WHERE schemaname = current_schema()
            ORDER BY 2, 1
            """)
    }

    @Test func migratingTwiceAppliesEverythingOnceAndLeavesTheSchemaAlone() async throws {
        try await TestDatabase.withEmptySchema { configuration in
            try await TestDatabase.withRunningStore(configuration) { store in
                let empty = try await self.schema(of: store)

                let first = try await store.migrate()
                let afterFirst = try await self.schema(of: store)
                let second = try await store.migrate()
                let afterSecond = try await self.schema(of: store)

                #expect(empty.isEmpty)
                #expect(first.applied.map(\.version) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
                #expect(first.applied.map(\.name) == ["initial_schema", "key_versions_as_bigint", "wallet_funds", "copy_pipeline", "withdrawal_safety", "equity_snapshots", "copy_quality", "notifications", "worker_leases", "event_caps", "account_event_caps", "open_orders_index"])
                #expect(first.schemaVersion == 12)
                #expect(second.wasUpToDate)
                #expect(second.description == "schema up to date (version 12)")
                #expect(afterSecond == afterFirst)
                let tables = Set(afterFirst.filter { $0["kind"] == .text("table") }.compactMap { row -> String? in
                    if case .text(let name) = row["name"] { name } else { nil }
                })
                #expect(tables == [
                    "schema_migrations", "users", "trading_wallets", "leaders", "leader_positions", "copy_profiles",
                    "leader_events", "copy_attempts", "orders", "positions", "relayer_txs", "audit_logs", "withdrawal_addresses", "leader_watches",
                    "equity_snapshots", "worker_leases", "token_events",
                    "notification_outbox", "webhook_endpoints", "webhook_deliveries",
                    "notification_follow_states", "notification_digests", "notification_state", "telegram_links", "telegram_messages",
                ])
                let recorded = try await store.rows(sql: "SELECT version, name FROM schema_migrations")
                #expect(recorded == [
                    SQLRow(columns: ["version", "name"], values: [.integer(1), .text("initial_schema")]),
                    SQLRow(columns: ["version", "name"], values: [.integer(2), .text("key_versions_as_bigint")]),
                    SQLRow(columns: ["version", "name"], values: [.integer(3), .text("wallet_funds")]),
                    SQLRow(columns: ["version", "name"], values: [.integer(4), .text("copy_pipeline")]),
                    SQLRow(columns: ["version", "name"], values: [.integer(5), .text("withdrawal_safety")]),
                    SQLRow(columns: ["version", "name"], values: [.integer(6), .text("equity_snapshots")]),
                    SQLRow(columns: ["version", "name"], values: [.integer(7), .text("copy_quality")]),
                    SQLRow(columns: ["version", "name"], values: [.integer(8), .text("notifications")]),
                    SQLRow(columns: ["version", "name"], values: [.integer(9), .text("worker_leases")]),
                    SQLRow(columns: ["version", "name"], values: [.integer(10), .text("event_caps")]),
                    SQLRow(columns: ["version", "name"], values: [.integer(11), .text("account_event_caps")]),
                    SQLRow(columns: ["version", "name"], values: [.integer(12), .text("open_orders_index")]),
                ])
            }
        }
    }

    @Test func replicasMigratingAtOnceFromSeparateClientsApplyEachStepOnce() async throws {
        try await TestDatabase.withEmptySchema(poolSize: 2) { configuration in
            // Four processes' worth of pools, racing on one empty schema.
            let outcomes = try await withThrowingTaskGroup(of: PostgresMigrationOutcome.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await TestDatabase.withRunningStore(configuration) { store in try await store.migrate() }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.flatMap(\.applied).map(\.version) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], "exactly one replica applied the steps")
            #expect(outcomes.allSatisfy { $0.schemaVersion == 12 })
            #expect(outcomes.filter(\.wasUpToDate).count == 3)
        }
    }

    @Test func aDatabaseFromANewerBuildIsRefusedUntouched() async throws {
        try await TestDatabase.withEmptySchema { configuration in
            try await TestDatabase.withRunningStore(configuration) { store in
                try await store.migrate()
                try await store.execute(sql: "INSERT INTO schema_migrations (version, name) VALUES (99, 'from_the_future')")
                try await store.execute(sql: "CREATE TABLE from_the_future (id TEXT)")
                let before = try await self.schema(of: store)

                await #expect(throws: StoreError.schemaTooNew(databaseVersion: 99, codeVersion: 12)) {
                    try await store.migrate()
                }
                let after = try await self.schema(of: store)
                let versions = try await store.rows(sql: "SELECT version FROM schema_migrations ORDER BY version")
                #expect(after == before, "nothing was created or dropped")
                #expect(versions.map { $0["version"] } == [.integer(1), .integer(2), .integer(3), .integer(4), .integer(5), .integer(6), .integer(7), .integer(8), .integer(9), .integer(10), .integer(11), .integer(12), .integer(99)])
            }
        }
    }

    /// RUNBOOK, Schema: on a large `orders` table the operator builds migration 0012's index
    /// beforehand without blocking writes; the migration then finds it and records its step.
    @Test func anOpenOrdersIndexBuiltConcurrentlyBeforehandIsTakenByMigration12() async throws {
        try await TestDatabase.withEmptySchema { configuration in
            try await TestDatabase.withRunningStore(configuration) { store in
                try await store.migrate()
                try await store.execute(sql: "DROP INDEX orders_open_by_profile")
                try await store.execute(sql: "DELETE FROM schema_migrations WHERE version = 12")
                try await store.execute(sql: """
                    CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_open_by_profile ON orders (profile_id, created_at)
                        WHERE status IN ('SIGNED', 'SUBMITTED', 'LIVE', 'UNKNOWN')
                    """)
                let outcome = try await store.migrate()
                #expect(outcome.applied.map(\.version) == [12])
                let indexes = try await store.rows(sql: """
                    SELECT indexname FROM pg_indexes
                    WHERE schemaname = current_schema() AND indexname = 'orders_open_by_profile'
                    """)
                #expect(indexes.count == 1)
            }
        }
    }

    @Test func aFailedMigrationLeavesNoHalfSchema() async throws {
        try await TestDatabase.withEmptySchema { configuration in
            try await TestDatabase.withRunningStore(configuration) { store in
                // A table the first migration creates already exists: its CREATE fails midway.
                try await store.execute(sql: "CREATE TABLE audit_logs (id TEXT)")

                await #expect(throws: (any Error).self) { try await store.migrate() }
                let tables = try await store.rows(sql: """
                    SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename
                    """)
                #expect(tables.map { $0["tablename"] } == [.text("audit_logs")], "the whole step rolled back")
            }
        }
    }
}
