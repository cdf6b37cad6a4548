import ArgumentParser
import Hummingbird
import Kernel
import KeyVaultAdapter
import Logging
import ServiceLifecycle

/// `mirror`: one executable for every deployable service (ARCHITECTURE §5).
@main
struct MirrorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror",
        abstract: "Copy trading for Polymarket.",
        discussion: """
            Configuration comes from environment variables and a .env file in the working \
            directory (the environment wins); .env.example lists every variable.
            """,
        subcommands: [Serve.self, API.self, Web.self, Workers.self, Database.self, Keys.self, FakePolymarketCommand.self]
    )
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP API, the web pages and the workers in one process (the local default).")

    func run() async throws { try await Startup.runHTTP(.serve) }
}

struct API: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run only the HTTP API (deploy with `mirror workers`; needs REDIS_URL in production).")

    func run() async throws { try await Startup.runHTTP(.api) }
}

struct Web: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run only the web pages under /app (deploy with `mirror api` and `mirror workers`; needs REDIS_URL in production).")

    func run() async throws { try await Startup.runHTTP(.web) }
}

extension Startup {
    /// `mirror serve`, `mirror api` and `mirror web`: one HTTP process of `role`. A split role
    /// warns (in production: fails) without Redis, which the processes share state through.
    static func runHTTP(_ role: ProcessRole) async throws {
        try await Self.run { configuration, logger in
            if role != .serve, let warning = try configuration.checkSeparateProcesses(command: role.rawValue) {
                logger.warning("\(warning)")
            }
            let app = try await buildApplication(configuration: configuration, role: role, logger: logger)
            Self.announceGeneratedAdminToken(configuration)
            try await runServices([app], operations: configuration.operations, logger: logger)
        }
    }
}

struct Workers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: """
            Run only the workers (deploy with `mirror api`; needs REDIS_URL in production), with /health, \
            /ready and /metrics on PORT; exits when a loop stalls or the database stays unreachable.
            """)

    func run() async throws {
        try await Startup.run { configuration, logger in
            if let warning = try configuration.checkSeparateProcesses(command: "workers") {
                logger.warning("\(warning)")
            }
            let app = try await buildApplication(configuration: configuration, role: .workers, logger: logger)
            try await runServices([app], operations: configuration.operations, logger: logger)
        }
    }
}

struct Database: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Manage the database schema.", subcommands: [Push.self])

    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or migrate the schema of DATABASE_URL; safe to repeat and to run from several replicas.")

        func run() async throws {
            try await Startup.run { configuration, logger in
                let backend = try await StoreBackend.open(
                    configuration.database, poolSize: configuration.databasePoolSize, logger: logger)
                guard let migrate = backend.migrate else {
                    Startup.printLine("the in-memory store (DATABASE_URL=memory:) has no schema; nothing to push")
                    return
                }
                let report: MigrationReport
                do {
                    report = try await migrate()
                } catch {
                    try? await backend.close?()
                    throw error
                }
                try await backend.close?()
                Startup.printLine(report.description)
            }
        }
    }
}

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the master key that seals trading keys.", subcommands: [Rotate.self, Verify.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Re-encrypt every sealed trading key and API secret under TRADING_KEY_ENCRYPTION_KEY, \
                opening old seals with TRADING_KEY_ENCRYPTION_KEY_PREVIOUS. Safe to interrupt and run again.
                """)

        func run() async throws {
            try await Startup.run { configuration, logger in
                guard configuration.previousTradingKeyEncryptionKey != nil else {
                    throw ConfigurationError(.tradingKeyEncryptionKeyPrevious,
                                             "must hold the old master key while `mirror keys rotate` runs")
                }
                let vault = try AESKeyVault.make(configuration: configuration, logger: logger)
                let backend = try await StoreBackend.open(
                    configuration.database, poolSize: configuration.databasePoolSize, logger: logger)
                do {
                    try await backend.maintenance { store in
                        let outcome = try await KeyRotation(store: store, vault: vault, wallClock: .system,
                                                            logger: logger).run()
                        Startup.printLine(
                            "resealed \(outcome.resealed) wallet(s) under key version \(vault.currentKeyVersion)"
                                + (outcome.raced > 0 ? " (\(outcome.raced) changed meanwhile; run again to be sure)" : ""))
                        let endpoints = try await WebhookSecrets.resealAll(store: store, vault: vault)
                        Startup.printLine("resealed \(endpoints) webhook secret(s) under key version \(vault.currentKeyVersion)")
                    }
                    try await backend.close?()
                } catch {
                    try? await backend.close?()
                    throw error
                }
            }
        }
    }
}
