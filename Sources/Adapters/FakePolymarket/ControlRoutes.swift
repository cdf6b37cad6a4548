import FakeExchangeAdapter
import Foundation
import HTTPTypes
import Hummingbird
import Kernel

/// Test-side control of the venue (KernelTesting's `VenueControl`) over JSON: what a real venue
/// never offers — listing markets, minting money, making leaders trade, stepping time, breaking
/// the transport. Bodies are ``ControlWire`` values.
struct ControlRoutes: Sendable {
    typealias Context = FakePolymarketContext

    let venue: FakeVenue

    func register(on group: RouterGroup<Context>) {
        group.get("markets") { _, _ in try Self.json(await self.venue.markets().map(ControlWire.Market.init)) }
        group.post("markets") { request, _ in
            let spec = try await Self.decode(ControlWire.MarketSpec.self, request)
            return try Self.json(ControlWire.Market(try await self.venue.listMarket(spec.fake)))
        }
        group.post("markets/:condition/update") { request, context in
            let update = try await Self.decode(ControlWire.MarketUpdate.self, request)
            try await self.venue.updateMarket(conditionID: context.parameters.get("condition") ?? "",
                                              tickSize: update.tickSize, minOrderSize: update.minOrderSize,
                                              acceptingOrders: update.acceptingOrders)
            return Self.done
        }
        group.post("markets/:condition/resolve") { request, context in
            let resolution = try await Self.decode(ControlWire.Resolution.self, request)
            try await self.venue.resolve(conditionID: context.parameters.get("condition") ?? "",
                                         winningToken: resolution.winningToken)
            return Self.done
        }
        group.post("books") { request, _ in
            let book = try await Self.decode(ControlWire.Book.self, request)
            let market = try await self.venue.market(tokenID: book.tokenID)
            try await self.venue.setBook(OrderBook(
                tokenID: book.tokenID, bids: book.bids.map { BookLevel(price: $0.price, size: $0.size) },
                asks: book.asks.map { BookLevel(price: $0.price, size: $0.size) }, tickSize: market.tickSize,
                minOrderSize: market.minOrderSize))
            return Self.done
        }
        group.post("fund") { request, _ in
            let funding = try await Self.decode(ControlWire.Funding.self, request)
            await self.venue.fund(wallet: funding.wallet, amount: funding.amount)
            return Self.done
        }
        group.post("grant") { request, _ in
            let grant = try await Self.decode(ControlWire.Grant.self, request)
            try await self.venue.grant(grant.shares, of: grant.tokenID, to: grant.wallet)
            return Self.done
        }
        group.post("wallets") { request, _ in
            let registration = try await Self.decode(ControlWire.Registration.self, request)
            await self.venue.register(funder: registration.funder, owner: registration.owner)
            return Self.done
        }
        group.get("collateral") { request, _ in
            let wallet = try WireRequest.wallet(try WireRequest.query(request, "wallet"))
            return try Self.json(ControlWire.Balance(await self.venue.collateral(of: wallet)))
        }
        group.get("shares") { request, _ in
            let wallet = try WireRequest.wallet(try WireRequest.query(request, "wallet"))
            let tokenID = try WireRequest.tokenID(try WireRequest.query(request, "token_id"))
            return try Self.json(ControlWire.Balance(await self.venue.shares(of: wallet, tokenID: tokenID)))
        }
        group.post("leader-trades") { request, _ in
            let trade = try await Self.decode(ControlWire.LeaderTrade.self, request)
            let legs = trade.legs.map { FakeLeg(tokenID: $0.tokenID, side: $0.side, size: $0.size, price: $0.price) }
            return try Self.json(try await self.venue.leaderTrade(trade.leader, legs: legs))
        }
        group.post("step") { _, _ in
            await self.venue.step()
            return Self.done
        }
        group.post("faults") { request, _ in
            let body = try await Self.decode(ControlWire.Fault.self, request)
            guard let fault = body.fake else { throw WireError(.badRequest, "unknown fault \(body.kind)") }
            await self.venue.inject(fault, times: body.times)
            return Self.done
        }
        // RTDS connections subscribed (a count, in the Balance shape).
        group.get("live-streams") { _, _ in
            try Self.json(ControlWire.Balance(baseUnits: Int64(self.venue.liveStreamCount)))
        }
        group.delete("faults") { _, _ in
            await self.venue.clearFaults()
            return Self.done
        }
    }

    private static var done: Response { WireJSON.object([("ok", true)]).response() }

    private static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        try WireRequest.decode(type, from: try await WireRequest.body(request))
    }

    private static func json(_ value: some Encodable) throws -> Response {
        let data = try JSONEncoder().encode(value)
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
