import Configuration
import Foundation
import Kernel
import PolymarketAdapter
import Logging

extension MirrorConfiguration {
    /// Reads and validates every ``ConfigVariable``; throws the first problem found, naming its variable.
    ///
    /// An empty value counts as unset, so a copy of `.env.example` (secrets left empty) means
    /// "use the defaults". One pair of quotes around a value is removed (`.env` files often quote).
    /// - Parameter makeAdminToken: makes the admin token in local mode when `ADMIN_TOKEN` is unset.
    init(reader: ConfigReader, makeAdminToken: () -> String = MirrorConfiguration.randomAdminToken) throws(ConfigurationError) {
        let values = ConfigValues(reader: reader)

        let mode = try values.choice(.mirrorMode, default: Mode.local)
        self.mode = mode
        self.host = values.raw(.host) ?? (mode == .local ? "127.0.0.1" : "::")
        if values.raw(.mirrorMode) == nil {
            try values.refuseImplicitLocalMode(host: self.host)
        }
        self.port = try values.integer(.port, in: 1...65535, default: 8080)
        self.logLevel = try values.choice(.logLevel, default: Logger.Level.info)
        self.httpReadTimeout = .seconds(try values.integer(.httpReadTimeoutSeconds, in: 1...3_600, default: 10))
        self.userWriteRateLimit = try values.integer(.userWriteRateLimit, in: 1...1_000_000, default: 120)
        self.maxLeadersPerUser = try values.integer(.maxLeadersPerUser, in: 1...10_000, default: 50)
        self.notifications = NotificationSettings(
            endpointLimit: try values.integer(.webhookEndpointLimit, in: 1...100, default: 5),
            digestInterval: .seconds(try values.integer(.notifyDigestIntervalSeconds, in: 10...86_400, default: 60)),
            pollInterval: .milliseconds(try values.integer(.notifyPollIntervalMilliseconds, in: 50...60_000, default: 1000)),
            telegram: try values.telegram(mode: mode, port: self.port))

        self.database = try values.database()
        self.databasePoolSize = try values.integer(.databasePoolSize, in: 1...1000, default: 10)
        self.redis = try values.redis()

        self.exchange = try values.choice(.exchange, default: ExchangeKind.fake)
        let defaults = PolymarketEndpoints.production
        self.polymarket = PolymarketEndpoints(
            clob: try values.url(.polymarketCLOBURL, schemes: ["https", "http"], default: defaults.clob),
            dataAPI: try values.url(.polymarketDataAPIURL, schemes: ["https", "http"], default: defaults.dataAPI),
            gamma: try values.url(.polymarketGammaURL, schemes: ["https", "http"], default: defaults.gamma),
            relayer: try values.url(.polymarketRelayerURL, schemes: ["https", "http"], default: defaults.relayer),
            rtds: try values.url(.polymarketRTDSURL, schemes: ["wss", "ws"], default: defaults.rtds)
        )
        self.rtdsEnabled = try values.boolean(.polymarketRTDSEnabled, default: true)
        self.rateLimits = try values.rateLimits()

        let key = try values.masterKey(.tradingKeyEncryptionKey, mode: mode)
        if key == nil && mode == .production {
            throw ConfigurationError(.tradingKeyEncryptionKey,
                                     "is required in production mode (64 hex characters, e.g. from `openssl rand -hex 32`)")
        }
        self.tradingKeyEncryptionKey = key
        let previous = try values.masterKey(.tradingKeyEncryptionKeyPrevious, mode: mode)
        if previous != nil && key == nil {
            throw ConfigurationError(.tradingKeyEncryptionKeyPrevious, "is set but TRADING_KEY_ENCRYPTION_KEY is not")
        }
        if let previous, previous == key {
            throw ConfigurationError(.tradingKeyEncryptionKeyPrevious, "must differ from TRADING_KEY_ENCRYPTION_KEY")
        }
        self.previousTradingKeyEncryptionKey = previous

        if let token = try values.adminToken(mode: mode) {
            self.adminToken = token
            self.adminTokenWasGenerated = false
        } else {
            self.adminToken = Secret(makeAdminToken())
            self.adminTokenWasGenerated = true
        }

        self.dynamic = DynamicAuthSettings(
            environmentID: values.raw(.dynamicEnvironmentID),
            publicKey: values.raw(.dynamicPublicKey),
            jwksURL: try values.jwksURL(mode: mode),
            issuer: values.raw(.dynamicIssuer),
            audience: values.raw(.dynamicAudience)
        )
        self.relayerCredentials = try values.relayerCredentials()
        self.builderCode = try values.hex(.polymarketBuilderCode, prefixed: true, digits: 64, meaning: "a bytes32 code")

        self.cadences = WorkerCadences(
            copyPoll: .milliseconds(try values.integer(.copyPollIntervalMilliseconds, in: 10...3_600_000, default: 1000)),
            positionSync: .seconds(try values.integer(.positionSyncIntervalSeconds, in: 1...86_400, default: 60)),
            autoClaim: .seconds(try values.integer(.autoClaimIntervalSeconds, in: 1...86_400, default: 60)),
            healthCheck: .seconds(try values.integer(.healthCheckIntervalSeconds, in: 1...86_400, default: 30))
        )
        self.withdrawalPolicy = WithdrawalPolicy(
            dailyLimit: try values.collateral(.withdrawalDailyLimit),
            addressDelay: try values.duration(.withdrawalAddressDelay, default: mode == .production ? .seconds(86_400) : .zero),
            addsNewDestinations: mode == .local)
        self.operations = try values.operations()
    }

    /// 32 random bytes as 64 hex characters.
    static func randomAdminToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in hexByte(UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// `mirror api` and `mirror workers` as separate processes share heartbeats, health and
    /// leases only through Redis. Production refuses to split without it; local mode may, and
    /// gets back a warning to log.
    func checkSeparateProcesses(command: String) throws(ConfigurationError) -> String? {
        guard self.redis == nil else { return nil }
        let reason = "is unset, so `mirror \(command)` would keep heartbeats and health in its own memory, unseen by the other process"
        if self.mode == .production {
            throw ConfigurationError(.redisURL, "\(reason); set it, or run `mirror serve` (API and workers in one process)")
        }
        return "REDIS_URL \(reason); fine for a local try-out, use `mirror serve` or set REDIS_URL to split for real"
    }
}

private func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
}

/// Raw values read through the `ConfigReader`, with one parse function per kind of value. Every
/// error names its variable and echoes the value only when the variable is not secret.
struct ConfigValues {
    let reader: ConfigReader

    /// The trimmed value without surrounding quotes; `nil` when unset or empty.
    func raw(_ variable: ConfigVariable) -> String? {
        guard var value = self.reader.string(forKey: variable.key, isSecret: variable.isSecret) else { return nil }
        value = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.count >= 2, let first = value.first, first == value.last, first == "\"" || first == "'" {
            value = String(value.dropFirst().dropLast()).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return value.isEmpty ? nil : value
    }

    /// `, got "value"` for a public variable; nothing for a secret one, whose value must not be echoed.
    func got(_ value: String, _ variable: ConfigVariable) -> String {
        variable.isSecret ? "" : ", got \"\(value)\""
    }

    func choice<Value: RawRepresentable & CaseIterable>(_ variable: ConfigVariable, default defaultValue: Value) throws(ConfigurationError) -> Value
    where Value.RawValue == String {
        guard let text = self.raw(variable) else { return defaultValue }
        if let value = Value(rawValue: text.lowercased()) { return value }
        let names = Value.allCases.map { "\"\($0.rawValue)\"" }
        let list = names.count == 2 ? "\(names[0]) or \(names[1])"
            : "one of \(names.dropLast().joined(separator: ", ")) or \(names.last ?? "")"
        throw ConfigurationError(variable, "must be \(list)\(self.got(text, variable))")
    }

    func integer(_ variable: ConfigVariable, in range: ClosedRange<Int>, default defaultValue: Int) throws(ConfigurationError) -> Int {
        guard let text = self.raw(variable) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(variable,
                                     "must be an integer from \(range.lowerBound) to \(range.upperBound)\(self.got(text, variable))")
        }
        return value
    }

    func boolean(_ variable: ConfigVariable, default defaultValue: Bool) throws(ConfigurationError) -> Bool {
        guard let text = self.raw(variable) else { return defaultValue }
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigurationError(variable, "must be \"true\" or \"false\"\(self.got(text, variable))")
        }
    }

    func url(_ variable: ConfigVariable, schemes: [String], default defaultValue: URL) throws(ConfigurationError) -> URL {
        try self.optionalURL(variable, schemes: schemes) ?? defaultValue
    }

    func optionalURL(_ variable: ConfigVariable, schemes: [String]) throws(ConfigurationError) -> URL? {
        guard let text = self.raw(variable) else { return nil }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              schemes.contains(scheme), let host = components.host, !host.isEmpty, let url = components.url
        else {
            let forms = schemes.map { "\($0)://" }.joined(separator: " or ")
            throw ConfigurationError(variable, "must be a \(forms) URL with a host\(self.got(text, variable))")
        }
        return url
    }

    /// Telegram, when `TELEGRAM_BOT_TOKEN` is set: the token must look like one (`<bot id>:<secret>`),
    /// and production needs an https `PUBLIC_BASE_URL` for the links in messages.
    func telegram(mode: MirrorConfiguration.Mode, port: Int) throws(ConfigurationError) -> TelegramSettings? {
        let base = try self.optionalURL(.publicBaseURL, schemes: mode == .production ? ["https"] : ["https", "http"])
        guard let token = self.raw(.telegramBotToken) else { return nil }
        let parts = token.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy(\.isNumber), parts[1].count >= 20,
              parts[1].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
        else {
            throw ConfigurationError(.telegramBotToken, "must be a bot token as BotFather gives it (<digits>:<secret>)")
        }
        guard let publicBase = base ?? (mode == .local ? URL(string: "http://127.0.0.1:\(port)") : nil) else {
            throw ConfigurationError(.publicBaseURL, "is required (https) when TELEGRAM_BOT_TOKEN is set in production")
        }
        let api = try self.url(.telegramAPIURL, schemes: mode == .production ? ["https"] : ["https", "http"],
                               default: URL(string: "https://api.telegram.org")!)
        return TelegramSettings(token: Secret(token), apiURL: api, publicBaseURL: publicBase)
    }

    /// A positive amount of collateral with at most 6 decimals (`250`, `99.5`); `nil` when unset.
    func collateral(_ variable: ConfigVariable) throws(ConfigurationError) -> Collateral? {
        guard let text = self.raw(variable) else { return nil }
        guard let amount = Collateral(exactDecimal: text), amount > .zero else {
            throw ConfigurationError(variable, "must be a positive amount with at most 6 decimals\(self.got(text, variable))")
        }
        return amount
    }

    /// A duration: whole seconds, or a number with `s`, `m`, `h` or `d` (`0`, `90s`, `24h`).
    func duration(_ variable: ConfigVariable, default defaultValue: Duration) throws(ConfigurationError) -> Duration {
        guard let text = self.raw(variable) else { return defaultValue }
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        let unit = text.last.flatMap { units[$0] }
        let digits = unit == nil ? Substring(text) : text.dropLast()
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let count = Int64(digits), count >= 0, count <= 365 * 86_400 else {
            throw ConfigurationError(variable, "must be a duration such as 0, 90s, 30m, 24h or 7d\(self.got(text, variable))")
        }
        return .seconds(count * (unit ?? 1))
    }

    /// `prefixed`: requires `0x`. Returns the value lowercased.
    func hex(_ variable: ConfigVariable, prefixed: Bool, digits: Int, meaning: String) throws(ConfigurationError) -> String? {
        guard let text = self.raw(variable) else { return nil }
        var body = Substring(text)
        if prefixed {
            guard body.hasPrefix("0x") || body.hasPrefix("0X") else {
                throw ConfigurationError(variable, "must be \(meaning): 0x and \(digits) hex characters\(self.got(text, variable))")
            }
            body = body.dropFirst(2)
        }
        guard body.count == digits, body.allSatisfy(\.isHexDigit) else {
            let shape = prefixed ? "0x and \(digits) hex characters" : "exactly \(digits) hex characters"
            throw ConfigurationError(variable, "must be \(meaning): \(shape)\(self.got(text, variable))")
        }
        return text.lowercased()
    }

    func masterKey(_ variable: ConfigVariable, mode: MirrorConfiguration.Mode) throws(ConfigurationError) -> Secret? {
        guard let text = self.raw(variable) else { return nil }
        guard text.count == 64, text.allSatisfy(\.isHexDigit) else {
            // Only the length is reported: the characters are the secret.
            throw ConfigurationError(variable, "must be exactly 64 hex characters (32 bytes; got \(text.count) characters)")
        }
        let lower = Array(text.lowercased())
        let bytes = stride(from: 0, to: lower.count, by: 2).map { String(lower[$0...$0 + 1]) }
        if mode == .production && Set(bytes).count == 1 {
            throw ConfigurationError(variable, "must be random: every byte is the same (use `openssl rand -hex 32`)")
        }
        return Secret(text.lowercased())
    }

    /// Without `MIRROR_MODE` the service would run in local mode, whose dev sign-in lets anyone
    /// sign in as anyone: refused when the settings look like a deployment — a Dynamic key, or
    /// a listening address other people can reach.
    func refuseImplicitLocalMode(host: String) throws(ConfigurationError) {
        let advice = "set MIRROR_MODE=production (or MIRROR_MODE=local to insist on local mode and its open dev sign-in)"
        for variable in [ConfigVariable.dynamicPublicKey, .dynamicJWKSURL] where self.raw(variable) != nil {
            throw ConfigurationError(variable, "is set but MIRROR_MODE is not, which would mean local mode: \(advice)")
        }
        guard Self.isLoopback(host) else {
            throw ConfigurationError(
                .host, "is \"\(host)\", reachable from other machines, but MIRROR_MODE is not set, which would mean local mode: \(advice)")
        }
    }

    /// `localhost`, `127.x.x.x` or `::1`.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }

    /// `DYNAMIC_JWKS_URL`: in production https, unless the host is loopback (a local proxy).
    func jwksURL(mode: MirrorConfiguration.Mode) throws(ConfigurationError) -> URL? {
        guard let url = try self.optionalURL(.dynamicJWKSURL, schemes: ["https", "http"]) else { return nil }
        if mode == .production, url.scheme?.lowercased() != "https", !Self.isLoopback(url.host ?? "") {
            throw ConfigurationError(.dynamicJWKSURL, "must be an https:// URL in production mode (keys fetched over plain http can be swapped in transit), got \"\(url.absoluteString)\"")
        }
        return url
    }

    func adminToken(mode: MirrorConfiguration.Mode) throws(ConfigurationError) -> Secret? {
        guard let text = self.raw(.adminToken) else {
            if mode == .production {
                throw ConfigurationError(.adminToken, "is required in production mode (at least 32 characters, e.g. from `openssl rand -hex 32`)")
            }
            return nil
        }
        if text.contains(where: \.isWhitespace) {
            throw ConfigurationError(.adminToken, "must not contain whitespace")
        }
        if mode == .production && text.count < 32 {
            throw ConfigurationError(.adminToken, "must be at least 32 characters in production mode (got \(text.count))")
        }
        if mode == .production && Set(text).count < 10 {
            throw ConfigurationError(.adminToken, "must be random in production mode: it has fewer than 10 distinct characters (use `openssl rand -hex 32`)")
        }
        return Secret(text)
    }

    /// The published limits with the overrides of `POLYMARKET_RATE_LIMITS`, in the adapter's own
    /// format (`family=count/window[+count/window]` or `family=off`, comma-separated), then this
    /// process's share of them: `POLYMARKET_RATE_SHARE` processes (default 1) split every limit.
    func rateLimits() throws(ConfigurationError) -> RateLimits {
        let share = try self.integer(.polymarketRateShare, in: 1...16, default: 1)
        guard let text = self.raw(.polymarketRateLimits) else { return RateLimits.published.shared(by: share) }
        do {
            return try RateLimits.parse(text).shared(by: share)
        } catch {
            throw ConfigurationError(.polymarketRateLimits, error.description)
        }
    }

    func relayerCredentials() throws(ConfigurationError) -> RelayerCredentials {
        let builderVariables: [ConfigVariable] = [.polyBuilderAPIKey, .polyBuilderSecret, .polyBuilderPassphrase]
        let builderValues = builderVariables.map { self.raw($0) }
        var credentials = RelayerCredentials(builder: nil, relayerKey: nil)
        if builderValues.contains(where: { $0 != nil }) {
            guard let apiKey = builderValues[0], let secret = builderValues[1], let passphrase = builderValues[2] else {
                let missing = builderVariables[builderValues.firstIndex(where: { $0 == nil }) ?? 0]
                throw ConfigurationError(missing, "is required when any POLY_BUILDER_* variable is set (set all three or none)")
            }
            credentials.builder = .init(apiKey: Secret(apiKey), secret: Secret(secret), passphrase: Secret(passphrase))
        }

        let relayerKey = self.raw(.relayerAPIKey)
        let relayerAddress = try self.hex(.relayerAPIKeyAddress, prefixed: true, digits: 40, meaning: "an address")
        switch (relayerKey, relayerAddress) {
        case (let key?, let address?): credentials.relayerKey = .init(apiKey: Secret(key), address: address)
        case (nil, nil): break
        case (nil, _?): throw ConfigurationError(.relayerAPIKey, "is required when RELAYER_API_KEY_ADDRESS is set")
        case (_?, nil): throw ConfigurationError(.relayerAPIKeyAddress, "is required when RELAYER_API_KEY is set (the key's owning address)")
        }
        return credentials
    }

    func database() throws(ConfigurationError) -> DatabaseLocation {
        guard let text = self.raw(.databaseURL) else { return .sqlite(path: "./data/mirror.sqlite") }
        let lowered = text.lowercased()
        if lowered == "memory:" || lowered == ":memory:" { return .memory }
        for prefix in ["sqlite:", "file:"] where lowered.hasPrefix(prefix) {
            var path = Substring(text.dropFirst(prefix.count))
            if path.hasPrefix("//") { path = path.dropFirst(2) }   // sqlite:///abs → /abs, sqlite://./rel → ./rel
            guard !path.isEmpty else {
                throw ConfigurationError(.databaseURL, "must name a file after \(prefix) (e.g. sqlite:./data/mirror.sqlite)")
            }
            return .sqlite(path: String(path))
        }
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            return .postgres(try self.postgres(text))
        }
        if let scheme = Self.scheme(of: text) {
            throw ConfigurationError(.databaseURL,
                "must be a postgres:// URL, a sqlite: URL, memory: or a file path, got a \(scheme):// URL")
        }
        return .sqlite(path: text)
    }

    private func postgres(_ text: String) throws(ConfigurationError) -> PostgresLocation {
        let shape = "must look like postgres://user:password@host:5432/database"
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw ConfigurationError(.databaseURL, "\(shape), got \"\(Self.redacted(text))\"")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw ConfigurationError(.databaseURL, "\(shape) (the database name is missing), got \"\(Self.redacted(text))\"")
        }
        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] { parameters[item.name] = item.value ?? "" }
        return PostgresLocation(
            host: host, port: components.port ?? 5432,
            username: components.user.flatMap { $0.isEmpty ? nil : $0 },
            password: components.password.flatMap { $0.isEmpty ? nil : Secret($0) },
            database: database, parameters: parameters)
    }

    func redis() throws(ConfigurationError) -> RedisLocation? {
        guard let text = self.raw(.redisURL) else { return nil }
        let shape = "must look like redis://[:password@]host:6379[/db] (or rediss:// for TLS)"
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "redis" || scheme == "rediss", let host = components.host, !host.isEmpty
        else {
            throw ConfigurationError(.redisURL, "\(shape), got \"\(Self.redacted(text))\"")
        }
        let path = components.path.drop(while: { $0 == "/" })
        let index = path.isEmpty ? 0 : Int(path)
        guard let index, index >= 0 else {
            throw ConfigurationError(.redisURL, "\(shape) (the database must be a number), got \"\(Self.redacted(text))\"")
        }
        return RedisLocation(
            host: host, port: components.port ?? 6379,
            username: components.user.flatMap { $0.isEmpty ? nil : $0 },
            password: components.password.flatMap { $0.isEmpty ? nil : Secret($0) },
            databaseIndex: index, usesTLS: scheme == "rediss")
    }

    /// `scheme` of a `scheme://…` text, if it has one.
    static func scheme(of text: String) -> String? {
        guard let range = text.range(of: "://") else { return nil }
        let scheme = text[..<range.lowerBound]
        guard let first = scheme.first, first.isLetter,
              scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
        else { return nil }
        return String(scheme)
    }

    /// A URL with its user info and query replaced by `***`, safe to echo.
    static func redacted(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return "***" }
        var rest = text[schemeEnd.upperBound...]
        var result = String(text[..<schemeEnd.upperBound])
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        if let at = rest[..<authorityEnd].lastIndex(of: "@") {
            result += "***@"
            rest = rest[rest.index(after: at)...]
        }
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            return result + rest[..<query] + "?***"
        }
        return result + rest
    }
}
