/// A trading venue: market data, and orders in two steps — *prepare* (the venue's rules: amounts
/// on the tick, exchange address, digest) and, once the vault has signed the digest and the
/// signed order is stored, *submit* the exact bytes. Every conformer must pass `ExchangeContract`.
public protocol Exchange: Sendable {
    func market(tokenID: TokenID) async throws -> MarketInfo
    /// Levels sorted best first on both sides, whatever order the venue sent them in.
    func orderBook(tokenID: TokenID) async throws -> OrderBook

    /// Applies the venue's rules to `intent` (price on the tick, size precision, minimums, the
    /// exchange contract for the market) and returns the order with the digest to sign. No I/O
    /// beyond market metadata; nothing is sent.
    func prepareOrder(_ intent: OrderIntent, account: TradingAccount, at time: Timestamp) async throws -> PreparedOrder
    /// The exact request body to send for `prepared` signed with `signature` (the 65-byte
    /// `r‖s‖v` the signer's key made over `prepared.digest`). Stored before any send; a retry
    /// resends these bytes.
    func signedPayload(for prepared: PreparedOrder, signature: [UInt8], account: TradingAccount) throws -> String
    /// Sends a signed order. A thrown error means the outcome is unknown (the venue may or may
    /// not have it): resolve by ``order(id:account:)``. Rejections and kills are returned, not thrown.
    func submitOrder(payload: String, orderID: OrderID, account: TradingAccount) async throws -> OrderSnapshot
    /// The venue's view of an order; `nil` when the venue has never seen that hash.
    func order(id: OrderID, account: TradingAccount) async throws -> OrderSnapshot?
    /// Cancels a resting order; returns the order as it ended.
    func cancelOrder(id: OrderID, account: TradingAccount) async throws -> OrderSnapshot?
    /// Collateral the account can spend.
    func collateralBalance(account: TradingAccount) async throws -> Collateral
}

/// The public parts of a trading wallet an exchange needs; never a secret. Adapters that must
/// authenticate resolve credentials by `walletID` through their own sealed-credential provider.
public struct TradingAccount: Hashable, Sendable {
    public var walletID: WalletID
    public var type: WalletType
    public var signerAddress: WalletAddress
    public var funderAddress: WalletAddress
    public var apiKey: String?

    public init(walletID: WalletID, type: WalletType, signerAddress: WalletAddress, funderAddress: WalletAddress,
                apiKey: String? = nil) {
        self.walletID = walletID
        self.type = type
        self.signerAddress = signerAddress
        self.funderAddress = funderAddress
        self.apiKey = apiKey
    }

    public init(_ wallet: TradingWallet) {
        self.init(walletID: wallet.id, type: wallet.type, signerAddress: wallet.signerAddress,
                  funderAddress: wallet.funderAddress, apiKey: wallet.apiKey)
    }
}

/// What the engine wants to trade, before the venue's rules are applied.
public struct OrderIntent: Hashable, Sendable {
    public var tokenID: TokenID
    public var side: Side
    public var type: OrderType
    /// The worst acceptable price: the most a BUY pays, the least a SELL takes.
    public var limitPrice: Price
    public var shares: Shares
    /// Unix expiry for GTD.
    public var expiresAt: Timestamp?

    public init(tokenID: TokenID, side: Side, type: OrderType, limitPrice: Price, shares: Shares, expiresAt: Timestamp? = nil) {
        self.tokenID = tokenID
        self.side = side
        self.type = type
        self.limitPrice = limitPrice
        self.shares = shares
        self.expiresAt = expiresAt
    }
}

/// An order ready to be signed: its id (the order hash), the digest the signer signs, and the
/// venue-normalised terms. Held in memory between prepare and sign, never stored (the signed
/// payload is). Equality and hashing leave out ``unsignedPayload``: the order id is the hash of
/// every signed field.
public struct PreparedOrder: Hashable, Sendable {
    public var orderID: OrderID
    public var digest: [UInt8]
    /// The intent with price and size as the venue will take them: `shares` is what the order is
    /// sure to get (BUY) or gives (SELL) — for a FOK/FAK BUY, whose market amounts spend whole
    /// cents (spec §5.4), possibly a hair less than asked and with up to the tick's amount decimals.
    public var intent: OrderIntent
    public var makerAmount: Int64
    public var takerAmount: Int64
    /// The exchange contract the order is signed for (standard or neg-risk).
    public var exchangeAddress: WalletAddress
    /// The adapter's own value for the unsigned order (its type is the adapter's business),
    /// completed by `signedPayload`: handed over as a value, so signing parses nothing.
    public var unsignedPayload: any Sendable

    public init(orderID: OrderID, digest: [UInt8], intent: OrderIntent, makerAmount: Int64, takerAmount: Int64,
                exchangeAddress: WalletAddress, unsignedPayload: any Sendable) {
        self.orderID = orderID
        self.digest = digest
        self.intent = intent
        self.makerAmount = makerAmount
        self.takerAmount = takerAmount
        self.exchangeAddress = exchangeAddress
        self.unsignedPayload = unsignedPayload
    }

    public static func == (lhs: PreparedOrder, rhs: PreparedOrder) -> Bool {
        lhs.orderID == rhs.orderID && lhs.digest == rhs.digest && lhs.intent == rhs.intent
            && lhs.makerAmount == rhs.makerAmount && lhs.takerAmount == rhs.takerAmount
            && lhs.exchangeAddress == rhs.exchangeAddress
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.orderID)
        hasher.combine(self.digest)
    }
}

/// The venue's view of one order.
public struct OrderSnapshot: Hashable, Sendable {
    public enum State: Hashable, Sendable {
        /// Resting on the book (possibly partly filled).
        case live
        case filled
        /// Partly filled and closed (FAK remainder killed, or canceled after a partial fill).
        case partiallyFilled
        /// Nothing filled, nothing can (FOK not fully fillable, FAK without a match).
        case killed
        case canceled
        /// Refused by the venue's rules; `code` is the venue's error code (e.g. `INVALID_ORDER_MIN_SIZE`).
        case rejected(code: String, message: String)
    }

    public var orderID: OrderID
    public var state: State
    public var filledShares: Shares
    /// Collateral exchanged for the filled shares, before fees.
    public var filledNotional: Collateral
    public var fee: Collateral

    public init(orderID: OrderID, state: State, filledShares: Shares = .zero, filledNotional: Collateral = .zero,
                fee: Collateral = .zero) {
        self.orderID = orderID
        self.state = state
        self.filledShares = filledShares
        self.filledNotional = filledNotional
        self.fee = fee
    }

    /// The average fill price, if anything filled.
    public var averagePrice: Price? {
        guard self.filledShares.baseUnits > 0 else { return nil }
        return Price(baseUnits: SixDecimals.divide(self.filledNotional.baseUnits, self.filledShares.baseUnits, rounding: .down))
    }
}

/// What the engine needs to know about the market of a token.
public struct MarketInfo: Hashable, Sendable {
    public var tokenID: TokenID
    public var conditionID: String
    public var slug: String
    public var outcome: String
    public var tickSize: Price
    public var minOrderSize: Shares
    public var negRisk: Bool
    public var takerFee: FeeSchedule
    /// Open for new orders.
    public var acceptingOrders: Bool
    /// Resolved (closed and the oracle settled); `nil` when the venue does not say.
    public var resolved: Bool?
    /// When the market is scheduled to resolve, if known.
    public var endsAt: Timestamp?
    /// A Protocol-V2 market (ExchangeV3 position ids, spec §5.8), which this build skips.
    public var protocolV2: Bool
    /// The event the market is one outcome of (Gamma's event slug, the Data API's `eventSlug`):
    /// every market of one event shares one event exposure cap. `nil` when the venue does not say.
    public var eventID: String?

    public init(tokenID: TokenID, conditionID: String, slug: String, outcome: String, tickSize: Price,
                minOrderSize: Shares, negRisk: Bool, takerFee: FeeSchedule = .free, acceptingOrders: Bool = true,
                resolved: Bool? = false, endsAt: Timestamp? = nil, protocolV2: Bool = false, eventID: String? = nil) {
        self.tokenID = tokenID
        self.conditionID = conditionID
        self.slug = slug
        self.outcome = outcome
        self.tickSize = tickSize
        self.minOrderSize = minOrderSize
        self.negRisk = negRisk
        self.takerFee = takerFee
        self.acceptingOrders = acceptingOrders
        self.resolved = resolved
        self.endsAt = endsAt
        self.protocolV2 = protocolV2
        self.eventID = eventID
    }
}

/// A market's taker fee (spec §12): `fee = shares × rate × (p(1−p))^exponent`, charged to takers.
public struct FeeSchedule: Hashable, Sendable {
    public var rate: Ratio
    public var exponent: Int

    public static let free = FeeSchedule(rate: .zero, exponent: 1)

    public init(rate: Ratio, exponent: Int) {
        self.rate = rate
        self.exponent = exponent
    }

    /// The taker fee for `shares` at `price`, rounded up to a base unit so the cost a size is
    /// checked against is never understated.
    public func takerFee(shares: Shares, price: Price) -> Collateral {
        guard self.rate.baseUnits > 0, shares.baseUnits > 0 else { return .zero }
        let p = Int128(price.baseUnits)
        let scale = Int128(SixDecimals.scale)
        let variance = p * (scale - p)                 // p(1−p) at scale²
        var factor = scale * scale                     // 1 at scale²
        for _ in 0..<max(self.exponent, 0) {
            factor = (factor * variance + scale * scale - 1) / (scale * scale)
        }
        // shares × rate × factor, with shares and rate at scale and factor at scale².
        let numerator = Int128(shares.baseUnits) * Int128(self.rate.baseUnits) * factor
        let denominator = scale * scale * scale
        return Collateral(baseUnits: Int64((numerator + denominator - 1) / denominator))
    }
}

public struct BookLevel: Hashable, Sendable {
    public var price: Price
    public var size: Shares

    public init(price: Price, size: Shares) {
        self.price = price
        self.size = size
    }
}

/// An order book with both sides best first.
public struct OrderBook: Hashable, Sendable {
    public var tokenID: TokenID
    /// Highest price first.
    public var bids: [BookLevel]
    /// Lowest price first.
    public var asks: [BookLevel]
    public var tickSize: Price
    public var minOrderSize: Shares

    /// Sorts the sides defensively: venues send them worst first (spec §13a.1).
    public init(tokenID: TokenID, bids: [BookLevel], asks: [BookLevel], tickSize: Price, minOrderSize: Shares) {
        self.tokenID = tokenID
        self.bids = bids.filter { $0.size.baseUnits > 0 }.sorted { $0.price > $1.price }
        self.asks = asks.filter { $0.size.baseUnits > 0 }.sorted { $0.price < $1.price }
        self.tickSize = tickSize
        self.minOrderSize = minOrderSize
    }

    public var bestBid: Price? { self.bids.first?.price }
    public var bestAsk: Price? { self.asks.first?.price }

    /// The midpoint of the best bid and ask, rounded down.
    public var midpoint: Price? {
        guard let bid = self.bestBid, let ask = self.bestAsk else { return nil }
        return Price(baseUnits: (bid.baseUnits + ask.baseUnits) / 2)
    }

    /// Shares available to a taker on `side` at `limit` or better (BUY walks asks, SELL bids).
    public func depth(for side: Side, within limit: Price) -> Shares {
        switch side {
        case .buy: self.asks.prefix { $0.price <= limit }.reduce(.zero) { $0 + $1.size }
        case .sell: self.bids.prefix { $0.price >= limit }.reduce(.zero) { $0 + $1.size }
        }
    }
}

/// Transport failures of an exchange or relayer call. Venue *decisions* (rejections, kills) are
/// values, not these errors.
public enum VenueError: Error, Hashable, Sendable, CustomStringConvertible {
    /// 5xx, connection refused or reset.
    case unavailable(String)
    /// 429; retry after the given time if the venue said.
    case rateLimited(retryAfter: Duration?)
    case timeout
    /// The venue answered something this code cannot read; logged, never trusted.
    case malformedResponse(String)
    /// A request the venue refused as invalid (4xx that is not a rejection of an order).
    case refused(status: Int, message: String)
    /// The circuit breaker for this service is open: the call was not attempted.
    case circuitOpen(service: String)

    public var description: String {
        switch self {
        case .unavailable(let detail): "venue unavailable: \(detail)"
        case .rateLimited(let retryAfter): "rate limited" + (retryAfter.map { ", retry after \($0)" } ?? "")
        case .timeout: "venue call timed out"
        case .malformedResponse(let detail): "unreadable venue response: \(detail)"
        case .refused(let status, let message): "venue refused the request (\(status)): \(message)"
        case .circuitOpen(let service): "circuit breaker open for \(service)"
        }
    }

    /// Whether trying again later may succeed (an outage, or a breaker that will half-open);
    /// a refusal will not change by waiting.
    public var isTransient: Bool {
        if case .circuitOpen = self { return true }
        return self.indicatesOutage
    }

    /// Whether this failure says something about the venue's health (counts towards the breaker).
    public var indicatesOutage: Bool {
        switch self {
        case .unavailable, .rateLimited, .timeout, .malformedResponse: true
        case .refused, .circuitOpen: false
        }
    }
}
