public import FakeExchangeAdapter
public import Kernel

/// The bodies of the `/control` route, shared by the server and its clients (`HTTPVenueControl`),
/// so both sides read one definition. Quantities travel as the Kernel's own Codable values.
public enum ControlWire {
    public struct Market: Codable, Hashable, Sendable {
        public var conditionID: String
        public var slug: String
        public var negRisk: Bool
        public var outcomes: [String]
        public var tokenIDs: [TokenID]

        public init(_ market: FakeMarket) {
            self.conditionID = market.conditionID
            self.slug = market.slug
            self.negRisk = market.negRisk
            self.outcomes = market.outcomes
            self.tokenIDs = market.tokenIDs
        }
    }

    public struct MarketSpec: Codable, Hashable, Sendable {
        public var slug: String
        public var outcomes: [String]
        public var tickSize: Price
        public var minOrderSize: Shares
        public var negRisk: Bool
        public var takerFeeRate: Ratio
        public var takerFeeExponent: Int
        public var endsAt: Timestamp?
        public var protocolV2: Bool
        /// The event the market belongs to; absent: its own slug.
        public var eventSlug: String?

        public init(slug: String, outcomes: [String], tickSize: Price, minOrderSize: Shares, negRisk: Bool,
                    takerFee: FeeSchedule, endsAt: Timestamp?, protocolV2: Bool, eventSlug: String? = nil) {
            self.eventSlug = eventSlug
            self.slug = slug
            self.outcomes = outcomes
            self.tickSize = tickSize
            self.minOrderSize = minOrderSize
            self.negRisk = negRisk
            self.takerFeeRate = takerFee.rate
            self.takerFeeExponent = takerFee.exponent
            self.endsAt = endsAt
            self.protocolV2 = protocolV2
        }

        var fake: FakeMarketSpec {
            FakeMarketSpec(slug: self.slug, outcomes: self.outcomes, tickSize: self.tickSize,
                           minOrderSize: self.minOrderSize, negRisk: self.negRisk,
                           takerFee: FeeSchedule(rate: self.takerFeeRate, exponent: self.takerFeeExponent),
                           endsAt: self.endsAt, protocolV2: self.protocolV2, eventSlug: self.eventSlug)
        }
    }

    public struct MarketUpdate: Codable, Hashable, Sendable {
        public var tickSize: Price?
        public var minOrderSize: Shares?
        public var acceptingOrders: Bool?

        public init(tickSize: Price?, minOrderSize: Shares?, acceptingOrders: Bool?) {
            self.tickSize = tickSize
            self.minOrderSize = minOrderSize
            self.acceptingOrders = acceptingOrders
        }
    }

    public struct Level: Codable, Hashable, Sendable {
        public var price: Price
        public var size: Shares
    }

    public struct Book: Codable, Hashable, Sendable {
        public var tokenID: TokenID
        public var bids: [Level]
        public var asks: [Level]

        public init(_ book: OrderBook) {
            self.tokenID = book.tokenID
            self.bids = book.bids.map { Level(price: $0.price, size: $0.size) }
            self.asks = book.asks.map { Level(price: $0.price, size: $0.size) }
        }
    }

    public struct Resolution: Codable, Hashable, Sendable {
        public var winningToken: TokenID

        public init(winningToken: TokenID) { self.winningToken = winningToken }
    }

    public struct Funding: Codable, Hashable, Sendable {
        public var wallet: WalletAddress
        public var amount: Collateral

        public init(wallet: WalletAddress, amount: Collateral) {
            self.wallet = wallet
            self.amount = amount
        }
    }

    public struct Grant: Codable, Hashable, Sendable {
        public var wallet: WalletAddress
        public var tokenID: TokenID
        public var shares: Shares

        public init(wallet: WalletAddress, tokenID: TokenID, shares: Shares) {
            self.wallet = wallet
            self.tokenID = tokenID
            self.shares = shares
        }
    }

    /// A wallet's collateral or shares, whole (including what resting orders hold).
    public struct Balance: Codable, Hashable, Sendable {
        public var baseUnits: Int64
    }

    public struct Leg: Codable, Hashable, Sendable {
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

    public struct LeaderTrade: Codable, Hashable, Sendable {
        public var leader: WalletAddress
        public var legs: [Leg]

        public init(leader: WalletAddress, legs: [Leg]) {
            self.leader = leader
            self.legs = legs
        }
    }

    /// Tells the venue whose wallet `funder` is (public knowledge on chain, nothing secret).
    public struct Registration: Codable, Hashable, Sendable {
        public var funder: WalletAddress
        public var owner: WalletAddress

        public init(funder: WalletAddress, owner: WalletAddress) {
            self.funder = funder
            self.owner = owner
        }
    }

    /// One fault to inject: `kind` names the ``FakeFault`` case; transport faults add the
    /// service-level `transport` kind and its `status` or `milliseconds`.
    public struct Fault: Codable, Hashable, Sendable {
        public var kind: String
        public var transport: String?
        public var status: Int?
        public var milliseconds: Int64?
        public var times: Int?

        public init(_ fault: FakeFault, times: Int?) {
            self.times = times
            switch fault {
            case .transport(let service, let transport):
                self.kind = service.rawValue
                switch transport {
                case .latency(let duration):
                    self.transport = "latency"
                    self.milliseconds = duration.wholeMilliseconds
                case .serverError(let status):
                    self.transport = "serverError"
                    self.status = status
                case .rateLimited(let retryAfter):
                    self.transport = "rateLimited"
                    self.milliseconds = retryAfter?.wholeMilliseconds
                case .timeout:
                    self.transport = "timeout"
                }
            case .orderResponseLost: self.kind = "orderResponseLost"
            case .feedSilent: self.kind = "feedSilent"
            case .feedDeliversTwice: self.kind = "feedDeliversTwice"
            case .feedDeliversOutOfOrder: self.kind = "feedDeliversOutOfOrder"
            case .relayerTransactionFails: self.kind = "relayerTransactionFails"
            }
        }

        /// The fault this body names; nil for an unknown kind.
        public var fake: FakeFault? {
            if let service = FakeService(rawValue: self.kind) {
                let transport: FakeTransportFault? = switch self.transport {
                case "latency": .latency(.milliseconds(self.milliseconds ?? 0))
                case "serverError": .serverError(status: self.status ?? 503)
                case "rateLimited": .rateLimited(retryAfter: self.milliseconds.map { .milliseconds($0) })
                case "timeout": .timeout
                default: nil
                }
                return transport.map { .transport(service, $0) }
            }
            return switch self.kind {
            case "orderResponseLost": .orderResponseLost
            case "feedSilent": .feedSilent
            case "feedDeliversTwice": .feedDeliversTwice
            case "feedDeliversOutOfOrder": .feedDeliversOutOfOrder
            case "relayerTransactionFails": .relayerTransactionFails
            default: nil
            }
        }
    }
}

extension ControlWire.Balance {
    public init(_ quantity: some SixDecimalQuantity) { self.baseUnits = quantity.baseUnits }
}
