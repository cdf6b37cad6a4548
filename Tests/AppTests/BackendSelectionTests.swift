@testable import App
import Foundation
import Kernel
import KernelTesting
import Logging
import PostgresNIO
import Testing

/// `DATABASE_URL` and `REDIS_URL` pick the adapters in one place; a database that cannot be
/// reached stops start-up with one line naming it (and never its password).
@Suite struct BackendSelectionTests {
    @Test func anUnreachablePostgresIsOneLineWithoutThePassword() async throws {
        let location = PostgresLocation(host: "127.0.0.1", port: 1, username: "mirror", password: Secret("canary-pg-password"),
                                        database: "mirror", parameters: ["sslmode": "disable"])
        let error = await #expect(throws: (any Error).self) {
            _ = try await StoreBackend.open(.postgres(location))
        }
        let line = Startup.line(for: try #require(error))
        #expect(line.hasPrefix("error: cannot reach PostgreSQL at"))
        #expect(line.contains("127.0.0.1:1"))
        #expect(!line.contains("canary-pg-password"))
    }

    @Test func anUnknownSSLModeNamesTheVariable() async throws {
        let location = PostgresLocation(host: "127.0.0.1", port: 1, username: "mirror", password: nil,
                                        database: "mirror", parameters: ["sslmode": "sometimes"])
        await #expect(throws: ConfigurationError.self) { _ = try await StoreBackend.open(.postgres(location)) }
    }

    /// Redis only costs efficiency (ARCHITECTURE §2): a process started during a Redis outage
    /// comes up, warns once without the password, and its cache reconnects later.
    @Test func anUnreachableRedisIsAWarningWithoutThePassword() async throws {
        let location = RedisLocation(host: "127.0.0.1", port: 1, username: nil, password: Secret("canary-redis-password"),
                                     databaseIndex: 0, usesTLS: false)
        let logs = CapturedLogs()
        let backend = try await CacheBackend.open(location, wallClock: ManualWallClock().wallClock, logger: logs.logger())
        #expect(String(describing: type(of: backend.cache)) == "RedisCache")
        #expect(logs.text.contains("cannot reach Redis at start-up"))
        #expect(logs.text.contains("redis://127.0.0.1:1/0"))
        #expect(!logs.text.contains("canary-redis-password"))
        try await backend.close?()
    }

    @Test(.enabled(if: IntegrationEnvironment.shouldRun(IntegrationEnvironment.redisVariable)))
    func aRedisURLSelectsRedis() async throws {
        let url = try #require(URLComponents(string: try IntegrationEnvironment.requireURL(IntegrationEnvironment.redisVariable)))
        let location = RedisLocation(host: url.host ?? "127.0.0.1", port: url.port ?? 6379, username: nil,
                                     password: url.password.map(Secret.init), databaseIndex: 0, usesTLS: false)
        let backend = try await CacheBackend.open(location, wallClock: ManualWallClock().wallClock, logger: Logger(label: "test"))
        let key = "mirror-app-test:\(UUID().uuidString)"
        try await backend.cache.set("1", forKey: key, ttl: .seconds(30))
        #expect(String(describing: type(of: backend.cache)) == "RedisCache")
        #expect(try await backend.cache.value(forKey: key) == "1")
        try await backend.close?()
    }

    @Test(.enabled(if: IntegrationEnvironment.shouldRun(IntegrationEnvironment.postgresVariable)))
    func aPostgresURLSelectsPostgresAndDbPushMigratesOnce() async throws {
        let url = try #require(URLComponents(string: try IntegrationEnvironment.requireURL(IntegrationEnvironment.postgresVariable)))
        let server = (host: url.host ?? "127.0.0.1", port: url.port ?? 5432, user: url.user ?? "postgres",
                      password: url.password, database: String(url.path.dropFirst()))
        let database = "mirror_app_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = PostgresClient(configuration: .init(
            host: server.host, port: server.port, username: server.user, password: server.password,
            database: server.database, tls: .disable))
        let location = PostgresLocation(host: server.host, port: server.port, username: server.user,
                                        password: server.password.map(Secret.init), database: database,
                                        parameters: ["sslmode": "disable"])
        let task = Task { await admin.run() }
        defer { task.cancel() }
        try await admin.query("CREATE DATABASE \(unescaped: database)")
        let outcome: Result<(MigrationReport, MigrationReport), any Error>
        do {
            outcome = .success((try await Self.pushOnce(location), try await Self.pushOnce(location)))
        } catch {
            outcome = .failure(error)
        }
        try await admin.query("DROP DATABASE IF EXISTS \(unescaped: database)")
        let (applied, again) = try outcome.get()
        #expect(applied.applied >= 1)
        #expect(again == MigrationReport(applied: 0, schemaVersion: applied.schemaVersion))
    }

    /// What `mirror db push` does: open the store the URL names, migrate, close.
    private static func pushOnce(_ location: PostgresLocation) async throws -> MigrationReport {
        let backend = try await StoreBackend.open(.postgres(location), poolSize: 2)
        // The long-lived pool is the service group's to run, not a task of its own.
        #expect(backend.services.contains { $0 is PostgresClient })
        guard let migrate = backend.migrate else {
            try await backend.close?()
            throw MissingMigrate()
        }
        let report = try await migrate()
        try await backend.maintenance { store in _ = try await store.recentAudit(limit: 1) }
        try await backend.close?()
        return report
    }

    struct MissingMigrate: Error {}
}

/// `EXCHANGE=polymarket` builds the real adapter (exchange, feed, relayer) from the
/// `POLYMARKET_*` variables; relayer credentials are required and named when wrong.
@Suite struct PolymarketSelectionTests {
    let base = ["EXCHANGE": "polymarket", "POLYMARKET_CLOB_URL": "http://127.0.0.1:9", "DATABASE_URL": "memory:"]

    @Test func polymarketBuildsTheRealAdapterBehindBreakers() async throws {
        var environment = self.base
        environment["RELAYER_API_KEY"] = "canary-relayer-key"
        environment["RELAYER_API_KEY_ADDRESS"] = "0x" + String(repeating: "a", count: 40)
        let config = try configuration(environment)
        let venue = try VenueBackend.make(config, store: try await StoreBackend.open(.memory).store, vault: TestKeyVault(),
                                          wallClock: ManualWallClock().wallClock, logger: Logger(label: "test"))
        #expect(venue.fakeVenue == nil)
        #expect(venue.breakers.map(\.service) == ["exchange", "relayer"])
        #expect(String(describing: type(of: venue.feed)) == "PolymarketLeaderFeed")
        #expect(String(describing: type(of: venue.credentialIssuer(vault: TestKeyVault()))) == "APIKeyIssuer")
    }

    @Test func withoutRelayerCredentialsStartUpNamesTheVariables() async throws {
        let config = try configuration(self.base)
        let store = try await StoreBackend.open(.memory).store
        #expect(throws: ConfigurationError.self) {
            _ = try VenueBackend.make(config, store: store, vault: TestKeyVault(),
                                      wallClock: ManualWallClock().wallClock, logger: Logger(label: "test"))
        }
    }

    @Test func aBuilderSecretThatIsNotBase64IsNamedNotShown() async throws {
        var environment = self.base
        environment["POLY_BUILDER_API_KEY"] = "key"
        environment["POLY_BUILDER_SECRET"] = "canary-not-base64!!"
        environment["POLY_BUILDER_PASSPHRASE"] = "pass"
        let config = try configuration(environment)
        let store = try await StoreBackend.open(.memory).store
        let error = #expect(throws: ConfigurationError.self) {
            _ = try VenueBackend.make(config, store: store, vault: TestKeyVault(),
                                      wallClock: ManualWallClock().wallClock, logger: Logger(label: "test"))
        }
        let line = error.map { Startup.line(for: $0) } ?? ""
        #expect(line.contains("POLY_BUILDER_SECRET"))
        #expect(!line.contains("canary-not-base64"))
    }
}
