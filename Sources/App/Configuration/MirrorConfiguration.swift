import Foundation
import Kernel
import PolymarketAdapter
import Logging

/// Everything `mirror` is configured with, parsed and validated once at start-up
/// (`MirrorConfiguration(reader:)`), so a bad value stops the process before anything runs.
struct MirrorConfiguration: Sendable {
    /// `local` allows the dev sign-in and generated secrets; `production` requires real ones.
    enum Mode: String, Sendable, CaseIterable {
        case local, production
    }

    /// Which exchange adapter runs: the simulated venue or Polymarket itself.
    enum ExchangeKind: String, Sendable, CaseIterable {
        case fake, polymarket
    }

    var mode: Mode
    /// The interface the HTTP server binds: loopback in local mode; in production `::`, every
    /// IPv6 and (dual-stack, Linux's default) IPv4 interface, so Railway's IPv6-only private
    /// network and its public proxy both reach it.
    var host: String
    var port: Int
    var logLevel: Logger.Level
    /// How long a connection may send nothing while its request head or body is unfinished (or
    /// sit idle between requests) before it is closed; a response being written is never cut.
    var httpReadTimeout: Duration
    /// Write requests (POST, PUT, PATCH, DELETE) one user may make per minute.
    var userWriteRateLimit: Int
    /// Leaders one user may watch or follow.
    var maxLeadersPerUser: Int
    var notifications = NotificationSettings()

    var database: DatabaseLocation
    var databasePoolSize: Int
    /// `nil`: the in-memory cache, private to this process.
    var redis: RedisLocation?

    var exchange: ExchangeKind
    var polymarket: PolymarketEndpoints
    var rtdsEnabled: Bool
    /// Polymarket's published rate limits with `POLYMARKET_RATE_LIMITS`' overrides applied.
    var rateLimits: RateLimits

    /// The 32-byte master key (64 hex characters) that seals trading keys. Optional in local mode.
    var tradingKeyEncryptionKey: Secret?
    /// The previous master key, only while `mirror keys rotate` runs.
    var previousTradingKeyEncryptionKey: Secret?
    var adminToken: Secret
    /// True when local mode made `adminToken` up at start-up (print it once for the developer).
    var adminTokenWasGenerated: Bool

    var dynamic: DynamicAuthSettings
    var relayerCredentials: RelayerCredentials
    /// bytes32 builder attribution code (`0x` + 64 hex); public, not a secret.
    var builderCode: String?

    var cadences: WorkerCadences
    /// Withdrawals' daily limit, address-book delay and (local mode) adding on first use.
    var withdrawalPolicy: WithdrawalPolicy
    var operations: OperationsSettings
}

/// Where the durable store lives.
enum DatabaseLocation: Hashable, Sendable, CustomStringConvertible {
    /// A SQLite file (created with its folder when missing).
    case sqlite(path: String)
    /// A PostgreSQL server, from a `postgres://` URL.
    case postgres(PostgresLocation)
    /// Nothing durable: the in-memory store (`DATABASE_URL=memory:`), for tests and demos.
    case memory

    /// Safe to log: never includes a password.
    var description: String {
        switch self {
        case .sqlite(let path): "SQLite at \(path)"
        case .postgres(let location): "PostgreSQL at \(location)"
        case .memory: "in-memory store (nothing persists)"
        }
    }
}

/// The parts of a `postgres://user:password@host:port/database?sslmode=…` URL. Reflection (`dump`)
/// shows only the public parts: a query parameter may carry a password too.
struct PostgresLocation: Hashable, Sendable, CustomStringConvertible, CustomReflectable {
    var host: String
    var port: Int
    var username: String?
    var password: Secret?
    var database: String
    /// Query parameters such as `sslmode`, as given.
    var parameters: [String: String]

    var description: String {
        "\(self.username.map { "\($0)@" } ?? "")\(self.host):\(self.port)/\(self.database)"
    }

    var customMirror: Mirror {
        Mirror(self, children: ["host": self.host, "port": self.port, "database": self.database], displayStyle: .struct)
    }
}

/// The parts of a `redis://[user:password@]host[:port][/db]` (or `rediss://`) URL.
struct RedisLocation: Hashable, Sendable, CustomStringConvertible, CustomReflectable {
    var host: String
    var port: Int
    var username: String?
    var password: Secret?
    var databaseIndex: Int
    var usesTLS: Bool

    var description: String {
        "\(self.usesTLS ? "rediss" : "redis")://\(self.host):\(self.port)/\(self.databaseIndex)"
    }

    var customMirror: Mirror {
        Mirror(self, children: ["host": self.host, "port": self.port, "databaseIndex": self.databaseIndex], displayStyle: .struct)
    }
}

/// Polymarket's endpoints; production hosts by default (spec §2), a local server in tests.
struct PolymarketEndpoints: Hashable, Sendable {
    var clob: URL
    var dataAPI: URL
    var gamma: URL
    var relayer: URL
    var rtds: URL

    static let production = PolymarketEndpoints(
        clob: URL(string: "https://clob.polymarket.com")!,
        dataAPI: URL(string: "https://data-api.polymarket.com")!,
        gamma: URL(string: "https://gamma-api.polymarket.com")!,
        relayer: URL(string: "https://relayer-v2.polymarket.com")!,
        rtds: URL(string: "wss://ws-live-data.polymarket.com")!
    )
}

/// Dynamic.xyz token verification. Which fields are required is the sign-in's decision; the
/// configuration only checks that what is given is well formed.
struct DynamicAuthSettings: Hashable, Sendable {
    var environmentID: String?
    /// A PEM public key (RS256), pinned instead of fetching the JWKS.
    var publicKey: String?
    var jwksURL: URL?
    var issuer: String?
    var audience: String?
}

/// Credentials for Polymarket's relayer: a builder API key (HMAC-signed requests) or a relayer
/// API key, or neither (then withdrawals and claims cannot be relayed).
struct RelayerCredentials: Hashable, Sendable {
    struct Builder: Hashable, Sendable {
        var apiKey: Secret
        var secret: Secret
        var passphrase: Secret
    }

    struct RelayerKey: Hashable, Sendable {
        var apiKey: Secret
        /// The address that owns the key (`0x` + 40 hex), public.
        var address: String
    }

    var builder: Builder?
    var relayerKey: RelayerKey?
}

/// How often each worker runs.
/// Notifications (issue #23): webhook endpoints per user, the default digest interval, and how
/// often the notifications worker ticks (a delivery's latency).
struct NotificationSettings: Hashable, Sendable {
    var endpointLimit = 5
    var digestInterval: Duration = .seconds(60)
    var pollInterval: Duration = .seconds(1)
    /// `nil` when `TELEGRAM_BOT_TOKEN` is unset: no Telegram at all.
    var telegram: TelegramSettings?
}

struct WorkerCadences: Hashable, Sendable {
    var copyPoll: Duration
    var positionSync: Duration
    var autoClaim: Duration
    var healthCheck: Duration
    /// The onboarding worker: short, so a new wallet is ready within seconds of its confirmations.
    var onboarding: Duration = .seconds(5)
}
