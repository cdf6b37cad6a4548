import Foundation
import Hummingbird
import Kernel
import Logging
import ServiceLifecycle
import UnixSignals

/// Which of the deployable services this process is.
enum ProcessRole: String, Sendable {
    /// API and workers in one process: the local default.
    case serve
    case api
    case workers

    var runsAPI: Bool { self != .workers }
    var runsWorkers: Bool { self != .api }
}

extension WallClock {
    /// The machine's clock; only the composition root reads it.
    static let system = WallClock {
        Timestamp(epochMilliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}

/// The composition root (STYLE §2.7), used by `mirror serve`, `mirror api` and every App test:
/// opens the configured backends (migrating them in local mode) and builds the application.
func buildApplication(
    configuration: MirrorConfiguration,
    role: ProcessRole = .serve,
    wallClock: WallClock = .system,
    logger: Logger = Logger(label: "mirror")
) async throws -> some ApplicationProtocol {
    let backends = try await Backends.open(configuration: configuration, wallClock: wallClock, logger: logger)
    return buildApplication(configuration: configuration, backends: backends, role: role, wallClock: wallClock, logger: logger)
}

/// The HTTP application over already-open backends, with the backends' lifetimes and (unless
/// `role` is `.api`) the workers as its services. Tests pass backends they keep a handle on.
///
/// Migrations happen in `Backends.open`, before any service starts, rather than in
/// `beforeServerStarts`: that hook runs while the other services (the workers) already run.
func buildApplication(
    configuration: MirrorConfiguration,
    backends: Backends,
    role: ProcessRole = .serve,
    wallClock: WallClock = .system,
    logger: Logger = Logger(label: "mirror")
) -> some ApplicationProtocol {
    let router = Router(context: AppRequestContext.self)
    router.middlewares.add(JSONErrorMiddleware())
    router.addHealthRoutes(mode: configuration.mode)
    if configuration.mode == .local, backends.venue.fakeVenue != nil {
        router.addDemoRoutes(store: backends.store)
    }

    var app = Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "mirror"),
        logger: logger
    )
    app.addServices(backends.services)
    if role.runsWorkers {
        app.addServices(makeWorkers(configuration: configuration, backends: backends, wallClock: wallClock, logger: logger))
    }
    return app
}

/// `mirror workers`: the backends' lifetimes and the workers in one ServiceGroup that stops
/// gracefully on `signals` (tests pass none and trigger the shutdown themselves).
func buildWorkerGroup(
    configuration: MirrorConfiguration,
    backends: Backends,
    wallClock: WallClock = .system,
    signals: [UnixSignal] = [.sigterm, .sigint],
    logger: Logger = Logger(label: "mirror")
) -> ServiceGroup {
    let workers = makeWorkers(configuration: configuration, backends: backends, wallClock: wallClock, logger: logger)
    return ServiceGroup(services: backends.services + workers, gracefulShutdownSignals: signals, logger: logger)
}

extension Backends {
    /// `make`, then in local mode the migrations (a fresh clone needs no `db push`); production
    /// leaves the schema to `mirror db push`, as the runbook says.
    static func open(configuration: MirrorConfiguration, wallClock: WallClock = .system,
                     logger: Logger = Logger(label: "mirror")) async throws -> Backends {
        let backends = try await Self.make(configuration: configuration, wallClock: wallClock, logger: logger)
        logger.info("backends chosen", metadata: [
            "mirror.mode": "\(configuration.mode.rawValue)",
            "mirror.database": "\(configuration.database)",
            "mirror.cache": "\(configuration.redis.map { "Redis at \($0)" } ?? "in-memory")",
            "mirror.exchange": "\(configuration.exchange.rawValue)",
        ])
        do {
            if configuration.mode == .local, let migrate = backends.storeBackend.migrate {
                let report = try await migrate()
                logger.info("database schema ready", metadata: ["db.migrations": "\(report)"])
            }
            if configuration.mode == .local, let venue = backends.venue.fakeVenue {
                try await Demo.ensure(store: backends.store, vault: backends.vault, venue: venue, wallClock: wallClock,
                                      ids: backends.ids, logger: logger)
            }
        } catch {
            try? await backends.storeBackend.close?()
            throw error
        }
        return backends
    }
}
