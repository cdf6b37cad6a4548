public import Kernel

/// How the adapter reaches Polymarket. The App fills it from `POLYMARKET_CLOB_URL`,
/// `POLYMARKET_GAMMA_URL`, `POLYMARKET_DATA_API_URL`, `POLYMARKET_RTDS_URL`,
/// `POLYMARKET_RELAYER_URL`, `POLYMARKET_RTDS_ENABLED` and `POLYMARKET_RATE_LIMITS`
/// (see ``RateLimits/parse(_:)``).
public struct PolymarketConfiguration: Sendable {
    public static let productionCLOB = "https://clob.polymarket.com"
    public static let productionGamma = "https://gamma-api.polymarket.com"
    public static let productionDataAPI = "https://data-api.polymarket.com"
    public static let productionRTDS = "wss://ws-live-data.polymarket.com"
    public static let productionRelayer = "https://relayer-v2.polymarket.com"

    public var clobURL: String
    public var gammaURL: String
    public var dataAPIURL: String
    public var rtdsURL: String
    public var relayerURL: String
    /// Whether the leader feed watches the RTDS stream besides polling (spec §10.3: UNCONFIRMED).
    public var rtdsEnabled: Bool
    /// Paging, polling and stream-liveness settings of the leader feed.
    public var leaderFeed: LeaderFeedSettings
    public var chainID: UInt64
    /// The deadline of every single request.
    public var requestTimeout: Duration
    public var rateLimits: RateLimits
    /// Whose address owns the CLOB API key (spec §4).
    public var apiKeyOwner: APIKeyOwner
    /// A 32-byte builder code signed into every order for attribution; zero when nil. Public.
    public var builderCode: [UInt8]?
    /// The 32-byte `metadata` of every order; zero when nil (the SDKs' default).
    public var orderMetadata: [UInt8]?
    /// How long market metadata is reused before it is read again (ticks can change while a
    /// market is live, so keep this short).
    public var marketCacheLifetime: Duration

    public init(clobURL: String = Self.productionCLOB, gammaURL: String = Self.productionGamma,
                dataAPIURL: String = Self.productionDataAPI, rtdsURL: String = Self.productionRTDS,
                relayerURL: String = Self.productionRelayer, rtdsEnabled: Bool = true,
                leaderFeed: LeaderFeedSettings = LeaderFeedSettings(), chainID: UInt64 = 137,
                requestTimeout: Duration = .seconds(10), rateLimits: RateLimits = .published,
                apiKeyOwner: APIKeyOwner = .signer, builderCode: [UInt8]? = nil, orderMetadata: [UInt8]? = nil,
                marketCacheLifetime: Duration = .seconds(30)) {
        self.clobURL = clobURL
        self.gammaURL = gammaURL
        self.dataAPIURL = dataAPIURL
        self.rtdsURL = rtdsURL
        self.relayerURL = relayerURL
        self.rtdsEnabled = rtdsEnabled
        self.leaderFeed = leaderFeed
        self.chainID = chainID
        self.requestTimeout = requestTimeout
        self.rateLimits = rateLimits
        self.apiKeyOwner = apiKeyOwner
        self.builderCode = builderCode
        self.orderMetadata = orderMetadata
        self.marketCacheLifetime = marketCacheLifetime
    }
}

/// Which address the CLOB API key belongs to. The SDKs always use the EOA; production has been
/// reported to want the order's `signer` for deposit wallets (spec §4, UNCONFIRMED), hence the choice.
public enum APIKeyOwner: String, Sendable, Hashable, CaseIterable {
    /// The EOA that signs (the SDKs' rule for every wallet type).
    case signer
    /// The order's `signer` field: the deposit wallet for type 3, the EOA otherwise.
    case orderSigner

    /// The address that owns the key of `account` (`POLY_ADDRESS`).
    public func address(of account: TradingAccount) -> WalletAddress {
        switch self {
        case .signer: account.signerAddress
        case .orderSigner: account.type == .depositWallet ? account.funderAddress : account.signerAddress
        }
    }
}

/// Time for the adapter: wall time for auth timestamps and order times, and a way to wait for the
/// rate limiter. Injected so tests advance time instead of sleeping.
public protocol AdapterClock: Sendable {
    func now() -> Timestamp
    /// Returns once `deadline` has passed (a manual clock simply moves there).
    func sleep(until deadline: Timestamp) async throws
}

/// The machine's clock.
public struct SystemAdapterClock: AdapterClock {
    private let wallClock: WallClock

    public init(wallClock: WallClock) {
        self.wallClock = wallClock
    }

    public func now() -> Timestamp { self.wallClock.now() }

    public func sleep(until deadline: Timestamp) async throws {
        let remaining = deadline.since(self.now())
        if remaining > .zero { try await Task.sleep(for: remaining) }
    }
}
