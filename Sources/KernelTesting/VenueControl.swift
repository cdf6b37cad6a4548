public import Ethereum
public import Kernel

/// Drives a simulated venue the same way whatever it is — the in-process FakeExchange or a
/// Polymarket-compatible server — so the Exchange, LeaderFeed and Relayer contracts and the flow
/// suites run unchanged against each. Everything here is test-side control a real venue never
/// offers: creating markets, minting money, making leaders trade, breaking the transport.
public protocol VenueControl: Sendable {
    /// Every market the venue lists.
    func markets() async throws -> [VenueMarket]
    /// Lists a new market with an empty book, accepting orders.
    func createMarket(_ spec: VenueMarketSpec) async throws -> VenueMarket
    /// Changes a live market's rules, as Polymarket does near price extremes (`tick_size_change`)
    /// or when it closes a market. `nil` leaves a field as it is.
    func updateMarket(conditionID: String, tickSize: Price?, minOrderSize: Shares?, acceptingOrders: Bool?) async throws
    /// Replaces the resting liquidity of `book.tokenID` (its tick and minimum are ignored).
    func setBook(_ book: OrderBook) async throws
    /// Settles a market: `winningToken` pays 1 per share on redemption, every other outcome 0.
    func resolve(conditionID: String, winningToken: TokenID) async throws

    /// Deposits collateral into a wallet (a funder or any other address).
    func fund(wallet: WalletAddress, amount: Collateral) async throws
    /// Puts outcome shares into a wallet, as if it had bought them earlier.
    func grant(_ shares: Shares, of tokenID: TokenID, to wallet: WalletAddress) async throws
    /// The wallet's whole collateral balance, including any locked by resting orders.
    func collateral(of wallet: WalletAddress) async throws -> Collateral
    /// The wallet's shares of `tokenID`, including any locked by resting orders.
    func shares(of wallet: WalletAddress, tokenID: TokenID) async throws -> Shares

    /// Makes `trade.leader` trade now: every leg is one fill of one transaction, in order.
    /// Returns the fills as the feed will report them.
    func leaderTrade(_ trade: LeaderTrade) async throws -> [LeaderFill]
    /// One tick of venue time: relayer transactions move one state on, simulated leaders whose
    /// turn has come trade. Tests move the wall clock themselves.
    func step() async throws

    /// Breaks the venue the next `times` occasions (calls, fills delivered, transactions), or
    /// until ``clearFaults()`` when `times` is nil.
    func inject(_ fault: VenueFault, times: Int?) async throws
    func clearFaults() async throws

    /// How many live fill streams are subscribed at the venue: a stream over a real socket
    /// subscribes after `liveFills` returns, and delivers only what is made from then on.
    func liveStreams() async throws -> Int
}

/// A market to list.
public struct VenueMarketSpec: Hashable, Sendable {
    public var slug: String
    /// One token per outcome, in this order.
    public var outcomes: [String]
    public var tickSize: Price
    public var minOrderSize: Shares
    public var negRisk: Bool
    public var takerFee: FeeSchedule
    public var endsAt: Timestamp?
    /// A Protocol-V2 market (spec §5.8), which this build's engine skips.
    public var protocolV2: Bool
    /// The event the market is one outcome of; `nil`: its own slug.
    public var eventSlug: String?

    public init(slug: String, outcomes: [String] = ["Yes", "No"], tickSize: Price = Price(baseUnits: 10_000),
                minOrderSize: Shares = .whole(5), negRisk: Bool = false, takerFee: FeeSchedule = .free,
                endsAt: Timestamp? = nil, protocolV2: Bool = false, eventSlug: String? = nil) {
        self.protocolV2 = protocolV2
        self.eventSlug = eventSlug
        self.slug = slug
        self.outcomes = outcomes
        self.tickSize = tickSize
        self.minOrderSize = minOrderSize
        self.negRisk = negRisk
        self.takerFee = takerFee
        self.endsAt = endsAt
    }
}

/// A listed market: one condition, one token per outcome.
public struct VenueMarket: Hashable, Sendable {
    public var conditionID: String
    public var slug: String
    public var negRisk: Bool
    public var outcomes: [String]
    /// Aligned with ``outcomes``.
    public var tokenIDs: [TokenID]

    public init(conditionID: String, slug: String, negRisk: Bool, outcomes: [String], tokenIDs: [TokenID]) {
        self.conditionID = conditionID
        self.slug = slug
        self.negRisk = negRisk
        self.outcomes = outcomes
        self.tokenIDs = tokenIDs
    }

    /// The token of `outcome`, e.g. `"Yes"`.
    public func token(_ outcome: String) -> TokenID? {
        self.outcomes.firstIndex(of: outcome).map { self.tokenIDs[$0] }
    }
}

/// One leader transaction: its legs become fills with the same transaction hash, in order.
/// Two equal legs are twins — two fills, two identities.
public struct LeaderTrade: Hashable, Sendable {
    public struct Leg: Hashable, Sendable {
        public var tokenID: TokenID
        public var side: Side
        public var size: Shares
        public var price: Price

        public init(tokenID: TokenID, side: Side, size: Shares, price: Price) {
            self.tokenID = tokenID
            self.side = side
            self.size = size
            self.price = price
        }
    }

    public var leader: WalletAddress
    public var legs: [Leg]

    public init(leader: WalletAddress, legs: [Leg]) {
        self.leader = leader
        self.legs = legs
    }
}

/// How a call to the venue fails before (or instead of) reaching it.
public enum TransportFault: Hashable, Sendable {
    /// The call succeeds after this extra delay.
    case latency(Duration)
    /// HTTP 5xx: ``VenueError/unavailable(_:)``.
    case serverError(status: Int)
    /// HTTP 429: ``VenueError/rateLimited(retryAfter:)``.
    case rateLimited(retryAfter: Duration?)
    /// No answer: ``VenueError/timeout``.
    case timeout
}

/// A fault a venue can be told to show.
public enum VenueFault: Hashable, Sendable {
    /// Exchange calls (market data, orders, balances) fail or lag; one occasion per call.
    case exchange(TransportFault)
    /// Relayer calls fail or lag; one occasion per call.
    case relayer(TransportFault)
    /// Feed polling (`fills(of:since:)`, `positions(of:)`) fails or lags; one occasion per call.
    case feed(TransportFault)
    /// Order submissions are carried out but the answer never arrives: the order is on the venue
    /// and `submitOrder` throws ``VenueError/timeout``. One occasion per submission.
    case orderResponseLost
    /// Live streams stay connected and deliver nothing; one occasion per fill swallowed.
    case feedSilent
    /// Live streams deliver every fill twice; one occasion per fill.
    case feedDeliversTwice
    /// Live streams deliver each transaction's fills in reverse order; one occasion per transaction.
    case feedDeliversOutOfOrder
    /// Relayer transactions are accepted and then fail (`STATE_FAILED`) without effect; one
    /// occasion per transaction submitted.
    case relayerTransactionFails
}

/// Everything a contract needs to exercise one venue: its ports, its control, the clock it
/// reads, and a way to open trading accounts for test keys.
public struct VenueHarness: Sendable {
    public let exchange: any Exchange
    public let feed: any LeaderFeed
    public let relayer: any Relayer
    public let control: any VenueControl
    /// The venue's wall clock; tests move it.
    public let clock: ManualWallClock
    private let openAccount: @Sendable (PrivateKey, WalletType) async throws -> TradingAccount

    /// - Parameter openAccount: the trading account of a wallet of `type` owned by the key, known
    ///   to the venue (so it can verify signatures); the funder derived as the venue derives it.
    public init(exchange: any Exchange, feed: any LeaderFeed, relayer: any Relayer, control: any VenueControl,
                clock: ManualWallClock,
                openAccount: @escaping @Sendable (PrivateKey, WalletType) async throws -> TradingAccount) {
        self.exchange = exchange
        self.feed = feed
        self.relayer = relayer
        self.control = control
        self.clock = clock
        self.openAccount = openAccount
    }

    public func account(for key: PrivateKey, type: WalletType = .depositWallet) async throws -> TradingAccount {
        try await self.openAccount(key, type)
    }
}

extension PrivateKey {
    /// A fixed test key per `n` (never a real account's): keccak-256 of a label.
    public static func testKey(_ n: Int) -> PrivateKey {
        do {
            return try PrivateKey(bytes: Keccak256.hash(utf8: "mirror test key \(n)"))
        } catch {
            preconditionFailure("test key \(n) is not a valid secp256k1 key: \(error)")
        }
    }

    /// This key's 65-byte `r‖s‖v` signature over `digest`, as the vault returns it.
    public func signatureBytes(over digest: [UInt8]) throws -> [UInt8] {
        try self.sign(digest: digest).bytes
    }
}
