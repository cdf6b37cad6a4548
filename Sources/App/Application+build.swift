import Foundation
import Hummingbird
import Kernel
import Logging
import ServiceLifecycle
import UnixSignals

/// Which of the deployable services this process is.
enum ProcessRole: String, Sendable {
    /// API, web pages and workers in one process: the local default.
    case serve
    case api
    case workers
    /// Only the web pages (`mirror web`).
    case web

    var runsAPI: Bool { self == .serve || self == .api }
    var runsWeb: Bool { self == .serve || self == .web }
    var runsWorkers: Bool { self == .serve || self == .workers }
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
    do {
        return try await buildApplication(configuration: configuration, backends: backends, role: role, wallClock: wallClock,
                                          logger: logger)
    } catch {
        try? await backends.storeBackend.close?()
        throw error
    }
}

/// The HTTP application over already-open backends, with the backends' lifetimes and (unless
/// `role` is `.api`) the workers as its services. Tests pass backends they keep a handle on.
/// `mirror workers` serves only `/health`, `/ready` and `/metrics` on `PORT` (for the platform's
/// checks and scrapes) and stops itself when its loops stall or the database stays unreachable.
///
/// Migrations happen in `Backends.open`, before any service starts, rather than in
/// `beforeServerStarts`: that hook runs while the other services (the workers) already run.
func buildApplication(
    configuration: MirrorConfiguration,
    backends: Backends,
    role: ProcessRole = .serve,
    wallClock: WallClock = .system,
    jwksFetcher: (any JWKSFetcher)? = nil,
    logger: Logger = Logger(label: "mirror")
) async throws -> some ApplicationProtocol {
    MirrorMetrics.bootstrap()
    let router: Router<AppRequestContext>
    if role == .workers {
        router = Router(context: AppRequestContext.self)
        router.addObservability(configuration: configuration, backends: backends)
        router.addHealthRoutes(mode: configuration.mode)
    } else {
        router = try await buildRouter(configuration: configuration, backends: backends, role: role, wallClock: wallClock,
                                       jwksFetcher: jwksFetcher, logger: logger)
    }
    var app = Application(
        router: router,
        // Hummingbird's idle timeout is a read timeout: it closes a connection that sends nothing
        // for this long while its head or body is unfinished, or between requests, and never
        // while a response (an event stream) is being written.
        server: .http1(configuration: .init(idleTimeout: .milliseconds(configuration.httpReadTimeout.wholeMilliseconds))),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "mirror"),
        logger: logger
    )
    app.addServices(backends.services)
    if role.runsWorkers {
        app.addServices(makeWorkers(configuration: configuration, backends: backends, wallClock: wallClock, logger: logger))
    }
    if role == .workers {
        app.addServices(LivenessWatchdog(
            policy: LivenessPolicy(stallLimits: configuration.cadences.stallLimits,
                                   databaseUnreachableLimit: configuration.operations.databaseUnreachableLimit,
                                   startedAt: wallClock.now()),
            board: backends.liveness, probeDatabase: backends.probeDatabase, interval: .seconds(5),
            probeTimeout: .seconds(3), clock: ContinuousClock(), wallClock: wallClock, logger: logger))
    }
    return app
}

/// Every route of `role`: health; for the API the OpenAPI document, the dev sign-in (local mode
/// only) and the signed-in user's API; for the web the pages. `jwksFetcher` replaces the HTTPS
/// fetch of `DYNAMIC_JWKS_URL` (tests).
func buildRouter(
    configuration: MirrorConfiguration,
    backends: Backends,
    role: ProcessRole = .serve,
    wallClock: WallClock = .system,
    jwksFetcher: (any JWKSFetcher)? = nil,
    logger: Logger = Logger(label: "mirror")
) async throws -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.addObservability(configuration: configuration, backends: backends)
    router.middlewares.add(BodySizeLimitMiddleware())
    router.addHealthRoutes(mode: configuration.mode)

    let accounts = Accounts(
        store: backends.store, onboarder: backends.onboarder(wallClock: wallClock), wallClock: wallClock, ids: backends.ids,
        walletCreated: { wallet in await backends.venue.walletCreated(wallet) })
    var authority = TokenAuthority(
        dynamic: try await DynamicTokenVerifier.make(configuration: configuration, wallClock: wallClock, fetcher: jwksFetcher))
    /// Local mode's sign-in without a password: the user `local|<name>`, funded on the simulated venue.
    var localSignIn: (@Sendable (String) async throws -> User)?
    if configuration.mode == .local {
        authority.dev = await DevTokenIssuer(wallClock: wallClock)
        localSignIn = { name in
            let user = try await accounts.signIn(VerifiedIdentity(subject: "local|\(name)"), logger: logger)
            await backends.venue.fundLocalUser(try await accounts.wallet(of: user))
            return user
        }
    }
    let api = APIDependencies(
        store: backends.store, exchange: backends.venue.exchange, accounts: accounts,
        commands: ProfileCommands(store: backends.store, wallClock: wallClock, ids: backends.ids),
        wallClock: wallClock, ids: backends.ids, maxLeadersPerUser: configuration.maxLeadersPerUser,
        listsEveryLeader: configuration.mode == .local, feed: backends.venue.feed)
    let admin = backends.adminDependencies(wallClock: wallClock, logger: logger)
    let withdrawals = backends.withdrawals(wallClock: wallClock, policy: configuration.withdrawalPolicy)
    if role.runsAPI {
        router.addOpenAPIRoute(mode: configuration.mode)
        if let issuer = authority.dev, let localSignIn {
            router.addDevSignIn(issuer: issuer) { name in _ = try await localSignIn(name) }
        }
        let authentication = AuthMiddleware(
            authority: authority, accounts: accounts,
            rateLimiter: UserWriteRateLimiter(cache: backends.cache, limit: configuration.userWriteRateLimit))
        router.addUserRoutes(api, authentication: authentication)
        router.addLeaderRoutes(api, authentication: authentication)
        router.addQualityRoutes(api, authentication: authentication)
        router.addWithdrawalRoutes(
            withdrawals,
            addressBook: AddressBook(store: backends.store, delay: configuration.withdrawalPolicy.addressDelay,
                                     wallClock: wallClock, ids: backends.ids),
            authentication: authentication)
        router.addClaimRoutes(store: backends.store, authentication: authentication)
        router.addWebhookRoutes(backends.webhookEndpoints(configuration: configuration, wallClock: wallClock),
                                authentication: authentication)
        router.addNotificationSettingsRoutes(store: backends.store, authentication: authentication)
        if let telegram = configuration.notifications.telegram, telegram.usesWebhook,
           let client = backends.telegramClient(configuration: configuration) {
            router.addTelegramUpdatesRoute(settings: telegram, linking: backends.telegramLinking(wallClock: wallClock),
                                           client: client)
        }
        router.addTelegramRoutes(store: backends.store, linking: backends.telegramLinking(wallClock: wallClock),
                                 configured: configuration.notifications.telegram != nil, wallClock: wallClock,
                                 authentication: authentication)
        router.addAdminRoutes(admin, token: configuration.adminToken)
    }
    if role.runsWeb {
        let web = WebDependencies(
            api: api, withdrawals: withdrawals, admin: admin,
            sessions: WebSessions(cache: backends.cache, wallClock: wallClock, secureCookies: configuration.mode != .local),
            authority: authority, localMode: configuration.mode == .local,
            dynamicEnvironmentID: configuration.dynamic.environmentID, adminToken: configuration.adminToken,
            localSignIn: localSignIn)
        router.addSignInPages(web)
        router.addUserPages(web)
        router.addNotificationPages(web, NotificationPageDependencies(
            webhooks: backends.webhookEndpoints(configuration: configuration, wallClock: wallClock),
            linking: backends.telegramLinking(wallClock: wallClock),
            telegramConfigured: configuration.notifications.telegram != nil))
        router.addOperatorPages(web)
    }
    return router
}

extension DynamicTokenVerifier {
    /// The verifier `configuration` asks for, or `nil` when Dynamic is not configured (local
    /// mode then has only the dev sign-in). Production requires a key (PEM or JWKS URL), the
    /// issuer and the audience.
    static func make(configuration: MirrorConfiguration, wallClock: WallClock,
                     fetcher: (any JWKSFetcher)?) async throws -> DynamicTokenVerifier? {
        let settings = configuration.dynamic
        let hasKey = settings.publicKey != nil || settings.jwksURL != nil
        guard hasKey || configuration.mode == .production else { return nil }
        guard hasKey else {
            throw ConfigurationError(.dynamicPublicKey, "or DYNAMIC_JWKS_URL is required in production mode")
        }
        guard let issuer = settings.issuer else {
            throw ConfigurationError(.dynamicIssuer, "is required when Dynamic sign-in is configured")
        }
        guard let audience = settings.audience else {
            throw ConfigurationError(.dynamicAudience, "is required when Dynamic sign-in is configured")
        }
        let rules = TokenClaimRules(issuer: issuer, audience: audience)
        if let pem = settings.publicKey {
            do {
                return try await .pinned(publicKeyPEM: pem.replacingOccurrences(of: "\\n", with: "\n"), rules: rules,
                                         wallClock: wallClock)
            } catch {
                throw ConfigurationError(.dynamicPublicKey, "is not a PEM RSA public key")
            }
        }
        guard let url = settings.jwksURL else { return nil }
        return DynamicTokenVerifier(keys: .jwks(fetcher ?? HTTPJWKSFetcher(url: url)), rules: rules, wallClock: wallClock)
    }
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
                try await backends.storeBackend.maintenance { store in
                    _ = try await Demo.ensure(store: store, vault: backends.vault, venue: venue, wallClock: wallClock,
                                          ids: backends.ids, logger: logger)
                }
            }
        } catch {
            try? await backends.storeBackend.close?()
            throw error
        }
        return backends
    }
}
