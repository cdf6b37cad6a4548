import FakeExchangeAdapter
import HTTPTypes
import Hummingbird
import Kernel

/// The Data API routes the leader feed reads (spec §8.1): a wallet's fills, newest first (one
/// transaction's fills in reverse order, as a newest-first listing has them), and positions.
/// Numbers are JSON numbers, times whole seconds, addresses lowercase — as the real API sends.
struct DataAPIRoutes: Sendable {
    typealias Context = FakePolymarketContext

    let venue: FakeVenue

    func register(on group: RouterGroup<Context>) {
        group.get("trades") { request, _ in
            let user = try WireRequest.wallet(try WireRequest.query(request, "user"))
            let rows = await self.newestFirst(user, start: nil, end: nil)
            return WireJSON.array(Self.paged(rows, request).map { Self.row($0, activity: false) }).response()
        }
        group.get("activity") { request, _ in
            let query = request.uri.queryParameters
            let user = try WireRequest.wallet(try WireRequest.query(request, "user"))
            if let types = query.get("type"), !types.uppercased().split(separator: ",").contains("TRADE") {
                return WireJSON.array([]).response()
            }
            var rows = await self.newestFirst(user, start: query.get("start").flatMap { Int64($0) },
                                              end: query.get("end").flatMap { Int64($0) })
            if query.get("sortDirection")?.uppercased() == "ASC" { rows.reverse() }
            return WireJSON.array(Self.paged(rows, request).map { Self.row($0, activity: true) }).response()
        }
        group.get("positions") { request, _ in
            let query = request.uri.queryParameters
            let user = try WireRequest.wallet(try WireRequest.query(request, "user"))
            let threshold = try query.get("sizeThreshold").map { try Shares(decimal: $0) } ?? .whole(1)
            let redeemableOnly = query.get("redeemable").map { $0 == "true" }
            var rows: [WireJSON] = []
            for position in await self.venue.walletPositions(of: user) where position.shares >= threshold {
                guard redeemableOnly.map({ $0 == position.redeemable }) ?? true,
                      let market = try? await self.venue.market(tokenID: position.tokenID)
                else { continue }
                rows.append(Self.position(position, wallet: user, market: market))
            }
            return WireJSON.array(Self.paged(rows, request)).response()
        }
        group.get("value") { request, _ in
            let user = try WireRequest.wallet(try WireRequest.query(request, "user"))
            let value = await self.venue.walletPositions(of: user).reduce(Collateral.zero) { total, position in
                total + position.shares.value(at: position.resolvedPrice ?? position.averagePrice ?? .zero)
            }
            return WireJSON.array([.object([("user", .string(user.lowercased)), ("value", .number(value))])]).response()
        }
    }

    /// The wallet's fills newest first, within `[start, end]` seconds when given.
    private func newestFirst(_ user: WalletAddress, start: Int64?, end: Int64?) async -> [ObservedFill] {
        let since = start.map { Timestamp(epochMilliseconds: $0 * 1_000) } ?? Timestamp(epochMilliseconds: 0)
        return await self.venue.leaderFills(of: user, since: since)
            .filter { observed in end.map { Self.second(observed.fill.occurredAt) <= $0 } ?? true }
            .reversed()
    }

    private static func second(_ time: Timestamp) -> Int64 {
        let milliseconds = time.epochMilliseconds
        return milliseconds >= 0 ? milliseconds / 1_000 : (milliseconds - 999) / 1_000
    }

    private static func paged<T>(_ rows: [T], _ request: Request) -> [T] {
        let query = request.uri.queryParameters
        let offset = max(query.get("offset").flatMap { Int($0) } ?? 0, 0)
        let limit = max(query.get("limit").flatMap { Int($0) } ?? 100, 0)
        return Array(rows.dropFirst(offset).prefix(limit))
    }

    /// A `/trades` or `/activity` row (spec §8.1).
    static func row(_ observed: ObservedFill, activity: Bool) -> WireJSON {
        let fill = observed.fill
        var members: [(String, WireJSON)] = [
            ("proxyWallet", .string(fill.leaderAddress.lowercased)), ("timestamp", .integer(Self.second(fill.occurredAt))),
            ("conditionId", .string(fill.conditionID)),
        ]
        if activity {
            members += [("type", "TRADE"), ("usdcSize", .number(fill.notional))]
        }
        members += [
            ("side", .string(fill.side.rawValue)), ("asset", .string(fill.tokenID.decimal)), ("size", .number(fill.size)),
            ("price", .number(fill.price)), ("title", .string(fill.marketSlug)), ("slug", .string(fill.marketSlug)),
            ("icon", ""), ("eventSlug", .string(fill.marketSlug)), ("outcome", .string(fill.outcome)),
            ("outcomeIndex", .integer(fill.outcome == "No" ? 1 : 0)), ("name", ""), ("pseudonym", ""), ("bio", ""),
            ("profileImage", ""), ("profileImageOptimized", ""), ("transactionHash", .string(fill.transactionHash)),
        ]
        return .object(members)
    }

    /// A `/positions` item; a resolved market's price is what a share pays (1 or 0).
    static func position(_ position: WalletPosition, wallet: WalletAddress, market: FakeMarket) -> WireJSON {
        let average = position.averagePrice ?? .zero
        let current = position.resolvedPrice ?? average
        let index = market.tokenIDs.firstIndex(of: position.tokenID) ?? 0
        let opposite = market.tokenIDs.indices.first { $0 != index } ?? index
        return .object([
            ("proxyWallet", .string(wallet.lowercased)), ("asset", .string(position.tokenID.decimal)),
            ("conditionId", .string(position.conditionID)), ("size", .number(position.shares)),
            ("avgPrice", .number(average)), ("initialValue", .number(position.shares.value(at: average))),
            ("currentValue", .number(position.shares.value(at: current))), ("curPrice", .number(current)),
            ("redeemable", .bool(position.redeemable)), ("mergeable", false), ("title", .string(market.slug)),
            ("slug", .string(market.slug)), ("outcome", .string(market.outcomes[index])),
            ("outcomeIndex", .integer(index)), ("oppositeOutcome", .string(market.outcomes[opposite])),
            ("oppositeAsset", .string(market.tokenIDs[opposite].decimal)), ("negativeRisk", .bool(position.negRisk)),
        ])
    }
}
