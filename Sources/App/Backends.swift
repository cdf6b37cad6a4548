import Foundation
import InMemoryAdapter
import Kernel
import KeyVaultAdapter
import Logging
import SQLiteAdapter
import ServiceLifecycle

/// The adapters chosen by configuration, plus what the App must run for them. The one place
/// adapter names appear (STYLE §2.7): everything else sees only the Kernel's ports.
struct Backends: Sendable {
    var storeBackend: StoreBackend
    var cache: any Cache
    var venue: VenueBackend
    var vault: any KeyVault
    var ids: IDGenerator

    var store: any Store { self.storeBackend.store }

    /// Lifetimes the ServiceGroup owns (closing the SQLite file), in start order. They come before
    /// the workers and the server, so the group, which stops services in reverse, stops them last.
    var services: [any Service] {
        let close = self.storeBackend.close.map { [CloseOnShutdown(name: "store", close: $0)] as [any Service] } ?? []
        return close + self.venue.services
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

    /// Opens the store and cache named by `configuration`. A backend this build recognises but
    /// does not contain yet (PostgreSQL, Redis) stops start-up with one line naming its variable.
    static func make(configuration: MirrorConfiguration, wallClock: WallClock, logger: Logger) async throws -> Backends {
        if configuration.redis != nil {
            throw ConfigurationError(.redisURL,
                "names a Redis server, but this build has no Redis adapter yet; unset REDIS_URL to use the in-memory cache")
        }
        // The store first: a database this build cannot open is refused before anything is written.
        let storeBackend = try StoreBackend.open(configuration.database, logger: logger)
        do {
            let vault = try AESKeyVault.make(configuration: configuration, logger: logger)
            let venue = try VenueBackend.make(configuration.exchange, wallClock: wallClock, logger: logger)
            return Backends(storeBackend: storeBackend, cache: InMemoryCache(clock: wallClock), venue: venue,
                            vault: vault, ids: .system)
        } catch {
            try? await storeBackend.close?()
            throw error
        }
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

    static func open(_ location: DatabaseLocation, logger: Logger = Logger(label: "mirror")) throws -> StoreBackend {
        switch location {
        case .memory:
            return StoreBackend(store: InMemoryStore(), migrate: nil, close: nil)
        case .sqlite(let path):
            let store = try SQLiteStore.open(path: path, logger: logger)
            return StoreBackend(
                store: store,
                migrate: { MigrationReport(try store.migrate()) },
                close: { try store.close() })
        case .postgres:
            throw ConfigurationError(.databaseURL,
                "names a PostgreSQL server, but this build has no Postgres adapter yet; use a SQLite path or sqlite: URL")
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
