import Configuration

/// Every environment variable `mirror` reads (ARCHITECTURE §5). `.env.example` lists each one;
/// a test keeps the two in step.
enum ConfigVariable: String, CaseIterable, Sendable {
    case mirrorMode = "MIRROR_MODE"
    case host = "HOST"
    case port = "PORT"
    case logLevel = "LOG_LEVEL"
    case logFormat = "LOG_FORMAT"
    case metricsToken = "METRICS_TOKEN"
    case shutdownDrainSeconds = "SHUTDOWN_DRAIN_SECONDS"
    case workersDatabaseUnreachableSeconds = "WORKERS_DB_UNREACHABLE_S"

    case databaseURL = "DATABASE_URL"
    case databasePoolSize = "DATABASE_POOL_SIZE"
    case redisURL = "REDIS_URL"

    case exchange = "EXCHANGE"
    case polymarketCLOBURL = "POLYMARKET_CLOB_URL"
    case polymarketDataAPIURL = "POLYMARKET_DATA_API_URL"
    case polymarketGammaURL = "POLYMARKET_GAMMA_URL"
    case polymarketRelayerURL = "POLYMARKET_RELAYER_URL"
    case polymarketRTDSURL = "POLYMARKET_RTDS_URL"
    case polymarketRTDSEnabled = "POLYMARKET_RTDS_ENABLED"
    case polymarketRateLimits = "POLYMARKET_RATE_LIMITS"
    case polymarketRateShare = "POLYMARKET_RATE_SHARE"

    case tradingKeyEncryptionKey = "TRADING_KEY_ENCRYPTION_KEY"
    case tradingKeyEncryptionKeyPrevious = "TRADING_KEY_ENCRYPTION_KEY_PREVIOUS"
    case adminToken = "ADMIN_TOKEN"

    case dynamicEnvironmentID = "DYNAMIC_ENVIRONMENT_ID"
    case dynamicPublicKey = "DYNAMIC_PUBLIC_KEY"
    case dynamicJWKSURL = "DYNAMIC_JWKS_URL"
    case dynamicIssuer = "DYNAMIC_ISSUER"
    case dynamicAudience = "DYNAMIC_AUDIENCE"

    case polyBuilderAPIKey = "POLY_BUILDER_API_KEY"
    case polyBuilderSecret = "POLY_BUILDER_SECRET"
    case polyBuilderPassphrase = "POLY_BUILDER_PASSPHRASE"
    case relayerAPIKey = "RELAYER_API_KEY"
    case relayerAPIKeyAddress = "RELAYER_API_KEY_ADDRESS"
    case polymarketBuilderCode = "POLYMARKET_BUILDER_CODE"

    case httpReadTimeoutSeconds = "HTTP_READ_TIMEOUT_S"
    case userWriteRateLimit = "USER_WRITE_RATE_LIMIT"
    case maxLeadersPerUser = "MAX_LEADERS_PER_USER"

    case withdrawalAddressDelay = "WITHDRAWAL_ADDRESS_DELAY"
    case withdrawalDailyLimit = "WITHDRAWAL_DAILY_LIMIT"

    case copyPollIntervalMilliseconds = "COPY_POLL_INTERVAL_MS"
    case positionSyncIntervalSeconds = "POSITION_SYNC_INTERVAL_S"
    case autoClaimIntervalSeconds = "AUTO_CLAIM_INTERVAL_S"
    case healthCheckIntervalSeconds = "HEALTH_CHECK_INTERVAL_S"

    case webhookEndpointLimit = "WEBHOOK_ENDPOINT_LIMIT"
    case notifyDigestIntervalSeconds = "NOTIFY_DIGEST_INTERVAL_S"
    case notifyPollIntervalMilliseconds = "NOTIFY_POLL_INTERVAL_MS"
    case telegramBotToken = "TELEGRAM_BOT_TOKEN"
    case telegramAPIURL = "TELEGRAM_API_URL"
    case publicBaseURL = "PUBLIC_BASE_URL"

    /// Values that are never echoed in errors or logs. URLs with credentials count: a database
    /// or Redis URL may carry a password.
    var isSecret: Bool {
        switch self {
        case .databaseURL, .redisURL, .tradingKeyEncryptionKey, .tradingKeyEncryptionKeyPrevious, .adminToken,
             .polyBuilderAPIKey, .polyBuilderSecret, .polyBuilderPassphrase, .relayerAPIKey, .metricsToken, .telegramBotToken:
            true
        default:
            false
        }
    }

    /// The configuration key whose environment encoding is this variable's name
    /// (`DATABASE_URL` ↔ `database.url`), so an `InMemoryProvider` in tests reads the same keys.
    var key: ConfigKey { ConfigKey(self.rawValue.lowercased().split(separator: "_").map(String.init)) }

    /// The names of the secret variables, for `EnvironmentVariablesProvider`'s redaction.
    static var secretNames: Set<String> { Set(Self.allCases.filter(\.isSecret).map(\.rawValue)) }
}
