import Ethereum
import FakeExchangeAdapter
import FakePolymarketTesting
import InMemoryAdapter
import Kernel
import KernelTesting
import Logging
import PolymarketProtocol
import Testing

/// Flows of the real adapter against the facade beyond the shared contracts: the breaker over a
/// 5xx burst, a lost order response reconciled by hash, and a leader fill read from the Data API
/// that ends as a signed order the facade verifies and fills.
@Suite(.timeLimit(.minutes(1))) struct FakePolymarketFlowTests {
    static let cent = Price(baseUnits: 10_000)

    static func market(_ harness: FakePolymarketHarness, slug: String) async throws -> (VenueMarket, TokenID) {
        let market = try await harness.control.createMarket(VenueMarketSpec(slug: slug))
        let token = try #require(market.tokenIDs.first)
        try await harness.control.setBook(OrderBook(
            tokenID: token, bids: [BookLevel(price: Price(baseUnits: 490_000), size: .whole(500))],
            asks: [BookLevel(price: Price(baseUnits: 510_000), size: .whole(500))], tickSize: Self.cent,
            minOrderSize: .whole(5)))
        return (market, token)
    }

    @Test func aServerErrorBurstOpensTheBreakerAndTrafficResumesAfterItHalfOpens() async throws {
        try await FakePolymarketHarness.run { harness in
            let (_, token) = try await Self.market(harness, slug: "breaker")
            let breaker = CircuitBreaker(service: "exchange", policy: .init(failureThreshold: 3, openDuration: .seconds(60)),
                                         wallClock: harness.clock.wallClock)
            let guarded = BreakerGuardedExchange(harness.exchange, breaker: breaker)
            try await harness.control.inject(.exchange(.serverError(status: 503)), times: 3)
            for _ in 0..<3 {
                await #expect(throws: VenueError.self) { _ = try await guarded.orderBook(tokenID: token) }
            }
            #expect(breaker.snapshot.state == .open)
            // Open: refused here without a request, though the venue would answer now.
            await #expect(throws: VenueError.circuitOpen(service: "exchange")) {
                _ = try await guarded.orderBook(tokenID: token)
            }
            harness.clock.advance(by: .seconds(61))
            let book = try await guarded.orderBook(tokenID: token)
            #expect(book.asks.first?.price == Price(baseUnits: 510_000))
            #expect(breaker.snapshot.state == .closed)
        }
    }

    @Test func aLostOrderResponseIsReconciledByHashWithNoSecondOrder() async throws {
        try await FakePolymarketHarness.run { harness in
            let store: any Store = InMemoryStore()
            let flow = Flow(store: store, venue: harness.venueHarness)
            let (market, token) = try await Self.market(harness, slug: "lost-response")
            let (leader, account) = try await Self.follower(flow, leaderKey: 901)
            _ = try await harness.control.leaderTrade(LeaderTrade(leader: leader.address, legs: [
                .init(tokenID: token, side: .buy, size: .whole(100), price: Price(baseUnits: 500_000)),
            ]))
            #expect(try await flow.ingestor().poll() == 1)
            try await harness.control.inject(.orderResponseLost, times: 1)
            try await flow.engine().runOnce()
            let first = try await store.attempts(userID: "user-1", limit: 5)
            let unknown = try await store.orders(attemptID: try #require(first.first).id)
            #expect(unknown.map(\.status) == [.unknown])
            // The venue has the order; the engine looks the hash up and books it, sending nothing new.
            let unknownID = try #require(unknown.first).id
            let placed = try #require(await harness.venue.wireOrder(id: unknownID))
            #expect(placed.snapshot.state == .filled)
            harness.clock.advance(by: .seconds(3))
            try await flow.engine().runOnce()
            let attempts = try await store.attempts(userID: "user-1", limit: 5)
            let attempt = try #require(attempts.first)
            #expect(attempt.status == .done)
            let orders = try await store.orders(attemptID: attempt.id)
            #expect(orders.map(\.id) == unknown.map(\.id) && orders.map(\.status) == [.filled])
            let held = try await harness.control.shares(of: account.funderAddress, tokenID: token)
            #expect(held == placed.snapshot.filledShares && held.baseUnits > 0)
            #expect(market.conditionID == placed.conditionID)
        }
    }

    @Test func aLeaderFillFromTheDataAPIBecomesASignedOrderTheFacadeVerifiesAndFills() async throws {
        try await FakePolymarketHarness.run { harness in
            let store: any Store = InMemoryStore()
            let flow = Flow(store: store, venue: harness.venueHarness)
            let (_, token) = try await Self.market(harness, slug: "data-api-copy")
            let (leader, account) = try await Self.follower(flow, leaderKey: 902)
            let made = try await harness.control.leaderTrade(LeaderTrade(leader: leader.address, legs: [
                .init(tokenID: token, side: .buy, size: .whole(100), price: Price(baseUnits: 500_000)),
            ]))
            // The ingestor reads the fill over /data-api/trades …
            #expect(try await flow.ingestor().poll() == 1)
            let events = try await store.attempts(userID: "user-1", limit: 5)
            let event = try #require(events.first)
            #expect(event.leaderPrice == Price(baseUnits: 500_000))
            // … and the engine signs an order the facade verifies by recovery and fills at the ask.
            try await flow.engine().runOnce()
            let attempts = try await store.attempts(userID: "user-1", limit: 5)
            let attempt = try #require(attempts.first)
            #expect(attempt.status == .done)
            let orders = try await store.orders(attemptID: attempt.id)
            let order = try #require(orders.first)
            let onVenue = try #require(await harness.venue.wireOrder(id: order.id))
            #expect(onVenue.maker == account.funderAddress && onVenue.side == .buy && onVenue.type == .fok)
            #expect(onVenue.snapshot.state == .filled && onVenue.snapshot.filledShares == order.filledShares)
            #expect(attempt.fillPrice == Price(baseUnits: 510_000))
            #expect(made.first?.transactionHash.count == 66)
        }
    }

    /// A leader (test key `leaderKey`) and its follower: a deposit wallet with a ready CLOB key
    /// and $100, copying $10 fixed.
    static func follower(_ flow: Flow, leaderKey: Int) async throws -> (Leader, TradingAccount) {
        let now = flow.venue.clock.now()
        let leader = Leader(id: "leader-1", address: try WalletAddress(PrivateKey.testKey(leaderKey).address.lowercased),
                            createdAt: now)
        try await flow.store.insertLeader(leader)
        let funds = Collateral.dollars(100)
        let key = PrivateKey.testKey(101)
        let account = try await flow.venue.account(for: key, type: .depositWallet)
        try await flow.venue.control.fund(wallet: account.funderAddress, amount: funds)
        try await flow.store.insertUser(User(id: "user-1", externalID: "dynamic|1", loginAddress: nil, createdAt: now))
        try await flow.store.insertWallet(TradingWallet(
            id: "wallet-1", userID: "user-1", type: account.type, signerAddress: account.signerAddress,
            funderAddress: account.funderAddress, sealedKey: flow.vault.adopt(key), onboarding: .ready,
            apiKey: account.apiKey, createdAt: now, updatedAt: now))
        try await flow.store.recordSyncedBalance(walletID: "wallet-1", collateral: funds, at: now)
        try await flow.store.insertProfile(CopyProfile(
            id: "profile-1", userID: "user-1", leaderID: leader.id, walletID: "wallet-1", status: .enabled, mode: .live,
            sizing: .fixedUSD(.dollars(10)), limits: CopyLimits(), createdAt: now, updatedAt: now))
        return (leader, account)
    }
}

/// The store, vault and engine parts as the worker wires them, over the harness's venue.
struct Flow {
    let store: any Store
    let venue: VenueHarness
    let vault = TestKeyVault()
    let ids = SequentialIDs(prefix: "flow")

    func engine() -> CopyEngine {
        CopyEngine(store: self.store, exchange: self.venue.exchange, vault: self.vault, wallClock: self.venue.clock.wallClock,
                   ids: self.ids.generator, settings: .init(owner: "worker-1"), logger: Logger(label: "flow"))
    }

    func ingestor() -> FeedIngestor {
        FeedIngestor(store: self.store, feed: self.venue.feed, wallClock: self.venue.clock.wallClock,
                     ids: self.ids.generator, logger: Logger(label: "flow"))
    }
}
