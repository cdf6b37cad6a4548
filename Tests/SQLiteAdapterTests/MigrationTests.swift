import Foundation
import Kernel
@testable import SQLiteAdapter
import Testing

@Suite struct MigrationTests {
    /// Every table, index and their SQL, as SQLite records them.
    private func schema(of store: SQLiteStore) throws -> [SQLRow] {
        try store.rows(sql: "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")
    }

    private func userVersion(of store: SQLiteStore) throws -> SQLValue? {
        try store.rows(sql: "PRAGMA user_version").first?["user_version"]
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
            #expect(first.applied == [MigrationOutcome.Step(version: 1, name: "initial_schema")])
            #expect(first.schemaVersion == SQLiteMigrations.latestVersion)
            #expect(!first.wasUpToDate)
            #expect(second.applied.isEmpty)
            #expect(second.wasUpToDate)
            #expect(second.schemaVersion == first.schemaVersion)
            #expect(second.description == "schema up to date (version 1)")
            #expect(afterSecond == afterFirst)
            let tables = Set(afterFirst.filter { $0["type"] == .text("table") }.compactMap { row -> String? in
                if case .text(let name) = row["name"] { name } else { nil }
            })
            #expect(tables == [
                "users", "trading_wallets", "leaders", "copy_profiles", "leader_events", "copy_attempts", "orders",
                "positions", "relayer_txs", "audit_logs",
            ])
            #expect(try self.userVersion(of: store) == .integer(Int64(SQLiteMigrations.latestVersion)))
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
            #expect(outcomes.flatMap(\.applied).map(\.version) == [1])
            #expect(outcomes.allSatisfy { $0.schemaVersion == 1 })
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
