import Ethereum
import FakeExchangeAdapter
import FakeExchangeTesting
import Kernel
import KernelTesting
import Testing

/// The Kernel's breaker wrapped around the fake: injected 5xx open it, and it stays open without
/// calling the venue until the wait is over.
@Suite struct BreakerOverFakeExchangeTests {
    @Test func injectedServerErrorsOpenTheBreakerAndATrialClosesIt() async throws {
        let fixture = FakeVenueFixture()
        let account = try await FakeVenueFixture.openAccount(key: .testKey(1), type: .eoa, on: fixture.venue)
        let breaker = CircuitBreaker(service: "exchange", policy: .init(failureThreshold: 3),
                                     wallClock: fixture.clock.wallClock)
        let exchange = BreakerGuardedExchange(fixture.venue.exchange, breaker: breaker)
        // One more 503 than the threshold: it is only used up if a call reaches the venue.
        await fixture.venue.inject(.transport(.exchange, .serverError(status: 503)), times: 4)

        for _ in 0..<3 {
            await #expect(throws: VenueError.unavailable("HTTP 503 from the fake venue")) {
                _ = try await exchange.collateralBalance(account: account)
            }
        }
        #expect(breaker.snapshot.state == .open)
        await #expect(throws: VenueError.circuitOpen(service: "exchange")) {
            _ = try await exchange.collateralBalance(account: account)
        }

        fixture.clock.advance(by: .seconds(60))
        #expect(breaker.snapshot.state == .halfOpen)
        // The trial reaches the venue and meets the fourth 503: open again.
        await #expect(throws: VenueError.unavailable("HTTP 503 from the fake venue")) {
            _ = try await exchange.collateralBalance(account: account)
        }
        #expect(breaker.snapshot.state == .open)

        fixture.clock.advance(by: .seconds(60))
        #expect(try await exchange.collateralBalance(account: account) == .zero)
        #expect(breaker.snapshot.state == .closed && breaker.snapshot.consecutiveFailures == 0)
    }

    @Test func rejectedOrdersDoNotCountAgainstTheVenue() async throws {
        let fixture = FakeVenueFixture()
        let breaker = CircuitBreaker(service: "exchange", policy: .init(failureThreshold: 2),
                                     wallClock: fixture.clock.wallClock)
        let exchange = BreakerGuardedExchange(fixture.venue.exchange, breaker: breaker)
        let account = try await FakeVenueFixture.openAccount(key: .testKey(1), type: .eoa, on: fixture.venue)
        let market = try await fixture.venue.listMarket(FakeMarketSpec(slug: "breaker"))
        for _ in 0..<3 {
            let prepared = try await exchange.prepareOrder(
                OrderIntent(tokenID: market.tokenIDs[0], side: .buy, type: .fok, limitPrice: Price(baseUnits: 500_000),
                            shares: .whole(10)), account: account, at: fixture.clock.now())
            let payload = try exchange.signedPayload(
                for: prepared, signature: try PrivateKey.testKey(1).signatureBytes(over: prepared.digest), account: account)
            let snapshot = try await exchange.submitOrder(payload: payload, orderID: prepared.orderID, account: account)
            #expect(snapshot.state == .rejected(code: "INVALID_ORDER_NOT_ENOUGH_BALANCE", message: "not enough balance / allowance"))
        }
        #expect(breaker.snapshot.state == .closed)
    }
}
