import FakeExchangeAdapter
import Foundation
import HTTPTypes
import Hummingbird
import Kernel

/// Gamma's market lookups (spec §9) over the venue's markets, in Gamma's shapes: camelCase,
/// `outcomes`/`outcomePrices`/`clobTokenIds` as JSON inside strings, no `resolved` field
/// (resolved = `closed` and `umaResolutionStatus == "resolved"`).
struct GammaRoutes: Sendable {
    typealias Context = FakePolymarketContext

    let venue: FakeVenue

    func register(on group: RouterGroup<Context>) {
        group.get("markets") { request, _ in
            let query = request.uri.queryParameters
            let tokens = Set(query.getAll("clob_token_ids").flatMap { $0.split(separator: ",").map(String.init) })
            let conditions = Set(query.getAll("condition_ids").flatMap { $0.split(separator: ",").map { $0.lowercased() } })
            let slugs = Set(query.getAll("slug"))
            let ids = Set(query.getAll("id"))
            let closed = query.get("closed").map { $0 == "true" }
            let markets = await self.venue.markets().enumerated().filter { index, market in
                (tokens.isEmpty || market.tokenIDs.contains { tokens.contains($0.decimal) })
                    && (conditions.isEmpty || conditions.contains(market.conditionID))
                    && (slugs.isEmpty || slugs.contains(market.slug))
                    && (ids.isEmpty || ids.contains(String(index + 1)))
                    && (closed.map { $0 == market.resolved } ?? true)
            }
            return WireJSON.array(markets.map { Self.market($1, id: $0 + 1) }).response()
        }
        group.get("markets/slug/:slug") { _, context in
            let slug = context.parameters.get("slug") ?? ""
            guard let (index, market) = await self.venue.markets().enumerated().first(where: { $1.slug == slug }) else {
                throw WireError.notFound("market not found")
            }
            return Self.market(market, id: index + 1).response()
        }
    }

    /// A Gamma Market record. The numeric `id` is the market's place in the listing.
    static func market(_ market: FakeMarket, id: Int) -> WireJSON {
        let prices = market.tokenIDs.map { token -> String in
            guard let winner = market.winningToken else { return "0.5" }
            return winner == token ? "1" : "0"
        }
        var members: [(String, WireJSON)] = [
            ("id", .string(String(id))), ("question", .string(market.slug.replacingOccurrences(of: "-", with: " "))),
            ("conditionId", .string(market.conditionID)), ("slug", .string(market.slug)),
            ("outcomes", .embedded(market.outcomes)), ("outcomePrices", .embedded(prices)),
            ("clobTokenIds", .embedded(market.tokenIDs.map(\.decimal))),
            ("active", .bool(!market.resolved)), ("closed", .bool(market.resolved)), ("archived", false),
            ("acceptingOrders", .bool(market.acceptingOrders && !market.resolved)), ("enableOrderBook", true),
            ("negRisk", .bool(market.negRisk)), ("orderPriceMinTickSize", .number(market.tickSize)),
            ("orderMinSize", .number(market.minOrderSize)), ("feesEnabled", .bool(market.takerFee != .free)),
            ("version", .string(market.protocolV2 ? "v2" : "v1")),
            ("events", .array([.object([("slug", .string(market.eventSlug.isEmpty ? market.slug : market.eventSlug))])])),
        ]
        if let endsAt = market.endsAt { members.append(("endDate", .string(endsAt.description))) }
        if market.resolved { members.append(("umaResolutionStatus", "resolved")) }
        if market.protocolV2 { members.append(("positionIds", .embedded(market.tokenIDs.map(\.decimal)))) }
        return .object(members)
    }
}
