import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import Logging
import ServiceLifecycle
import Testing

@testable import App

/// A fresh folder under the system's temporary directory, removed after `body`.
func withTemporaryFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mirror-app-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await body(folder)
}

/// The store selections every HTTP scenario runs under.
enum StoreSelection: String, CaseIterable, Sendable {
    case memory, sqlite

    /// A local configuration on this store; SQLite lives in a folder that does not exist yet.
    func makeConfiguration(in folder: URL) throws -> MirrorConfiguration {
        switch self {
        case .memory: try configuration(["DATABASE_URL": "memory:"])
        case .sqlite: try configuration(["DATABASE_URL": folder.appendingPathComponent("data/mirror.sqlite").path])
        }
    }
}

func bodyText(_ response: TestResponse) -> String {
    String(buffer: response.body)
}

@Suite struct ApplicationTests {
    @Test(arguments: StoreSelection.allCases)
    func healthAnswers200WithJSON(_ selection: StoreSelection) async throws {
        try await withTemporaryFolder { folder in
            let app = try await buildApplication(configuration: selection.makeConfiguration(in: folder))
            try await app.test(.router) { client in
                try await client.execute(uri: "/health", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                    let health = try JSONDecoder().decode(HealthResponse.self, from: Data(bodyText(response).utf8))
                    #expect(health == HealthResponse(status: "ok", mode: "local"))
                }
            }
        }
    }

    @Test(arguments: StoreSelection.allCases)
    func unknownRoutesAnswer404WithJSON(_ selection: StoreSelection) async throws {
        try await withTemporaryFolder { folder in
            let app = try await buildApplication(configuration: selection.makeConfiguration(in: folder))
            try await app.test(.router) { client in
                for (uri, method) in [("/no/such/route", HTTPRequest.Method.get), ("/health", .post)] {
                    try await client.execute(uri: uri, method: method) { response in
                        #expect(response.status == .notFound)
                        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                        #expect(bodyText(response) == #"{"error":{"message":"Not Found"}}"#)
                    }
                }
            }
        }
    }

    @Test func localModeCreatesTheSQLiteFolderAndMigratesBeforeServing() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("data/nested/mirror.sqlite").path
            let config = try configuration(["DATABASE_URL": "sqlite://\(path)"])
            let app = try await buildApplication(configuration: config)
            #expect(FileManager.default.fileExists(atPath: path))
            try await app.test(.router) { client in
                try await client.execute(uri: "/health", method: .get) { response in
                    #expect(response.status == .ok)
                }
            }
            // The schema is already current: what `mirror db push` would say now.
            let backend = try await StoreBackend.open(.sqlite(path: path))
            let migrate = try #require(backend.migrate)
            let report = try await migrate()
            try await backend.close?()
            #expect(report.applied == 0)
            #expect(report.description.hasPrefix("schema is up to date"))
        }
    }

    @Test func serveRunsTheWorkersAndApiDoesNot() async throws {
        let config = try configuration(["DATABASE_URL": "memory:"])
        let backends = try await Backends.open(configuration: config)
        let serve = try await buildApplication(configuration: config, backends: backends, role: .serve)
        let api = try await buildApplication(configuration: config, backends: backends, role: .api)
        #expect(serve.services.contains { $0 is SingletonWorker<ContinuousClock> })
        #expect(!api.services.contains { $0 is SingletonWorker<ContinuousClock> })
    }

    @Test(.timeLimit(.minutes(1)))
    func theHealthCheckWorkerWritesSystemHealthWhileServing() async throws {
        let config = try configuration(["DATABASE_URL": "memory:"])
        let backends = try await Backends.open(configuration: config)
        let app = try await buildApplication(configuration: config, backends: backends)
        try await app.test(.router) { _ in
            while try await backends.cache.lastHeartbeat(.healthCheck) == nil {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        let json = try #require(try await backends.cache.value(forKey: CacheKey.systemHealth))
        let report = try JSONDecoder().decode(HealthReport.self, from: Data(json.utf8))
        #expect(report.components.map(\.name) == ["database", "cache", "exchange", "relayer"])
        let everyComponentUp = report.components.allSatisfy(\.up)
        #expect(everyComponentUp)
        #expect(report.workers.map(\.name) == ["copy-trading", "position-sync", "auto-claim", "health-check", "onboarding", "notifications"],
                "the runbook's five")
    }
}

@Suite struct DatabasePushTests {
    @Test func pushingTwiceAppliesThenReportsUpToDate() async throws {
        try await withTemporaryFolder { folder in
            let location = DatabaseLocation.sqlite(path: folder.appendingPathComponent("fresh/mirror.sqlite").path)
            let first = try await StoreBackend.open(location)
            let migrateFirst = try #require(first.migrate)
            let applied = try await migrateFirst()
            try await first.close?()
            #expect(applied.applied > 0)
            #expect(applied.description.hasPrefix("applied \(applied.applied) migration"))

            let second = try await StoreBackend.open(location)
            let migrateSecond = try #require(second.migrate)
            let again = try await migrateSecond()
            try await second.close?()
            #expect(again == MigrationReport(applied: 0, schemaVersion: applied.schemaVersion))
            #expect(again.description == "schema is up to date (version \(applied.schemaVersion))")
        }
    }

    @Test func theInMemoryStoreHasNothingToMigrate() async throws {
        let backend = try await StoreBackend.open(.memory)
        #expect(backend.migrate == nil)
        #expect(backend.close == nil)
    }
}

@Suite struct StartupLineTests {
    @Test func everyFailureBecomesOneLine() {
        let configurationError = ConfigurationError(.port, "must be an integer from 1 to 65535, got \"abc\"")
        #expect(Startup.line(for: configurationError) == #"configuration error: PORT must be an integer from 1 to 65535, got "abc""#)
        #expect(Startup.line(for: StoreError.schemaTooNew(databaseVersion: 9, codeVersion: 1))
            == "error: the database schema is version 9 but this build knows only up to 1; upgrade mirror")
        struct Chatty: Error, CustomStringConvertible { var description: String { "first line\nsecond line" } }
        #expect(Startup.line(for: Chatty()) == "error: first line second line")
    }
}

/// A flag set from another task.
actor Flag {
    private(set) var isSet = false
    func set() { self.isSet = true }
}

@Suite struct ServiceLifetimeTests {
    @Test(.timeLimit(.minutes(1)))
    func theWorkerServicesRunTheHealthCheckAndStopOnGracefulShutdown() async throws {
        let config = try configuration(["DATABASE_URL": "memory:"])
        let backends = try await Backends.open(configuration: config)
        let workers = makeWorkers(configuration: config, backends: backends, wallClock: .system, logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: serviceGroupConfiguration(
            backends.services + workers, operations: config.operations, logger: Logger(label: "test"), signals: []))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while try await backends.cache.lastHeartbeat(.healthCheck) == nil {
                try await Task.sleep(for: .milliseconds(5))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()   // run() returned: the shutdown was honoured
        }
        #expect(try await backends.cache.value(forKey: CacheKey.systemHealth) != nil)
    }

    @Test(.timeLimit(.minutes(1)))
    func closeOnShutdownReleasesOnlyAfterGracefulShutdown() async throws {
        let closed = Flag()
        let group = ServiceGroup(services: [CloseOnShutdown(name: "test") { await closed.set() }],
                                 logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            #expect(await !closed.isSet)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(await closed.isSet)
    }
}
