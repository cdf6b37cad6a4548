import Ethereum
import FakeExchangeAdapter
import Foundation
import InMemoryAdapter
import Kernel
import KeyVaultAdapter
import Logging
import PostgresAdapter
import PolymarketProtocol
import PostgresNIO
import RedisAdapter
import SQLiteAdapter
import ServiceLifecycle

/// The adapters chosen by configuration, plus what the App must run for them. The one place
/// adapter names appear (STYLE §2.7): everything else sees only the Kernel's ports.
struct Backends: Sendable {
    var storeBackend: StoreBackend
    var cacheBackend: CacheBackend
    var venue: VenueBackend
    var vault: any KeyVault
    var ids: IDGenerator

    /// This process's first-hand view of its workers' loops and its database (`mirror workers`'
    /// liveness check and `/metrics`); the cache notes every heartbeat on it.
    var liveness: LivenessBoard

    var store: any Store { self.storeBackend.store }
    var cache: any Cache { HeartbeatNotingCache(base: self.cacheBackend.cache, board: self.liveness) }

    /// Lifetimes the ServiceGroup owns (the database pool, closing the SQLite file), in start
    /// order. They come before the workers and the server, so the group, which stops services in
    /// reverse, stops them last: nothing in flight loses its database.
    var services: [any Service] {
        let closeStore = self.storeBackend.close.map { [CloseOnShutdown(name: "store", close: $0)] as [any Service] } ?? []
        let closeCache = self.cacheBackend.close.map { [CloseOnShutdown(name: "cache", close: $0)] as [any Service] } ?? []
        return self.storeBackend.services + closeStore + closeCache + self.venue.services
    }

    /// Wallet onboarding over these backends: the vault's keys, the venue's relayer and API-key
    /// issuer, deposit wallets derived as Polymarket derives them.
    func onboarder(wallClock: WallClock) -> WalletOnboarder {
        WalletOnboarder(
            store: self.store, vault: self.vault, relayer: self.venue.relayer,
            credentials: self.venue.credentialIssuer(vault: self.vault), wallClock: wallClock, ids: self.ids,
            leases: self.cache,
            funderAddress: { signer in
                try WalletAddress(WalletDerivation.polygon.depositWallet(owner: try Address(hex: signer.lowercased),
                                                                         shape: .beacon).lowercased)
            })
    }

    /// Probes for the health check: can the store and the cache answer?
    var probes: [HealthProbe] {
        let store = self.store
        let cache = self.cache
        return [
            HealthProbe(name: "database") { _ = try await store.recentAudit(limit: 1) },
            HealthProbe(name: "cache") { _ = try await cache.value(forKey: CacheKey.systemHealth) },
        ]
    }

    /// Opens the store and cache named by `configuration` (ARCHITECTURE §2: `DATABASE_URL`
    /// postgres:// → PostgreSQL, a path or sqlite: → SQLite, unset → ./data/mirror.sqlite;
    /// `REDIS_URL` set → Redis, unset → in-memory). A database that cannot be reached stops
    /// start-up with one line naming it; Redis only costs efficiency (ARCHITECTURE §2), so an
    /// unreachable one is a warning and the cache reconnects when it returns.
    static func make(configuration: MirrorConfiguration, wallClock: WallClock, logger: Logger) async throws -> Backends {
        // The store first: a database this build cannot open is refused before anything is written.
        let storeBackend = try await StoreBackend.open(configuration.database, poolSize: configuration.databasePoolSize,
                                                       logger: logger)
        var cacheBackend: CacheBackend?
        do {
            let cache = try await CacheBackend.open(configuration.redis, wallClock: wallClock, logger: logger)
            cacheBackend = cache
            let vault = try AESKeyVault.make(configuration: configuration, logger: logger)
            var venue = try VenueBackend.make(configuration, store: storeBackend.store, vault: vault, wallClock: wallClock,
                                              logger: logger)
            venue.feed = MeteredLeaderFeed(venue.feed, wallClock: wallClock)
            return Backends(storeBackend: storeBackend, cacheBackend: cache, venue: venue, vault: vault, ids: .system,
                            liveness: LivenessBoard())
        } catch {
            try? await cacheBackend?.close?()
            try? await storeBackend.close?()
            throw error
        }
    }
}

/// The cache with how to release it.
struct CacheBackend: Sendable {
    var cache: any Cache
    var close: (@Sendable () async throws -> Void)?

    static func open(_ location: RedisLocation?, wallClock: WallClock, logger: Logger) async throws -> CacheBackend {
        guard let location else { return CacheBackend(cache: InMemoryCache(clock: wallClock), close: nil) }
        if location.usesTLS {
            throw ConfigurationError(.redisURL, "names a rediss:// (TLS) server, which this build's Redis adapter cannot speak; use redis:// on a private network")
        }
        let cache = RedisCache(
            configuration: RedisConfiguration(
                host: location.host, port: location.port, username: location.username,
                password: location.password?.revealed, database: location.databaseIndex),
            logger: logger)
        do {
            try await cache.ping()
        } catch {
            logger.warning("cannot reach Redis at start-up; starting anyway, heartbeats and leases resume when it answers",
                           metadata: ["cache.redis": "\(location)", "error": "\(redactingURLCredentials(in: String(describing: error)))"])
        }
        return CacheBackend(cache: cache, close: { await cache.shutdown() })
    }
}

extension IDGenerator {
    /// Random UUIDs in lowercase, the canonical id form; only the composition root makes them.
    static let system = IDGenerator { UUID().uuidString.lowercased() }
}

/// The durable store with its maintenance hooks: what `db push` needs without a cache.
struct StoreBackend: Sendable {
    var store: any Store
    /// Brings the schema up to date; `nil` when there is no schema (the in-memory store).
    var migrate: (@Sendable () async throws -> MigrationReport)?
    /// Releases the database; `nil` when there is nothing to release.
    var close: (@Sendable () async throws -> Void)?
    /// What must run for ``store`` to answer (the PostgreSQL pool), for the service group.
    var services: [any Service] = []
    /// Runs one-off work (migrations, the demo's seed, key rotation) before or without the service
    /// group: ``store`` itself when it needs nothing running, else a second small pool that lives
    /// exactly as long as the work, in a child task.
    var maintenance: @Sendable (_ work: @Sendable (any Store) async throws -> Void) async throws -> Void

    static func open(_ location: DatabaseLocation, poolSize: Int = PostgresConfiguration.defaultPoolSize,
                     logger: Logger = Logger(label: "mirror")) async throws -> StoreBackend {
        switch location {
        case .memory:
            let store = InMemoryStore()
            return StoreBackend(store: store, migrate: nil, close: nil, maintenance: { try await $0(store) })
        case .sqlite(let path):
            let store = try SQLiteStore.open(path: path, logger: logger)
            return StoreBackend(
                store: store,
                migrate: { MigrationReport(try store.migrate()) },
                close: { try store.close() },
                maintenance: { try await $0(store) })
        case .postgres(let location):
            guard let sslMode = PostgresConfiguration.SSLMode(rawValue: location.parameters["sslmode"] ?? "prefer") else {
                let known = PostgresConfiguration.SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError(.databaseURL, "has an sslmode this build does not know (use one of \(known))")
            }
            let configuration = PostgresConfiguration(
                host: location.host, port: location.port, username: location.username ?? "postgres",
                password: location.password?.revealed, database: location.database, sslMode: sslMode,
                poolSize: poolSize)
            let store = try PostgresStore(configuration: configuration, logger: logger)
            // One clear line now rather than every query failing later.
            try await store.checkConnection()
            var maintenancePool = configuration
            maintenancePool.poolSize = 2
            let small = maintenancePool
            return StoreBackend(
                store: store,
                migrate: { try await Self.withPool(small, logger: logger) { MigrationReport(try await $0.migrate()) } },
                close: nil,
                // The pool runs under the service group, which ends it last on shutdown.
                services: [store.client],
                maintenance: { work in try await Self.withPool(small, logger: logger) { try await work($0) } })
        }
    }

    /// A PostgreSQL store whose pool runs in a child task for exactly as long as `body`.
    private static func withPool<T: Sendable>(_ configuration: PostgresConfiguration, logger: Logger,
                                              _ body: @Sendable (PostgresStore) async throws -> T) async throws -> T {
        let store = try PostgresStore(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.client.run() }
            defer { group.cancelAll() }
            return try await body(store)
        }
    }
}

/// What a migration run did, worded as `db push` prints it; the same for every SQL adapter.
struct MigrationReport: Hashable, Sendable, CustomStringConvertible {
    var applied: Int
    var schemaVersion: Int

    var description: String {
        switch self.applied {
        case 0: "schema is up to date (version \(self.schemaVersion))"
        case 1: "applied 1 migration (schema version \(self.schemaVersion))"
        default: "applied \(self.applied) migrations (schema version \(self.schemaVersion))"
        }
    }
}

extension MigrationReport {
    init(_ outcome: MigrationOutcome) {
        self.init(applied: outcome.applied.count, schemaVersion: outcome.schemaVersion)
    }

    init(_ outcome: PostgresMigrationOutcome) {
        self.init(applied: outcome.applied.count, schemaVersion: outcome.schemaVersion)
    }
}

/// Waits for graceful shutdown, then releases a resource.
struct CloseOnShutdown: Service, CustomStringConvertible {
    let name: String
    let close: @Sendable () async throws -> Void

    var description: String { "CloseOnShutdown(\(self.name))" }

    func run() async throws {
        // Cancellation (another service failed) ends the wait too: the resource is released either way.
        try? await gracefulShutdown()
        try await self.close()
    }
}
