public import AsyncHTTPClient
import FakeExchangeAdapter
import FakePolymarket
import FakeExchangeTesting
import Foundation
public import Kernel
public import KernelTesting
import NIOCore
import NIOHTTP1

/// KernelTesting's ``VenueControl`` over the facade's `/control` route, so the shared contracts
/// and flows drive a venue they reach only through HTTP.
public struct HTTPVenueControl: VenueControl {
    /// `http://host:port/control`.
    public let controlURL: String
    private let client: HTTPClient

    public init(controlURL: String, client: HTTPClient = .shared) {
        self.controlURL = controlURL.hasSuffix("/") ? String(controlURL.dropLast()) : controlURL
        self.client = client
    }

    public func markets() async throws -> [VenueMarket] {
        try await self.call("GET", "/markets", as: [ControlWire.Market].self).map(VenueMarket.init)
    }

    public func createMarket(_ spec: VenueMarketSpec) async throws -> VenueMarket {
        VenueMarket(try await self.call("POST", "/markets", body: ControlWire.MarketSpec(
            slug: spec.slug, outcomes: spec.outcomes, tickSize: spec.tickSize, minOrderSize: spec.minOrderSize,
            negRisk: spec.negRisk, takerFee: spec.takerFee, endsAt: spec.endsAt, protocolV2: spec.protocolV2,
            eventSlug: spec.eventSlug),
            as: ControlWire.Market.self))
    }

    public func updateMarket(conditionID: String, tickSize: Price?, minOrderSize: Shares?, acceptingOrders: Bool?) async throws {
        try await self.send("POST", "/markets/\(conditionID)/update", body: ControlWire.MarketUpdate(
            tickSize: tickSize, minOrderSize: minOrderSize, acceptingOrders: acceptingOrders))
    }

    public func setBook(_ book: OrderBook) async throws {
        try await self.send("POST", "/books", body: ControlWire.Book(book))
    }

    public func resolve(conditionID: String, winningToken: TokenID) async throws {
        try await self.send("POST", "/markets/\(conditionID)/resolve", body: ControlWire.Resolution(winningToken: winningToken))
    }

    public func fund(wallet: WalletAddress, amount: Collateral) async throws {
        try await self.send("POST", "/fund", body: ControlWire.Funding(wallet: wallet, amount: amount))
    }

    public func grant(_ shares: Shares, of tokenID: TokenID, to wallet: WalletAddress) async throws {
        try await self.send("POST", "/grant", body: ControlWire.Grant(wallet: wallet, tokenID: tokenID, shares: shares))
    }

    public func collateral(of wallet: WalletAddress) async throws -> Collateral {
        Collateral(baseUnits: try await self.call(
            "GET", "/collateral?wallet=\(wallet.lowercased)", as: ControlWire.Balance.self).baseUnits)
    }

    public func shares(of wallet: WalletAddress, tokenID: TokenID) async throws -> Shares {
        Shares(baseUnits: try await self.call(
            "GET", "/shares?wallet=\(wallet.lowercased)&token_id=\(tokenID.decimal)", as: ControlWire.Balance.self).baseUnits)
    }

    public func leaderTrade(_ trade: LeaderTrade) async throws -> [LeaderFill] {
        try await self.call("POST", "/leader-trades", body: ControlWire.LeaderTrade(
            leader: trade.leader,
            legs: trade.legs.map { ControlWire.Leg(tokenID: $0.tokenID, side: $0.side, size: $0.size, price: $0.price) }),
            as: [LeaderFill].self)
    }

    public func step() async throws {
        try await self.send("POST", "/step")
    }

    public func inject(_ fault: VenueFault, times: Int?) async throws {
        try await self.send("POST", "/faults", body: ControlWire.Fault(FakeFault(fault), times: times))
    }

    public func clearFaults() async throws {
        try await self.send("DELETE", "/faults")
    }

    public func liveStreams() async throws -> Int {
        Int(try await self.call("GET", "/live-streams", as: ControlWire.Balance.self).baseUnits)
    }

    /// Tells the venue whose wallet `funder` is.
    public func register(funder: WalletAddress, owner: WalletAddress) async throws {
        try await self.send("POST", "/wallets", body: ControlWire.Registration(funder: funder, owner: owner))
    }

    // MARK: Transport

    private func send(_ method: String, _ path: String, body: (some Encodable)? = Optional<ControlWire.Balance>.none) async throws {
        _ = try await self.data(method, path, body: body)
    }

    private func call<T: Decodable>(_ method: String, _ path: String, body: (some Encodable)? = Optional<ControlWire.Balance>.none,
                                    as type: T.Type) async throws -> T {
        let data = try await self.data(method, path, body: body)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw VenueError.malformedResponse("/control\(path): \(error)")
        }
    }

    /// The reply body of a 2xx; a refusal's `error` text otherwise.
    private func data(_ method: String, _ path: String, body: (some Encodable)?) async throws -> Data {
        var request = HTTPClientRequest(url: self.controlURL + path)
        request.method = HTTPMethod(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: Array(try JSONEncoder().encode(body))))
        }
        let response = try await self.client.execute(request, timeout: .seconds(30))
        let bytes = Data(try await response.body.collect(upTo: 8 << 20).readableBytesView)
        guard (200...299).contains(Int(response.status.code)) else {
            let message = (try? JSONDecoder().decode([String: String].self, from: bytes))?["error"]
                ?? String(decoding: bytes, as: UTF8.self)
            throw VenueError.refused(status: Int(response.status.code), message: message)
        }
        return bytes
    }
}

extension VenueMarket {
    init(_ market: ControlWire.Market) {
        self.init(conditionID: market.conditionID, slug: market.slug, negRisk: market.negRisk,
                  outcomes: market.outcomes, tokenIDs: market.tokenIDs)
    }
}
