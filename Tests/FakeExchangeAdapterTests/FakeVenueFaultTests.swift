import FakeExchangeAdapter
import FakeExchangeTesting
import Kernel
import KernelTesting
import Synchronization
import Testing

/// The fault knobs flow suites rely on: each does what it says, for as long as it says.
@Suite struct FakeVenueFaultTests {
    let fixture = FakeVenueFixture()
    var venue: FakeVenue { self.fixture.venue }
    static let leader = WalletAddress.fixture(0x4_0001)

    func account() async throws -> TradingAccount {
        try await FakeVenueFixture.openAccount(key: .testKey(1), type: .depositWallet, on: self.venue)
    }

    func market() async throws -> TokenID {
        let market = try await self.venue.listMarket(FakeMarketSpec(slug: "faults"))
        return market.tokenIDs[0]
    }

    func trade(_ sizes: [Int64], of token: TokenID) async throws -> [LeaderFill] {
        try await self.venue.leaderTrade(Self.leader, legs: sizes.map {
            FakeLeg(tokenID: token, side: .buy, size: .whole($0), price: Price(baseUnits: 500_000))
        })
    }

    @Test func serverErrorsFailTheNextCallsOnlyAndNameTheStatus() async throws {
        let account = try await self.account()
        await self.venue.inject(.transport(.exchange, .serverError(status: 503)), times: 2)
        for _ in 0..<2 {
            await #expect(throws: VenueError.unavailable("HTTP 503 from the fake venue")) {
                _ = try await self.venue.exchange.collateralBalance(account: account)
            }
        }
        #expect(try await self.venue.exchange.collateralBalance(account: account) == .zero)
    }

    @Test func rateLimitsCarryRetryAfterAndTimeoutsAreTimeouts() async throws {
        let account = try await self.account()
        await self.venue.inject(.transport(.exchange, .rateLimited(retryAfter: .seconds(2))), times: 1)
        await self.venue.inject(.transport(.exchange, .timeout), times: 1)
        await #expect(throws: VenueError.rateLimited(retryAfter: .seconds(2))) {
            _ = try await self.venue.exchange.collateralBalance(account: account)
        }
        await #expect(throws: VenueError.timeout) {
            _ = try await self.venue.exchange.order(id: .fixture(1), account: account)
        }
        #expect(try await self.venue.exchange.order(id: .fixture(1), account: account) == nil)
    }

    @Test func latencyWaitsThroughTheConfiguredSleepAndThenAnswers() async throws {
        let waits = Mutex<[Duration]>([])
        let fixture = FakeVenueFixture(sleep: { duration in waits.withLock { $0.append(duration) } })
        let account = try await FakeVenueFixture.openAccount(key: .testKey(1), type: .eoa, on: fixture.venue)
        await fixture.venue.fund(wallet: account.funderAddress, amount: .dollars(3))
        await fixture.venue.inject(.transport(.exchange, .latency(.milliseconds(1_500))), times: 1)
        #expect(try await fixture.venue.exchange.collateralBalance(account: account) == .dollars(3))
        #expect(try await fixture.venue.exchange.collateralBalance(account: account) == .dollars(3))
        #expect(waits.withLock { $0 } == [.milliseconds(1_500)])
    }

    @Test func aFaultWithoutACountLastsUntilClearedAndHitsOnlyItsService() async throws {
        let token = try await self.market()
        let account = try await self.account()
        await self.venue.inject(.transport(.exchange, .serverError(status: 502)), times: nil)
        for _ in 0..<5 {
            await #expect(throws: VenueError.self) { _ = try await self.venue.exchange.orderBook(tokenID: token) }
        }
        // The feed and the relayer still answer.
        #expect(try await self.venue.leaderFeed.fills(of: Self.leader, since: .fixture).isEmpty)
        _ = try await self.venue.relayer.prepare(.deploy, account: account)
        await self.venue.clearFaults()
        #expect(try await self.venue.exchange.orderBook(tokenID: token).tokenID == token)
    }

    @Test func feedAndRelayerCallsFailOnTheirOwnFaults() async throws {
        let account = try await self.account()
        await self.venue.inject(.transport(.feed, .timeout), times: 1)
        await self.venue.inject(.transport(.relayer, .serverError(status: 500)), times: 1)
        await #expect(throws: VenueError.timeout) {
            _ = try await self.venue.leaderFeed.positions(of: Self.leader)
        }
        await #expect(throws: VenueError.unavailable("HTTP 500 from the fake venue")) {
            _ = try await self.venue.relayer.prepare(.deploy, account: account)
        }
        #expect(try await self.venue.leaderFeed.positions(of: Self.leader).isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func aSilentFeedSwallowsLiveFillsWhilePollingStillSeesThem() async throws {
        let token = try await self.market()
        let stream = self.venue.leaderFeed.liveFills(of: [Self.leader])
        await self.venue.inject(.feedSilent, times: 1)
        let swallowed = try await self.trade([1], of: token)
        let delivered = try await self.trade([2], of: token)
        var iterator = stream.makeAsyncIterator()
        let first = try #require(try await iterator.next())
        #expect(first.fill == delivered[0])
        let polled = try await self.venue.leaderFeed.fills(of: Self.leader, since: .fixture)
        #expect(polled.map(\.fill) == swallowed + delivered)
    }

    @Test(.timeLimit(.minutes(1)))
    func aFeedDeliveringTwiceRepeatsTheSameIdentity() async throws {
        let token = try await self.market()
        let stream = self.venue.leaderFeed.liveFills(of: [Self.leader])
        await self.venue.inject(.feedDeliversTwice, times: 1)
        _ = try await self.trade([1], of: token)
        _ = try await self.trade([2], of: token)
        var received: [ObservedFill] = []
        for try await fill in stream {
            received.append(fill)
            if received.count == 3 { break }
        }
        #expect(received[0] == received[1])
        #expect(received.map(\.fill.size) == [.whole(1), .whole(1), .whole(2)])
    }

    @Test(.timeLimit(.minutes(1)))
    func aFeedOutOfOrderReversesATransactionButKeepsIdentities() async throws {
        let token = try await self.market()
        let stream = self.venue.leaderFeed.liveFills(of: [Self.leader])
        await self.venue.inject(.feedDeliversOutOfOrder, times: 1)
        _ = try await self.trade([1, 2, 2], of: token)
        var received: [ObservedFill] = []
        for try await fill in stream {
            received.append(fill)
            if received.count == 3 { break }
        }
        #expect(received.map(\.fill.size) == [.whole(2), .whole(2), .whole(1)])
        let polled = try await self.venue.leaderFeed.fills(of: Self.leader, since: .fixture)
        #expect(Set(received.map(\.identity)) == Set(polled.map(\.identity)))
        #expect(Set(received.map(\.identity)).count == 3)
    }

    @Test(.timeLimit(.minutes(1)))
    func droppedLiveStreamsEndWithTheError() async throws {
        let stream = self.venue.leaderFeed.liveFills(of: [Self.leader])
        await self.venue.dropLiveStreams(throwing: VenueError.unavailable("stream closed"))
        await #expect(throws: VenueError.unavailable("stream closed")) {
            for try await _ in stream {}
        }
    }
}
