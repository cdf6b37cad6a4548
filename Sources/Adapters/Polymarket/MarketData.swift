public import Kernel
import PolymarketProtocol

/// The CLOB's compact market record, `/clob-markets/{conditionId}` (spec §7.3).
struct ClobMarketRecord: Sendable, Hashable {
    var tokens: [(tokenID: TokenID, outcome: String)]
    var tickSize: Price?
    var minOrderSize: Shares?
    /// `nr`; absent means false here (the spec says so for this route).
    var negRisk: Bool
    var fee: FeeSchedule

    init(_ json: JSONValue) throws(VenueError) {
        self.tokens = (json["t"]?.array ?? []).compactMap { token in
            guard let id = token["t"]?.nonEmptyText.flatMap({ try? TokenID($0) }) else { return nil }
            return (id, token["o"]?.text ?? "")
        }
        self.tickSize = json["mts"]?.nonEmptyText.flatMap { try? Price(decimal: $0) }
        self.minOrderSize = json["mos"]?.nonEmptyText.flatMap { try? Shares(decimal: $0) }
        self.negRisk = json["nr"]?.bool ?? false
        self.fee = try Self.fee(json["fd"])
    }

    /// `fd = {r: rate, e: exponent, to: takerOnly}`; no `fd` means no fee.
    static func fee(_ details: JSONValue?) throws(VenueError) -> FeeSchedule {
        guard let details, !details.isNull, let rateText = details["r"]?.nonEmptyText else { return .free }
        guard let rate = try? Ratio(decimal: rateText), rate.baseUnits >= 0 else {
            throw .malformedResponse("fee rate '\(rateText)' is not a decimal")
        }
        let exponentText = details["e"]?.nonEmptyText ?? "1"
        guard let exponent = try? Ratio(decimal: exponentText), exponent.baseUnits % 1_000_000 == 0,
              (0...8).contains(exponent.baseUnits / 1_000_000)
        else { throw .malformedResponse("fee exponent '\(exponentText)' is not a whole number in 0...8") }
        return FeeSchedule(rate: rate, exponent: Int(exponent.baseUnits / 1_000_000))
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.tokens.map(\.tokenID) == rhs.tokens.map(\.tokenID) && lhs.tokens.map(\.outcome) == rhs.tokens.map(\.outcome)
            && lhs.tickSize == rhs.tickSize && lhs.minOrderSize == rhs.minOrderSize && lhs.negRisk == rhs.negRisk
            && lhs.fee == rhs.fee
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(self.tokens.map(\.tokenID))
        hasher.combine(self.negRisk)
    }
}

extension PolymarketExchange {
    /// The book with both sides best first, whatever order the CLOB sent (worst first, §13a.1).
    /// Prices with float artefacts are snapped to six decimals; an old book without `tick_size`
    /// or `min_order_size` borrows them from the market.
    public func orderBook(tokenID: TokenID) async throws -> OrderBook {
        let json = try await self.http.json(Endpoint(
            service: .clob, method: "GET", path: "/book", query: [.init("token_id", tokenID.decimal)],
            family: .marketData))
        let bids = try Self.levels(json["bids"], side: "bids")
        let asks = try Self.levels(json["asks"], side: "asks")
        let tick = json["tick_size"]?.nonEmptyText.flatMap { try? Price(decimal: $0) }
        let minimum = json["min_order_size"]?.nonEmptyText.flatMap { try? Shares(decimal: $0) }
        if let tick, let minimum {
            return OrderBook(tokenID: tokenID, bids: bids, asks: asks, tickSize: tick, minOrderSize: minimum)
        }
        let market = try await self.market(tokenID: tokenID)
        return OrderBook(tokenID: tokenID, bids: bids, asks: asks, tickSize: tick ?? market.tickSize,
                         minOrderSize: minimum ?? market.minOrderSize)
    }

    /// `GET /tick-size`: the market's minimum tick now (it can change near price extremes).
    public func tickSize(tokenID: TokenID) async throws -> Price {
        let json = try await self.http.json(Endpoint(
            service: .clob, method: "GET", path: "/tick-size", query: [.init("token_id", tokenID.decimal)],
            family: .tickSize))
        guard let text = json["minimum_tick_size"]?.nonEmptyText, let tick = try? Price(decimal: text), tick.baseUnits > 0
        else { throw VenueError.malformedResponse("/tick-size without a positive minimum_tick_size") }
        return tick
    }

    /// `GET /neg-risk`: whether orders for the token are signed for the Neg Risk CTF Exchange.
    public func negRisk(tokenID: TokenID) async throws -> Bool {
        let json = try await self.http.json(Endpoint(
            service: .clob, method: "GET", path: "/neg-risk", query: [.init("token_id", tokenID.decimal)]))
        guard let negRisk = json["neg_risk"]?.bool else {
            throw VenueError.malformedResponse("/neg-risk without a neg_risk flag")
        }
        return negRisk
    }

    /// `GET /midpoint`; nil when the book has no two sides.
    public func midpoint(tokenID: TokenID) async throws -> Price? {
        let json = try await self.http.json(Endpoint(
            service: .clob, method: "GET", path: "/midpoint", query: [.init("token_id", tokenID.decimal)],
            family: .marketData))
        return json["mid"]?.nonEmptyText.flatMap { try? Price(decimal: $0) }
    }

    func clobMarket(conditionID: String) async throws -> ClobMarketRecord {
        try ClobMarketRecord(try await self.http.json(Endpoint(
            service: .clob, method: "GET", path: "/clob-markets/" + conditionID)))
    }

    /// `GET /markets-by-token/{tokenId}`: the condition id when Gamma does not know the token.
    func conditionID(tokenID: TokenID) async throws -> String {
        let reply = try await self.http.perform(Endpoint(
            service: .clob, method: "GET", path: "/markets-by-token/" + tokenID.decimal))
        if reply.status == 404 { throw VenueError.refused(status: 404, message: "no market lists token \(tokenID)") }
        let json = try VenueHTTP.requireJSON(reply, endpoint: Endpoint(service: .clob, method: "GET", path: "/markets-by-token"),
                                             now: self.http.clock.now())
        guard let conditionID = json["condition_id"]?.nonEmptyText else {
            throw VenueError.malformedResponse("/markets-by-token without condition_id")
        }
        return conditionID
    }

    static func levels(_ value: JSONValue?, side: String) throws(VenueError) -> [BookLevel] {
        guard let value, !value.isNull else { return [] }
        guard let items = value.array else { throw .malformedResponse("book \(side) is not a list") }
        var levels: [BookLevel] = []
        for item in items {
            guard let priceText = item["price"]?.nonEmptyText, let sizeText = item["size"]?.nonEmptyText,
                  let price = try? Price(decimal: priceText), let size = try? Shares(decimal: sizeText)
            else { throw .malformedResponse("book \(side) level without a decimal price and size") }
            levels.append(BookLevel(price: price, size: size))
        }
        return levels
    }
}
