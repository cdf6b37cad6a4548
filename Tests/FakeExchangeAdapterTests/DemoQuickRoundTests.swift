import FakeExchangeAdapter
import Kernel
import KernelTesting
import Testing

/// The demo venue resolves its own markets, so `mirror serve` shows claims with no manual step.
@Suite struct DemoQuickRoundTests {
    @Test func aQuickRoundResolvesWhenItEndsAndTheNextOneOpens() async throws {
        let clock = ManualWallClock()
        let venue = FakeVenue.demo(seed: 3, wallClock: clock.wallClock, leaderCount: 1, tradeEvery: .seconds(5))
        let first = try #require(await venue.markets().first { $0.slug.hasPrefix("quick-round-1-") })
        let holder = WalletAddress.fixture(0x77)
        try await venue.grant(.whole(10), of: first.tokenIDs[0], to: holder)
        #expect(first.endsAt == clock.now() + .seconds(480))

        clock.advance(by: .seconds(479))
        await venue.step()
        #expect(try await venue.market(conditionID: first.conditionID).resolved == false, "not before its end")

        clock.advance(by: .seconds(1))
        await venue.step()
        let resolved = try await venue.market(conditionID: first.conditionID)
        let winner = try #require(resolved.winningToken)
        #expect(!resolved.acceptingOrders)
        let next = try #require(await venue.markets().first { $0.slug.hasPrefix("quick-round-2-") })
        #expect(next.endsAt == clock.now() + .seconds(480))
        #expect(next.acceptingOrders)
        // The holder's position is redeemable at what a share now pays.
        let position = try #require(try await venue.leaderFeed.positions(of: holder).first { $0.tokenID == first.tokenIDs[0] })
        #expect(position.redeemable)
        #expect(position.resolvedPrice == (winner == first.tokenIDs[0] ? Price.one : Price.zero))
    }
}
