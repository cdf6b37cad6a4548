import CopyBenchSupport
import Foundation
public import Logging
public import PostgresAdapter
import PostgresNIO

/// A migrated Postgres store in a new schema `mirror_bench_<random>` on the server named by
/// `TEST_POSTGRES_URL`, its pool running (production's default size) until ``remove()``, which
/// also drops the schema.
public struct TemporaryPostgres: Sendable {
    public static let variable = "TEST_POSTGRES_URL"
    public static let logger = Logger(label: "mirror.benchmarks", factory: { _ in SwiftLogNoOpLogHandler() })

    public let store: PostgresStore
    let server: PostgresConfiguration
    public let schema: String
    private let pool: Task<Void, Never>

    public static func open() async throws -> TemporaryPostgres {
        let schema = "mirror_bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await Self.adminQuery(try Self.server(), "CREATE SCHEMA \(schema)")
        let database = try await Self.attach(schema: schema)
        try await database.store.migrate()
        return database
    }

    /// The store of an existing schema (another process created and migrated it); ``remove()``
    /// would drop it, ``close()`` only stops this process's pool.
    public static func attach(schema: String) async throws -> TemporaryPostgres {
        let server = try Self.server()
        var configuration = server
        configuration.startupParameters = ["search_path": schema]
        let store = try PostgresStore(configuration: configuration, logger: Self.logger)
        try await store.checkConnection()
        let pool = Task { await store.client.run() }
        return TemporaryPostgres(store: store, server: server, schema: schema, pool: pool)
    }

    private static func server() throws -> PostgresConfiguration {
        guard let url = ProcessInfo.processInfo.environment[Self.variable], !url.isEmpty else {
            throw BenchmarkSetupError("set \(Self.variable) to the server to measure, e.g. postgres://postgres@127.0.0.1:55999/postgres")
        }
        return try PostgresConfiguration(url: url)
    }

    /// Stops this process's pool; the schema stays.
    public func close() async {
        self.pool.cancel()
        await self.pool.value
    }

    public func remove() async throws {
        await self.close()
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
