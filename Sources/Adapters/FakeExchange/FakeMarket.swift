public import Kernel
import PolymarketProtocol

/// A market listed on the fake venue: one condition, one outcome token per outcome. A binary
/// market has the outcomes `Yes` and `No`; a neg-risk event is several binary markets with
/// `negRisk` set, as on Polymarket (orders for them are signed for the Neg Risk CTF Exchange).
public struct FakeMarket: Hashable, Sendable {
    public var conditionID: String
    public var slug: String
    public var outcomes: [String]
    /// Aligned with ``outcomes``.
    public var tokenIDs: [TokenID]
    /// One of Polymarket's ticks (0.1, 0.01, 0.001, 0.0001, also 0.005 and 0.0025).
    public var tickSize: Price
    public var minOrderSize: Shares
    public var negRisk: Bool
    public var takerFee: FeeSchedule
    public var acceptingOrders: Bool
    public var endsAt: Timestamp?
    /// Set once the market resolved: this token pays 1 per share, every other 0.
    public var winningToken: TokenID?
    /// The venue keeps this market's books stocked around a moving midpoint; otherwise the
    /// books hold exactly what `setBook` put there, minus what was taken.
    public var simulatedLiquidity: Bool
    /// A Protocol-V2 market (spec §5.8), reported as such so the engine's skip can be exercised.
    public var protocolV2: Bool = false
    /// The event the market is one outcome of (Gamma's event slug); the markets of one neg-risk
    /// group share it, a lone market is its own event.
    public var eventSlug: String = ""

    public var resolved: Bool { self.winningToken != nil }

    /// The token of `outcome`, e.g. `"Yes"`.
    public func token(_ outcome: String) -> TokenID? {
        self.outcomes.firstIndex(of: outcome).map { self.tokenIDs[$0] }
    }

    func outcome(of tokenID: TokenID) -> String {
        self.tokenIDs.firstIndex(of: tokenID).map { self.outcomes[$0] } ?? ""
    }

    var tick: TickSize {
        // Validated when the market is listed or its tick changed.
        TickSize(price: self.tickSize) ?? .hundredth
    }

    func info(for tokenID: TokenID) -> MarketInfo {
        MarketInfo(
            tokenID: tokenID, conditionID: self.conditionID, slug: self.slug, outcome: self.outcome(of: tokenID),
            tickSize: self.tickSize, minOrderSize: self.minOrderSize, negRisk: self.negRisk, takerFee: self.takerFee,
            acceptingOrders: self.acceptingOrders && !self.resolved, resolved: self.resolved, endsAt: self.endsAt,
            protocolV2: self.protocolV2, eventID: self.eventSlug.isEmpty ? self.slug : self.eventSlug)
    }
}

/// What to list. Prices are per outcome, for markets with simulated liquidity.
public struct FakeMarketSpec: Hashable, Sendable {
    public var slug: String
    public var outcomes: [String]
    public var tickSize: Price
    public var minOrderSize: Shares
    public var negRisk: Bool
    public var takerFee: FeeSchedule
    public var endsAt: Timestamp?
    /// When set (one price per outcome, on the tick), the venue stocks the books around these
    /// midpoints and moves them as leaders trade.
    public var simulatedMidpoints: [Price]?
    public var protocolV2: Bool
    /// The event it belongs to (markets of one neg-risk group share one); `nil`: its own slug.
    public var eventSlug: String?

    public init(slug: String, outcomes: [String] = ["Yes", "No"], tickSize: Price = Price(baseUnits: 10_000),
                minOrderSize: Shares = .whole(5), negRisk: Bool = false, takerFee: FeeSchedule = .free,
                endsAt: Timestamp? = nil, simulatedMidpoints: [Price]? = nil, protocolV2: Bool = false,
                eventSlug: String? = nil) {
        self.protocolV2 = protocolV2
        self.eventSlug = eventSlug
        self.slug = slug
        self.outcomes = outcomes
        self.tickSize = tickSize
        self.minOrderSize = minOrderSize
        self.negRisk = negRisk
        self.takerFee = takerFee
        self.endsAt = endsAt
        self.simulatedMidpoints = simulatedMidpoints
    }
}

/// One leg of a leader transaction made through ``FakeVenue/leaderTrade(_:legs:)``.
public struct FakeLeg: Hashable, Sendable {
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

/// A relayer transaction as the fake's ledger holds it.
public struct FakeRelayerTransaction: Hashable, Sendable {
    public var reference: String
    public var from: WalletAddress
    public var nonce: Int
    public var request: RelayerRequest
    public var state: String
    public var transactionHash: String?
}
