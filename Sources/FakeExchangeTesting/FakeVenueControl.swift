public import Ethereum
public import FakeExchangeAdapter
public import Kernel
public import KernelTesting
import PolymarketProtocol

/// The fake venue behind KernelTesting's `VenueControl`, so the shared contracts and flows drive it.
/// A library (not test code) so every store adapter's tests can rerun the flows against it.
public struct FakeVenueControl: VenueControl {
    public let venue: FakeVenue

    public init(venue: FakeVenue) {
        self.venue = venue
    }

    public func markets() async throws -> [VenueMarket] {
        await self.venue.markets().map(VenueMarket.init)
    }

    public func createMarket(_ spec: VenueMarketSpec) async throws -> VenueMarket {
        VenueMarket(try await self.venue.listMarket(FakeMarketSpec(
            slug: spec.slug, outcomes: spec.outcomes, tickSize: spec.tickSize, minOrderSize: spec.minOrderSize,
            negRisk: spec.negRisk, takerFee: spec.takerFee, endsAt: spec.endsAt, protocolV2: spec.protocolV2,
            eventSlug: spec.eventSlug)))
    }

    public func updateMarket(conditionID: String, tickSize: Price?, minOrderSize: Shares?, acceptingOrders: Bool?) async throws {
        try await self.venue.updateMarket(conditionID: conditionID, tickSize: tickSize, minOrderSize: minOrderSize,
                                          acceptingOrders: acceptingOrders)
    }

    public func setBook(_ book: OrderBook) async throws {
        try await self.venue.setBook(book)
    }

    public func resolve(conditionID: String, winningToken: TokenID) async throws {
        try await self.venue.resolve(conditionID: conditionID, winningToken: winningToken)
    }

    public func fund(wallet: WalletAddress, amount: Collateral) async throws {
        await self.venue.fund(wallet: wallet, amount: amount)
    }

    public func grant(_ shares: Shares, of tokenID: TokenID, to wallet: WalletAddress) async throws {
        try await self.venue.grant(shares, of: tokenID, to: wallet)
    }

    public func collateral(of wallet: WalletAddress) async throws -> Collateral {
        await self.venue.collateral(of: wallet)
    }

    public func shares(of wallet: WalletAddress, tokenID: TokenID) async throws -> Shares {
        await self.venue.shares(of: wallet, tokenID: tokenID)
    }

    public func leaderTrade(_ trade: LeaderTrade) async throws -> [LeaderFill] {
        try await self.venue.leaderTrade(trade.leader, legs: trade.legs.map {
            FakeLeg(tokenID: $0.tokenID, side: $0.side, size: $0.size, price: $0.price)
        })
    }

    public func step() async throws {
        await self.venue.step()
    }

    public func inject(_ fault: VenueFault, times: Int?) async throws {
        await self.venue.inject(FakeFault(fault), times: times)
    }

    public func clearFaults() async throws {
        await self.venue.clearFaults()
    }

    public func liveStreams() async throws -> Int {
        self.venue.liveStreamCount
    }
}

extension VenueMarket {
    init(_ market: FakeMarket) {
        self.init(conditionID: market.conditionID, slug: market.slug, negRisk: market.negRisk,
                  outcomes: market.outcomes, tokenIDs: market.tokenIDs)
    }
}

extension FakeFault {
    /// The fake venue's fault for KernelTesting's.
    public init(_ fault: VenueFault) {
        switch fault {
        case .exchange(let transport): self = .transport(.exchange, FakeTransportFault(transport))
        case .relayer(let transport): self = .transport(.relayer, FakeTransportFault(transport))
        case .feed(let transport): self = .transport(.feed, FakeTransportFault(transport))
        case .orderResponseLost: self = .orderResponseLost
        case .feedSilent: self = .feedSilent
        case .feedDeliversTwice: self = .feedDeliversTwice
        case .feedDeliversOutOfOrder: self = .feedDeliversOutOfOrder
        case .relayerTransactionFails: self = .relayerTransactionFails
        }
    }
}

extension FakeTransportFault {
    init(_ fault: TransportFault) {
        switch fault {
        case .latency(let duration): self = .latency(duration)
        case .serverError(let status): self = .serverError(status: status)
        case .rateLimited(let retryAfter): self = .rateLimited(retryAfter: retryAfter)
        case .timeout: self = .timeout
        }
    }
}

/// A fresh fake venue on a manual clock, with its harness.
public struct FakeVenueFixture: Sendable {
    public let venue: FakeVenue
    public let clock: ManualWallClock
    public let harness: VenueHarness

    public init(seed: UInt64 = 7, relayerPace: FakeVenue.RelayerPace = .stepwise,
         sleep: @escaping @Sendable (Duration) async throws -> Void = { _ in }) {
        let clock = ManualWallClock()
        let venue = FakeVenue(seed: seed, wallClock: clock.wallClock,
                              configuration: FakeVenue.Configuration(relayerPace: relayerPace, sleep: sleep))
        self.venue = venue
        self.clock = clock
        self.harness = VenueHarness(
            exchange: venue.exchange, feed: venue.leaderFeed, relayer: venue.relayer,
            control: FakeVenueControl(venue: venue), clock: clock,
            openAccount: { key, type in try await Self.openAccount(key: key, type: type, on: venue) })
    }

    /// The funder of `eoa`'s wallet of `type` as Polymarket derives it (a new deposit wallet is a
    /// beacon clone, spec §4.1).
    public static func funder(of eoa: Address, type: WalletType) -> Address {
        let derivation = WalletDerivation.polygon
        return switch type {
        case .eoa: eoa
        case .proxy: derivation.proxyWallet(owner: eoa)
        case .safe: derivation.safe(owner: eoa)
        case .depositWallet: derivation.depositWallet(owner: eoa, shape: .beacon)
        }
    }

    /// The account of `key`'s wallet of `type`, its funder derived as Polymarket derives it.
    public static func openAccount(key: PrivateKey, type: WalletType, on venue: FakeVenue) async throws -> TradingAccount {
        let eoa = key.address
        let funder = Self.funder(of: eoa, type: type)
        let signer = try WalletAddress(eoa.lowercased)
        let funderAddress = try WalletAddress(funder.lowercased)
        await venue.register(funder: funderAddress, owner: signer)
        return TradingAccount(walletID: WalletID("wallet-\(funder.lowercased)"), type: type, signerAddress: signer,
                              funderAddress: funderAddress)
    }
}
