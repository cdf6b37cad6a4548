import Configuration
import Foundation
import Logging
import PolymarketAdapter
import Testing

@testable import App

/// Builds a configuration from environment-style names, through the same key mapping the real
/// environment provider uses (`DATABASE_URL` ↔ `database.url`).
func configuration(_ environment: [String: String], adminToken: String = "generated-token") throws(ConfigurationError) -> MirrorConfiguration {
    var values: [AbsoluteConfigKey: ConfigValue] = [:]
    for (name, value) in environment {
        let key = AbsoluteConfigKey(name.lowercased().split(separator: "_").map(String.init))
        values[key] = ConfigValue(.string(value), isSecret: false)
    }
    return try MirrorConfiguration(reader: ConfigReader(provider: InMemoryProvider(values: values)),
                                   makeAdminToken: { adminToken })
}

/// The error a configuration throws, or a recorded issue when it parses.
func configurationError(_ environment: [String: String],
                        sourceLocation: SourceLocation = #_sourceLocation) -> ConfigurationError? {
    do {
        _ = try configuration(environment)
        Issue.record("expected a configuration error for \(environment.keys.sorted())", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

let validKey = "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0"
let validToken = "7c1f9a2e4b8d6035e1a7c9f2b4d80e36a5c7f19b"
let productionBasics = ["MIRROR_MODE": "production", "TRADING_KEY_ENCRYPTION_KEY": validKey, "ADMIN_TOKEN": validToken]

@Suite struct ConfigurationDefaultsTests {
    @Test func noConfigurationAtAllGivesTheLocalDefaults() throws {
        let config = try configuration([:])
        #expect(config.mode == .local)
        #expect(config.host == "127.0.0.1")
        #expect(config.port == 8080)
        #expect(config.logLevel == .info)
        #expect(config.database == .sqlite(path: "./data/mirror.sqlite"))
        #expect(config.databasePoolSize == 10)
        #expect(config.redis == nil)
        #expect(config.exchange == .fake)
        #expect(config.polymarket == .production)
        #expect(config.polymarket.clob.absoluteString == "https://clob.polymarket.com")
        #expect(config.polymarket.rtds.absoluteString == "wss://ws-live-data.polymarket.com")
        #expect(config.rtdsEnabled)
        #expect(config.rateLimits == .published)
        #expect(config.tradingKeyEncryptionKey == nil)
        #expect(config.previousTradingKeyEncryptionKey == nil)
        #expect(config.adminToken == Secret("generated-token"))
        #expect(config.adminTokenWasGenerated)
        #expect(config.relayerCredentials == RelayerCredentials(builder: nil, relayerKey: nil))
        #expect(config.builderCode == nil)
        #expect(config.cadences == WorkerCadences(copyPoll: .milliseconds(1000), positionSync: .seconds(60),
                                                  autoClaim: .seconds(60), healthCheck: .seconds(30)))
    }

    @Test func theGeneratedAdminTokenIs64HexCharactersAndFreshEachTime() {
        let first = MirrorConfiguration.randomAdminToken()
        #expect(first.count == 64)
        let isHex = first.allSatisfy(\.isHexDigit)
        #expect(isHex)
        #expect(first != MirrorConfiguration.randomAdminToken())
    }

    @Test func emptyValuesCountAsUnsetSoACopiedEnvExampleMeansDefaults() throws {
        let config = try configuration(["PORT": "", "REDIS_URL": "  ", "ADMIN_TOKEN": "", "DATABASE_URL": ""])
        #expect(config.port == 8080)
        #expect(config.redis == nil)
        #expect(config.adminTokenWasGenerated)
        #expect(config.database == .sqlite(path: "./data/mirror.sqlite"))
    }

    @Test func quotesAroundAValueAreRemoved() throws {
        let config = try configuration(["PORT": "\"9090\"", "EXCHANGE": "'polymarket'"])
        #expect(config.port == 9090)
        #expect(config.exchange == .polymarket)
    }

    @Test func everyVariableSetToAValidValueIsRead() throws {
        let previousKey = (0..<32).map { String(format: "%02x", 0xc0 + $0) }.joined()
        let config = try configuration([
            "MIRROR_MODE": "production", "HOST": "10.0.0.5", "PORT": "9000", "LOG_LEVEL": "debug",
            "DATABASE_URL": "sqlite:///var/lib/mirror/db.sqlite", "DATABASE_POOL_SIZE": "25",
            "EXCHANGE": "polymarket",
            "POLYMARKET_CLOB_URL": "http://127.0.0.1:9001", "POLYMARKET_DATA_API_URL": "http://127.0.0.1:9002",
            "POLYMARKET_GAMMA_URL": "http://127.0.0.1:9003", "POLYMARKET_RELAYER_URL": "http://127.0.0.1:9004",
            "POLYMARKET_RTDS_URL": "ws://127.0.0.1:9005/ws", "POLYMARKET_RTDS_ENABLED": "false",
            "POLYMARKET_RATE_LIMITS": "post-order=350/1s+1000/10m, data-api=20/10s,gamma=off",
            "POLYMARKET_RATE_SHARE": "2",
            "TRADING_KEY_ENCRYPTION_KEY": validKey, "TRADING_KEY_ENCRYPTION_KEY_PREVIOUS": previousKey,
            "ADMIN_TOKEN": validToken,
            "DYNAMIC_ENVIRONMENT_ID": "env-123", "DYNAMIC_JWKS_URL": "https://app.dynamic.xyz/jwks",
            "DYNAMIC_ISSUER": "app.dynamic.xyz/env-123", "DYNAMIC_AUDIENCE": "mirror",
            "DYNAMIC_PUBLIC_KEY": "-----BEGIN PUBLIC KEY-----abc-----END PUBLIC KEY-----",
            "POLY_BUILDER_API_KEY": "bk", "POLY_BUILDER_SECRET": "bs", "POLY_BUILDER_PASSPHRASE": "bp",
            "RELAYER_API_KEY": "rk", "RELAYER_API_KEY_ADDRESS": "0x" + String(repeating: "A", count: 40),
            "POLYMARKET_BUILDER_CODE": "0x" + String(repeating: "1", count: 64),
            "COPY_POLL_INTERVAL_MS": "250", "POSITION_SYNC_INTERVAL_S": "120", "AUTO_CLAIM_INTERVAL_S": "300",
            "HEALTH_CHECK_INTERVAL_S": "15",
        ])
        #expect(config.mode == .production)
        #expect(config.host == "10.0.0.5")
        #expect(config.port == 9000)
        #expect(config.logLevel == .debug)
        #expect(config.database == .sqlite(path: "/var/lib/mirror/db.sqlite"))
        #expect(config.databasePoolSize == 25)
        #expect(config.exchange == .polymarket)
        #expect(config.polymarket.clob.absoluteString == "http://127.0.0.1:9001")
        #expect(config.polymarket.dataAPI.absoluteString == "http://127.0.0.1:9002")
        #expect(config.polymarket.gamma.absoluteString == "http://127.0.0.1:9003")
        #expect(config.polymarket.relayer.absoluteString == "http://127.0.0.1:9004")
        #expect(config.polymarket.rtds.absoluteString == "ws://127.0.0.1:9005/ws")
        #expect(!config.rtdsEnabled)
        var limits = RateLimits.published
        limits.rules[.postOrder] = [RateLimitRule(limit: 350, window: .seconds(1)),
                                    RateLimitRule(limit: 1_000, window: .seconds(600))]
        limits.rules[.dataAPI] = [RateLimitRule(limit: 20, window: .seconds(10))]
        limits.rules[.gamma] = []
        // Two processes share them: each takes half of every limit.
        #expect(config.rateLimits == limits.shared(by: 2))
        #expect(config.rateLimits.rules[.postOrder] == [RateLimitRule(limit: 175, window: .seconds(1)),
                                                       RateLimitRule(limit: 500, window: .seconds(600))])
        #expect(config.tradingKeyEncryptionKey == Secret(validKey))
        #expect(config.previousTradingKeyEncryptionKey == Secret(previousKey))
        #expect(config.adminToken == Secret(validToken))
        #expect(!config.adminTokenWasGenerated)
        #expect(config.dynamic.environmentID == "env-123")
        #expect(config.dynamic.publicKey == "-----BEGIN PUBLIC KEY-----abc-----END PUBLIC KEY-----")
        #expect(config.dynamic.jwksURL?.absoluteString == "https://app.dynamic.xyz/jwks")
        #expect(config.dynamic.issuer == "app.dynamic.xyz/env-123")
        #expect(config.dynamic.audience == "mirror")
        #expect(config.relayerCredentials.builder == .init(apiKey: Secret("bk"), secret: Secret("bs"), passphrase: Secret("bp")))
        #expect(config.relayerCredentials.relayerKey == .init(apiKey: Secret("rk"), address: "0x" + String(repeating: "a", count: 40)))
        #expect(config.builderCode == "0x" + String(repeating: "1", count: 64))
        #expect(config.cadences == WorkerCadences(copyPoll: .milliseconds(250), positionSync: .seconds(120),
                                                  autoClaim: .seconds(300), healthCheck: .seconds(15)))
    }

    @Test func theEnvironmentWinsOverTheDotEnvFile() throws {
        // The real names through the real environment provider: checks the key mapping too.
        let environment = EnvironmentVariablesProvider(environmentVariables: ["PORT": "9000", "DATABASE_URL": "memory:"])
        let dotEnv = EnvironmentVariablesProvider(environmentVariables: ["PORT": "7000", "LOG_LEVEL": "debug"])
        let config = try MirrorConfiguration(reader: ConfigReader(providers: [environment, dotEnv]))
        #expect(config.port == 9000)          // set in both: the environment's value
        #expect(config.logLevel == .debug)    // only in .env: read from there
        #expect(config.database == .memory)   // only in the environment
    }

    @Test func dotEnvExampleListsEveryVariableExactlyOnceWithSecretsEmpty() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent(".env.example"), encoding: .utf8)
        let assignments = text.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains("=") }
        let names = assignments.map { String($0.prefix(while: { $0 != "=" })) }
        #expect(names.sorted() == ConfigVariable.allCases.map(\.rawValue).sorted())
        for line in assignments {
            let name = String(line.prefix(while: { $0 != "=" }))
            if let variable = ConfigVariable(rawValue: name), variable.isSecret, variable != .databaseURL {
                #expect(line == "\(name)=", "\(name) must ship empty")
            }
        }
        // And the file, used as it stands, parses.
        let values = Dictionary(uniqueKeysWithValues: assignments.map { line -> (String, String) in
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), String(parts[1]))
        })
        #expect(try configuration(values).port == 8080)
    }
}

@Suite struct DatabaseLocationTests {
    @Test(arguments: [
        ("./data/mirror.sqlite", DatabaseLocation.sqlite(path: "./data/mirror.sqlite")),
        ("/var/lib/mirror.db", .sqlite(path: "/var/lib/mirror.db")),
        ("sqlite:./data/x.sqlite", .sqlite(path: "./data/x.sqlite")),
        ("sqlite:///tmp/x.sqlite", .sqlite(path: "/tmp/x.sqlite")),
        ("sqlite://./rel/x.sqlite", .sqlite(path: "./rel/x.sqlite")),
        ("SQLITE:db.sqlite", .sqlite(path: "db.sqlite")),
        ("file:./dev.db", .sqlite(path: "./dev.db")),
        ("memory:", .memory),
        (":memory:", .memory),
    ])
    func sqliteAndMemoryForms(_ text: String, _ expected: DatabaseLocation) throws {
        #expect(try configuration(["DATABASE_URL": text]).database == expected)
    }

    @Test func postgresURLIsParsedIntoItsParts() throws {
        let config = try configuration(["DATABASE_URL": "postgres://mirror:pa%40ss@db.internal:6543/mirror_prod?sslmode=require"])
        let expected = PostgresLocation(host: "db.internal", port: 6543, username: "mirror", password: Secret("pa@ss"),
                                        database: "mirror_prod", parameters: ["sslmode": "require"])
        #expect(config.database == .postgres(expected))
        #expect("\(config.database)" == "PostgreSQL at mirror@db.internal:6543/mirror_prod")
    }

    @Test func postgresqlSchemeAndDefaultPortAreAccepted() throws {
        let config = try configuration(["DATABASE_URL": "postgresql://localhost/mirror"])
        #expect(config.database == .postgres(PostgresLocation(host: "localhost", port: 5432, username: nil, password: nil,
                                                              database: "mirror", parameters: [:])))
    }

    @Test func redisURLIsParsedIntoItsParts() throws {
        let config = try configuration(["REDIS_URL": "rediss://:s3cret@cache.internal:6380/2"])
        #expect(config.redis == RedisLocation(host: "cache.internal", port: 6380, username: nil, password: Secret("s3cret"),
                                              databaseIndex: 2, usesTLS: true))
        let plain = try configuration(["REDIS_URL": "redis://127.0.0.1"]).redis
        #expect(plain == RedisLocation(host: "127.0.0.1", port: 6379, username: nil, password: nil, databaseIndex: 0, usesTLS: false))
    }
}

@Suite struct ConfigurationErrorTests {
    @Test func aBadPortNamesPortAndEchoesTheValueOnOneLine() throws {
        let error = try #require(configurationError(["PORT": "abc"]))
        #expect(error.description == #"configuration error: PORT must be an integer from 1 to 65535, got "abc""#)
    }

    /// One bad value per variable (or per rule): each must stop parsing with an error naming it.
    @Test(arguments: [
        ("MIRROR_MODE", ["MIRROR_MODE": "staging"]),
        ("PORT", ["PORT": "0"]),
        ("PORT", ["PORT": "70000"]),
        ("LOG_LEVEL", ["LOG_LEVEL": "verbose"]),
        ("DATABASE_URL", ["DATABASE_URL": "mysql://u:p@h/db"]),
        ("DATABASE_URL", ["DATABASE_URL": "postgres://user@host"]),
        ("DATABASE_URL", ["DATABASE_URL": "postgres://host:notaport/db"]),
        ("DATABASE_URL", ["DATABASE_URL": "sqlite:"]),
        ("DATABASE_POOL_SIZE", ["DATABASE_POOL_SIZE": "0"]),
        ("REDIS_URL", ["REDIS_URL": "http://cache:6379"]),
        ("REDIS_URL", ["REDIS_URL": "redis://cache:6379/x"]),
        ("EXCHANGE", ["EXCHANGE": "binance"]),
        ("POLYMARKET_CLOB_URL", ["POLYMARKET_CLOB_URL": "ftp://clob"]),
        ("POLYMARKET_DATA_API_URL", ["POLYMARKET_DATA_API_URL": "not a url"]),
        ("POLYMARKET_GAMMA_URL", ["POLYMARKET_GAMMA_URL": "https://"]),
        ("POLYMARKET_RELAYER_URL", ["POLYMARKET_RELAYER_URL": "wss://relayer"]),
        ("POLYMARKET_RTDS_URL", ["POLYMARKET_RTDS_URL": "https://ws-live-data.polymarket.com"]),
        ("POLYMARKET_RTDS_ENABLED", ["POLYMARKET_RTDS_ENABLED": "maybe"]),
        ("POLYMARKET_RATE_LIMITS", ["POLYMARKET_RATE_LIMITS": "post-order=350"]),
        ("POLYMARKET_RATE_LIMITS", ["POLYMARKET_RATE_LIMITS": "post-order=0/1s"]),
        ("POLYMARKET_RATE_LIMITS", ["POLYMARKET_RATE_LIMITS": "post-order=5/1d"]),
        ("POLYMARKET_RATE_LIMITS", ["POLYMARKET_RATE_LIMITS": "orders=5/1s"]),
        ("POLYMARKET_RATE_SHARE", ["POLYMARKET_RATE_SHARE": "0"]),
        ("POLYMARKET_RATE_SHARE", ["POLYMARKET_RATE_SHARE": "two"]),
        ("POLYMARKET_RATE_SHARE", ["POLYMARKET_RATE_SHARE": "17"]),
        ("TRADING_KEY_ENCRYPTION_KEY", ["TRADING_KEY_ENCRYPTION_KEY": "abc123"]),
        ("TRADING_KEY_ENCRYPTION_KEY", ["TRADING_KEY_ENCRYPTION_KEY": String(repeating: "g", count: 64)]),
        ("TRADING_KEY_ENCRYPTION_KEY_PREVIOUS", ["TRADING_KEY_ENCRYPTION_KEY": validKey, "TRADING_KEY_ENCRYPTION_KEY_PREVIOUS": "12"]),
        ("TRADING_KEY_ENCRYPTION_KEY_PREVIOUS", ["TRADING_KEY_ENCRYPTION_KEY_PREVIOUS": validKey]),
        ("TRADING_KEY_ENCRYPTION_KEY_PREVIOUS", ["TRADING_KEY_ENCRYPTION_KEY": validKey,
                                                 "TRADING_KEY_ENCRYPTION_KEY_PREVIOUS": validKey.uppercased()]),
        ("ADMIN_TOKEN", ["ADMIN_TOKEN": "two words"]),
        ("DYNAMIC_JWKS_URL", ["DYNAMIC_JWKS_URL": "jwks.json"]),
        ("POLY_BUILDER_SECRET", ["POLY_BUILDER_API_KEY": "k"]),
        ("POLY_BUILDER_API_KEY", ["POLY_BUILDER_SECRET": "s", "POLY_BUILDER_PASSPHRASE": "p"]),
        ("POLY_BUILDER_PASSPHRASE", ["POLY_BUILDER_API_KEY": "k", "POLY_BUILDER_SECRET": "s"]),
        ("RELAYER_API_KEY_ADDRESS", ["RELAYER_API_KEY": "k"]),
        ("RELAYER_API_KEY", ["RELAYER_API_KEY_ADDRESS": "0x" + String(repeating: "a", count: 40)]),
        ("RELAYER_API_KEY_ADDRESS", ["RELAYER_API_KEY": "k", "RELAYER_API_KEY_ADDRESS": "0x1234"]),
        ("POLYMARKET_BUILDER_CODE", ["POLYMARKET_BUILDER_CODE": String(repeating: "1", count: 64)]),
        ("COPY_POLL_INTERVAL_MS", ["COPY_POLL_INTERVAL_MS": "fast"]),
        ("POSITION_SYNC_INTERVAL_S", ["POSITION_SYNC_INTERVAL_S": "-1"]),
        ("AUTO_CLAIM_INTERVAL_S", ["AUTO_CLAIM_INTERVAL_S": "1.5"]),
        ("HEALTH_CHECK_INTERVAL_S", ["HEALTH_CHECK_INTERVAL_S": "0"]),
    ])
    func aBadValueStopsParsingNamingItsVariable(_ variable: String, _ environment: [String: String]) throws {
        let error = try #require(configurationError(environment))
        #expect(error.variable == variable)
        #expect(error.description.hasPrefix("configuration error: \(variable) "))
        #expect(!error.description.contains("\n"))
    }

    @Test func productionRequiresTheMasterKey() throws {
        let error = try #require(configurationError(["MIRROR_MODE": "production", "ADMIN_TOKEN": validToken]))
        #expect(error.variable == "TRADING_KEY_ENCRYPTION_KEY")
        #expect(error.description.contains("required in production"))
    }

    @Test func productionRequiresAnAdminTokenOfAtLeast32Characters() throws {
        let missing = try #require(configurationError(["MIRROR_MODE": "production", "TRADING_KEY_ENCRYPTION_KEY": validKey]))
        #expect(missing.variable == "ADMIN_TOKEN")
        #expect(missing.description.contains("required in production"))
        var short = productionBasics
        short["ADMIN_TOKEN"] = "short-token"
        let tooShort = try #require(configurationError(short))
        #expect(tooShort.variable == "ADMIN_TOKEN")
    }

    @Test func productionWithKeyAndTokenBindsEveryInterface() throws {
        let config = try configuration(productionBasics)
        #expect(config.mode == .production)
        #expect(config.host == "::")
        #expect(!config.adminTokenWasGenerated)
    }

    @Test func splitProcessesWithoutRedisAreRefusedInProductionAndWarnedInLocalMode() throws {
        let production = try configuration(productionBasics)
        #expect(throws: ConfigurationError.self) { try production.checkSeparateProcesses(command: "workers") }
        do {
            _ = try production.checkSeparateProcesses(command: "api")
        } catch {
            #expect(error.variable == "REDIS_URL")
        }
        let warning = try configuration([:]).checkSeparateProcesses(command: "api")
        #expect(warning?.contains("REDIS_URL") == true)
        let withRedis = try configuration(["REDIS_URL": "redis://cache:6379"])
        #expect(try withRedis.checkSeparateProcesses(command: "api") == nil)
    }
}

@Suite struct SecretRedactionTests {
    static let canary = "CANARY7f3e9d"

    /// A malformed value with the canary inside, for each secret variable.
    @Test(arguments: [
        ["TRADING_KEY_ENCRYPTION_KEY": "\(canary)zz"],
        ["TRADING_KEY_ENCRYPTION_KEY": validKey, "TRADING_KEY_ENCRYPTION_KEY_PREVIOUS": "\(canary)"],
        ["ADMIN_TOKEN": "\(canary) with space"],
        ["MIRROR_MODE": "production", "TRADING_KEY_ENCRYPTION_KEY": validKey, "ADMIN_TOKEN": canary],
        ["DATABASE_URL": "postgres://user:\(canary)@host:notaport/db"],
        ["DATABASE_URL": "postgres://user:\(canary)@host"],
        ["DATABASE_URL": "mysql://user:\(canary)@host/db"],
        ["DATABASE_URL": "postgres://host/?password=\(canary)"],
        ["REDIS_URL": "redis://:\(canary)@host:port"],
        ["REDIS_URL": "redis://:\(canary)@host/x"],
        ["REDIS_URL": "http://:\(canary)@host"],
        ["POLY_BUILDER_API_KEY": canary, "POLY_BUILDER_SECRET": canary],
        ["RELAYER_API_KEY": canary],
    ])
    func errorsNeverEchoASecret(_ environment: [String: String]) throws {
        let error = try #require(configurationError(environment))
        #expect(!error.description.contains(Self.canary), "\(error.variable) leaked its value")
        #expect(!String(reflecting: error).contains(Self.canary))
    }

    @Test func aParsedConfigurationNeverPrintsItsSecrets() throws {
        let canary = Self.canary
        let key = (0..<32).map { String(format: "e%x", $0 % 16) }.joined()
        let config = try configuration([
            "MIRROR_MODE": "production", "TRADING_KEY_ENCRYPTION_KEY": key,
            "ADMIN_TOKEN": "\(canary)-admin-token-long-enough-000",
            "DATABASE_URL": "postgres://mirror:\(canary)@db/mirror",
            "REDIS_URL": "redis://:\(canary)@cache:6379",
            "POLY_BUILDER_API_KEY": "\(canary)k", "POLY_BUILDER_SECRET": "\(canary)s", "POLY_BUILDER_PASSPHRASE": "\(canary)p",
            "RELAYER_API_KEY": "\(canary)r", "RELAYER_API_KEY_ADDRESS": "0x" + String(repeating: "b", count: 40),
        ])
        var dumped = ""
        dump(config, to: &dumped)
        for text in [String(describing: config), String(reflecting: config), dumped, "\(config.database)",
                     String(describing: config.redis)] {
            #expect(!text.contains(canary))
            #expect(!text.contains(key))
        }
        #expect(config.adminToken.revealed.hasPrefix(canary))   // still there for the code that needs it
    }
}

@Suite struct ConnectionURLRedactionTests {
    @Test func aPasswordInTheQueryNeverShowsInDescriptionsOrDumps() throws {
        let canary = "CANARY-query-5b1c"
        let config = try configuration(["DATABASE_URL": "postgres://db.internal/mirror?sslmode=require&password=\(canary)"])
        guard case .postgres(let location) = config.database else {
            Issue.record("expected a postgres location, got \(config.database)")
            return
        }
        #expect(location.parameters["password"] == canary)   // kept for the adapter
        var dumped = ""
        dump(config, to: &dumped)
        for text in [dumped, String(describing: config), String(reflecting: config)] {
            #expect(!text.contains(canary))
        }
    }
}
