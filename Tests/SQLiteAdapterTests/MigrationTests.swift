import Foundation
import Kernel
@testable import SQLiteAdapter
import StoreSupport
import Testing

@Suite struct MigrationTests {
    /// Every table, index and their SQL, as SQLite records them.
    private func schema(of store: SQLiteStore) throws -> [SQLRow] {
        try store.rows(sql: "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")
    }

    private func userVersion(of store: SQLiteStore) throws -> SQLValue? {
        try store.rows(sql: "PRAGMA user_version").first?["user_version"]
    }

    /// The reads of open orders write `Order.Status.openCondition`; SQLite takes a partial index
    /// only for a query that repeats its condition, so the text must stay the indexes' own.
    @Test func theOpenOrderReadsUseTheirPartialIndexes() async throws {
        try await withTemporaryFolder { folder in
            let store = try SQLiteStore.open(path: folder.appendingPathComponent("m.sqlite").path, logger: .test)
            defer { try? store.close() }
            try store.migrate()
            let byProfile = try store.rows(sql: """
                EXPLAIN QUERY PLAN SELECT * FROM orders WHERE profile_id IN ('p1', 'p2') AND created_at >= '2026-12-01'
                    AND \(Order.Status.openCondition) ORDER BY created_at, id
                """)
            #expect(byProfile.contains { "\($0)".contains("orders_open_by_profile") }, "\(byProfile)")
            let buys = try store.rows(sql: """
                EXPLAIN QUERY PLAN SELECT id FROM orders WHERE wallet_id = 'w1' AND side = 'BUY' AND NOT paper
                    AND \(Order.Status.openCondition)
                """)
            #expect(buys.contains { "\($0)".contains("orders_open_buys") }, "\(buys)")
        }
    }

    @Test func migratingTwiceAppliesEverythingOnceAndLeavesTheSchemaAlone() async throws {
        try await withTemporaryFolder { folder in
            let store = try SQLiteStore.open(path: folder.appendingPathComponent("m.sqlite").path, logger: .test)
            defer { try? store.close() }
            let empty = try self.schema(of: store)

            let first = try store.migrate()
            let afterFirst = try self.schema(of: store)
            let second = try store.migrate()
            let afterSecond = try self.schema(of: store)

            #expect(empty.isEmpty)
            #expect(first.applied == [MigrationOutcome.Step(version: 1, name: "initial_schema"),
                                      MigrationOutcome.Step(version: 2, name: "exits_ledger"),
                                      MigrationOutcome.Step(version: 3, name: "wallet_funds"),
                                      MigrationOutcome.Step(version: 4, name: "copy_pipeline"),
                                      MigrationOutcome.Step(version: 5, name: "withdrawal_safety"),
                                      MigrationOutcome.Step(version: 6, name: "equity_snapshots"),
                                      MigrationOutcome.Step(version: 7, name: "copy_quality"),
                                      MigrationOutcome.Step(version: 8, name: "notifications"),
                                      MigrationOutcome.Step(version: 9, name: "worker_leases"),
                                      MigrationOutcome.Step(version: 10, name: "event_caps"),
                                      MigrationOutcome.Step(version: 11, name: "account_event_caps"),
                                      MigrationOutcome.Step(version: 12, name: "open_orders_index")])
            #expect(first.schemaVersion == SQLiteMigrations.latestVersion)
            #expect(!first.wasUpToDate)
            #expect(second.applied.isEmpty)
            #expect(second.wasUpToDate)
            #expect(second.schemaVersion == first.schemaVersion)
            #expect(second.description == "schema up to date (version \(SQLiteMigrations.latestVersion))")
            #expect(afterSecond == afterFirst)
            let tables = Set(afterFirst.filter { $0["type"] == .text("table") }.compactMap { row -> String? in
                if case .text(let name) = row["name"] { name } else { nil }
            })
            #expect(tables == [
                "users", "trading_wallets", "leaders", "copy_profiles", "leader_events", "copy_attempts", "orders",
                "positions", "relayer_txs", "audit_logs", "leader_positions", "withdrawal_addresses", "leader_watches", "equity_snapshots",
                "worker_leases", "token_events",
                "notification_outbox", "webhook_endpoints", "webhook_deliveries", "notification_follow_states",
                "notification_digests", "notification_state", "telegram_links", "telegram_messages",
                "sqlite_sequence", // the outbox's and deliveries' AUTOINCREMENT: a webhook-id is never reused
            ])
            #expect(try self.userVersion(of: store) == .integer(Int64(SQLiteMigrations.latestVersion)))
        }
    }

    /// Migration 2 rebuilds `copy_attempts` under live references (orders point at it): rows
    /// written by the first schema survive with their token filled in, and references still hold.
    @Test func theExitsMigrationKeepsAFirstSchemaDatabasesAttemptsAndOrders() async throws {
        try await withTemporaryFolder { folder in
            let store = try SQLiteStore.open(path: folder.appendingPathComponent("v1.sqlite").path, logger: .test)
            defer { try? store.close() }
            for statement in SQLiteMigration.initialSchema.statements { _ = try store.execute(sql: statement) }
            try store.executeOutsideTransaction(sql: "PRAGMA user_version = 1")
            let t = "'2025-01-01T00:00:00.000Z'"
            let seed = [
                "INSERT INTO users VALUES ('u1', 'x|1', NULL, \(t))",
                "INSERT INTO leaders VALUES ('l1', '0x00000000000000000000000000000000000000aa', NULL, NULL, \(t))",
                """
                INSERT INTO trading_wallets VALUES ('w1', 'u1', 'DEPOSIT_WALLET', '0x00000000000000000000000000000000000000b1',
                    '0x00000000000000000000000000000000000000c1', x'00', 1, 'READY', NULL, NULL, NULL, NULL, NULL, \(t), \(t))
                """,
                """
                INSERT INTO copy_profiles VALUES ('p1', 'u1', 'l1', 'w1', 'ENABLED', 'LIVE', 'FIXED_USD', 10000000, 60000,
                    20000, 980000, 30000, 50000, 300000, 1000000, NULL, NULL, NULL, NULL, 'HOLD', \(t), \(t))
                """,
                """
                INSERT INTO leader_events VALUES ('e1', 'l1', 'id#1', '0x00000000000000000000000000000000000000aa', '0xabc',
                    '12345678901234567890', '0xc0', 'slug', 'Yes', 'BUY', '25.5', '0.53', \(t), 'DATA_API', \(t), \(t))
                """,
                """
                INSERT INTO copy_attempts VALUES ('a1', 'p1', 'u1', 'e1', 'ENTRY', 'DONE', NULL, NULL, \(t), NULL, NULL, 1,
                    \(t), \(t), \(t), 18860000, 510000, 530000, \(t), \(t))
                """,
                """
                INSERT INTO orders VALUES ('0x01', 'a1', 'p1', 'w1', '12345678901234567890', 'BUY', 'FOK', 530000, 18860000,
                    9618600, 18860000, 'FILLED', '{}', 18860000, 9618600, 0, 0, NULL, \(t), \(t), \(t))
                """,
            ]
            for statement in seed { _ = try store.execute(sql: statement) }
            let outcome = try store.migrate()
            #expect(outcome.applied == [MigrationOutcome.Step(version: 2, name: "exits_ledger"),
                                        MigrationOutcome.Step(version: 3, name: "wallet_funds"),
                                        MigrationOutcome.Step(version: 4, name: "copy_pipeline"),
                                        MigrationOutcome.Step(version: 5, name: "withdrawal_safety"),
                                        MigrationOutcome.Step(version: 6, name: "equity_snapshots"),
                                      MigrationOutcome.Step(version: 7, name: "copy_quality"),
                                      MigrationOutcome.Step(version: 8, name: "notifications"),
                                      MigrationOutcome.Step(version: 9, name: "worker_leases"),
                                      MigrationOutcome.Step(version: 10, name: "event_caps"),
                                      MigrationOutcome.Step(version: 11, name: "account_event_caps"),
                                      MigrationOutcome.Step(version: 12, name: "open_orders_index")])
            let columns = try store.rows(sql: "SELECT name FROM pragma_table_info('copy_attempts')").compactMap { row -> String? in
                if case .text(let name) = row["name"] { name } else { nil }
            }
            #expect(columns.contains("token_id") && columns.contains("target_shares_units"))
            #expect(try store.rows(sql: "PRAGMA foreign_key_check").isEmpty)
            let attempt = try #require(try await store.attempt(id: AttemptID("a1")))
            #expect(attempt.tokenID == (try TokenID("12345678901234567890")))
            #expect(attempt.conditionID == "0xc0", "migration 4 records the market from the event")
            #expect(attempt.leaderEventID == LeaderEventID("e1"))
            #expect(attempt.targetShares == nil)
            #expect(attempt.filledShares == Shares(baseUnits: 18_860_000))
            let orders = try await store.orders(attemptID: attempt.id)
            #expect(orders.map(\.status) == [.filled])
            // The rebuilt table still enforces what the first one did, and the reference from orders.
            #expect(throws: (any Error).self) {
                _ = try store.execute(sql: "DELETE FROM copy_attempts WHERE id = 'a1'")
            }
        }
    }

    @Test func aDatabaseFromANewerBuildIsRefusedUntouched() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("newer.sqlite").path
            let store = try SQLiteStore.open(path: path, logger: .test)
            defer { try? store.close() }
            let newer = SQLiteMigrations.latestVersion + 1
            try store.executeOutsideTransaction(sql: "PRAGMA user_version = \(newer)")

            #expect(throws: StoreError.schemaTooNew(databaseVersion: newer, codeVersion: SQLiteMigrations.latestVersion)) {
                try store.migrate()
            }
            #expect(try self.schema(of: store).isEmpty, "nothing was created")
            #expect(try self.userVersion(of: store) == .integer(Int64(newer)))
        }
    }

    @Test func twoProcessesMigratingAtOnceApplyEachStepOnce() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("shared.sqlite").path
            let stores = try (0..<4).map { _ in try SQLiteStore.open(path: path, logger: .test) }
            defer { for store in stores { try? store.close() } }
            let outcomes = try await withThrowingTaskGroup(of: MigrationOutcome.self) { group in
                for store in stores { group.addTask { try store.migrate() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.flatMap(\.applied).map(\.version).sorted() == SQLiteMigrations.all.map(\.version))
            #expect(outcomes.allSatisfy { $0.schemaVersion == SQLiteMigrations.latestVersion })
        }
    }

    @Test func everyConnectionRunsWALWithFullSyncForeignKeysAndABusyTimeout() async throws {
        try await withTemporaryStore { store in
            for connection in [SQLConnection.writer, .reader] {
                let journal = try store.rows(sql: "PRAGMA journal_mode", on: connection).first?["journal_mode"]
                let synchronous = try store.rows(sql: "PRAGMA synchronous", on: connection).first?["synchronous"]
                let foreignKeys = try store.rows(sql: "PRAGMA foreign_keys", on: connection).first?["foreign_keys"]
                let busy = try store.rows(sql: "PRAGMA busy_timeout", on: connection).first?["timeout"]
                #expect(journal == .text("wal"), "\(connection)")
                #expect(synchronous == .integer(2), "FULL is 2 (\(connection))")
                #expect(foreignKeys == .integer(1), "\(connection)")
                #expect(busy == .integer(10_000), "\(connection)")
            }
        }
    }

    @Test func openCreatesMissingFoldersAndDataSurvivesAReopen() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("a/b/c/mirror.sqlite").path
            let first = try SQLiteStore.open(path: path, logger: .test)
            try first.migrate()
            try await first.appendAudit(AuditEntry(id: "audit-1", actor: "system", action: "test.reopen", createdAt: .init(epochMilliseconds: 1)))
            try first.close()

            let second = try SQLiteStore.open(path: path, logger: .test)
            defer { try? second.close() }
            let outcome = try second.migrate()
            let entries = try await second.recentAudit(limit: 10)
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(outcome.wasUpToDate)
            #expect(entries.map(\.action) == ["test.reopen"])
        }
    }
}
