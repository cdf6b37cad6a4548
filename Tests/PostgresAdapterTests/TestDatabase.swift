import Foundation
import Kernel
import KernelTesting
import Logging
import PostgresAdapter
import PostgresNIO
import Testing

/// The suites' server (`TEST_POSTGRES_URL`), and one fresh schema per test so cases run in
/// parallel on one server without seeing each other's rows.
enum TestDatabase {
    /// Runs the suites when `TEST_POSTGRES_URL` is set, or when `REQUIRE_INTEGRATION=1` (which
    /// then fails them if the URL is missing or the server unreachable, rather than skipping).
    static var isEnabled: Bool { IntegrationEnvironment.shouldRun(IntegrationEnvironment.postgresVariable) }

    /// The server's configuration from `TEST_POSTGRES_URL`.
    static func serverConfiguration(poolSize: Int = 4) throws -> PostgresConfiguration {
        try PostgresConfiguration(url: try IntegrationEnvironment.requireURL(IntegrationEnvironment.postgresVariable),
                                  poolSize: poolSize)
    }

    /// At most this many schemas (and their pools) at once, so parallel cases stay well inside
    /// the server's connection limit.
    private static let slots = Slots(8)

    /// Creates the empty schema `mirror_test_<random>`, hands `body` its configuration (a
    /// `search_path` of that schema alone), and drops the schema afterwards, also on failure.
    static func withEmptySchema<T: Sendable>(
        poolSize: Int = 4, _ body: @Sendable (PostgresConfiguration) async throws -> T
    ) async throws -> T {
        try await self.slots.withSlot {
            let server = try self.serverConfiguration(poolSize: poolSize)
            let schema = "mirror_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let admin = try PostgresStore(configuration: server, logger: .test)
            try await admin.checkConnection()
            try await self.adminQuery(server, "CREATE SCHEMA \(schema)")
            var configuration = server
            configuration.startupParameters = ["search_path": schema]
            do {
                let result = try await body(configuration)
                try await self.adminQuery(server, "DROP SCHEMA \(schema) CASCADE")
                return result
            } catch {
                try? await self.adminQuery(server, "DROP SCHEMA \(schema) CASCADE")
                throw error
            }
        }
    }

    /// A freshly migrated store in a schema of its own, its client running for `body`.
    static func withStore<T: Sendable>(poolSize: Int = 4, _ body: @Sendable (PostgresStore) async throws -> T)
        async throws -> T
    {
        try await self.withEmptySchema(poolSize: poolSize) { configuration in
            try await self.withRunningStore(configuration) { store in
                try await store.migrate()
                return try await body(store)
            }
        }
    }

    /// A store on `configuration` whose client runs while `body` does, then stops.
    static func withRunningStore<T: Sendable>(_ configuration: PostgresConfiguration,
                                              _ body: @Sendable (PostgresStore) async throws -> T) async throws -> T {
        let store = try PostgresStore(configuration: configuration, logger: .test)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await store.client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(store)
        }
    }

    /// One statement on its own connection to the server's database (schemas are created and
    /// dropped outside the pools under test).
    static func adminQuery(_ server: PostgresConfiguration, _ sql: String) async throws {
        let store = try PostgresStore(configuration: server, logger: .test)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.client.run() }
            defer { group.cancelAll() }
            try await store.client.query(PostgresQuery(unsafeSQL: sql), logger: .test)
        }
    }
}

/// A counting semaphore for async code.
actor Slots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { self.free = count }

    func withSlot<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await self.acquire()
        do {
            let result = try await body()
            self.release()
            return result
        } catch {
            self.release()
            throw error
        }
    }

    private func acquire() async {
        if self.free > 0 {
            self.free -= 1
            return
        }
        await withCheckedContinuation { self.waiting.append($0) }
    }

    private func release() {
        if self.waiting.isEmpty {
            self.free += 1
        } else {
            self.waiting.removeFirst().resume()
        }
    }
}

extension Logger {
    /// Logs nowhere: tests assert on values, not log lines.
    static let test = Logger(label: "mirror.postgres.tests", factory: { _ in SwiftLogNoOpLogHandler() })
}

/// A result row of SQL typed by a person (the runbook's): column names in select order and
/// their values decoded by type, so tests compare them with plain Swift values.
struct SQLRow: Sendable, Equatable {
    enum Value: Sendable, Equatable, CustomStringConvertible {
        case null
        case integer(Int64)
        case text(String)
        /// NUMERIC, as the decimal text the server prints.
        case numeric(String)
        case timestamp(Timestamp)
        case bool(Bool)
        case bytes(Int)

        var description: String {
            switch self {
            case .null: "NULL"
            case .integer(let number): String(number)
            case .text(let text): "'\(text)'"
            case .numeric(let text): text
            case .timestamp(let time): time.description
            case .bool(let value): String(value)
            case .bytes(let count): "<\(count) bytes>"
            }
        }
    }

    let columns: [String]
    let values: [Value]

    subscript(_ name: String) -> Value? {
        self.columns.firstIndex(of: name).map { self.values[$0] }
    }
}

extension PostgresStore {
    /// Runs `sql` exactly as written (the simple path: no parameters) and returns every row.
    func rows(sql: String) async throws -> [SQLRow] {
        var rows: [SQLRow] = []
        for try await row in try await self.client.query(PostgresQuery(unsafeSQL: sql), logger: .test) {
            rows.append(SQLRow(columns: row.map(\.columnName), values: try row.map(SQLRow.Value.init)))
        }
        return rows
    }

    /// Runs `sql` (a statement that returns no rows, like the runbook's UPDATEs) exactly as written.
    func execute(sql: String) async throws {
        try await self.client.query(PostgresQuery(unsafeSQL: sql), logger: .test)
    }
}

extension SQLRow.Value {
    init(_ cell: PostgresCell) throws {
        guard cell.bytes != nil else {
            self = .null
            return
        }
        switch cell.dataType {
        case .int2, .int4, .int8: self = .integer(try cell.decode(Int64.self))
        case .text, .varchar, .bpchar, .name: self = .text(try cell.decode(String.self))
        case .numeric: self = .numeric("\(try cell.decode(Decimal.self))")
        case .timestamptz, .timestamp:
            // Whole milliseconds, as every adapter writes them.
            let date = try cell.decode(Date.self)
            self = .timestamp(Timestamp(epochMilliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded())))
        case .bool: self = .bool(try cell.decode(Bool.self))
        case .bytea: self = .bytes(try cell.decode(ByteBuffer.self).readableBytes)
        default: self = .text(try cell.decode(String.self))
        }
    }
}
