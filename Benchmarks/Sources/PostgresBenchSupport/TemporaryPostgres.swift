import CopyBenchSupport
import Foundation
import Logging
import PostgresAdapter
import PostgresNIO

/// A migrated Postgres store in a new schema `mirror_bench_<random>` on the server named by
/// `TEST_POSTGRES_URL`, its pool running (production's default size) until ``remove()``, which
/// also drops the schema.
struct TemporaryPostgres: Sendable {
    static let variable = "TEST_POSTGRES_URL"
    static let logger = Logger(label: "mirror.benchmarks", factory: { _ in SwiftLogNoOpLogHandler() })

    let store: PostgresStore
    let server: PostgresConfiguration
    let schema: String
    private let pool: Task<Void, Never>

    static func open() async throws -> TemporaryPostgres {
        guard let url = ProcessInfo.processInfo.environment[Self.variable], !url.isEmpty else {
            throw BenchmarkSetupError("set \(Self.variable) to the server to measure, e.g. postgres://postgres@127.0.0.1:55999/postgres")
        }
        let server = try PostgresConfiguration(url: url)
        let schema = "mirror_bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await Self.adminQuery(server, "CREATE SCHEMA \(schema)")
        var configuration = server
        configuration.startupParameters = ["search_path": schema]
        let store = try PostgresStore(configuration: configuration, logger: Self.logger)
        try await store.checkConnection()
        let pool = Task { await store.client.run() }
        try await store.migrate()
        return TemporaryPostgres(store: store, server: server, schema: schema, pool: pool)
    }

    func remove() async throws {
        self.pool.cancel()
        await self.pool.value
        try await Self.adminQuery(self.server, "DROP SCHEMA \(self.schema) CASCADE")
    }

    /// One statement on a short-lived pool of the server's own database, outside the store under test.
    private static func adminQuery(_ server: PostgresConfiguration, _ sql: String) async throws {
        let admin = try PostgresStore(configuration: server, logger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await admin.client.run() }
            defer { group.cancelAll() }
            try await admin.client.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger)
        }
    }
}
