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
        #expect(first.endsAt == clock.now() + .seconds(180))

        clock.advance(by: .seconds(179))
        await venue.step()
        #expect(try await venue.market(conditionID: first.conditionID).resolved == false, "not before its end")

        clock.advance(by: .seconds(1))
        await venue.step()
        let resolved = try await venue.market(conditionID: first.conditionID)
        let winner = try #require(resolved.winningToken)
        #expect(!resolved.acceptingOrders)
        let next = try #require(await venue.markets().first { $0.slug.hasPrefix("quick-round-2-") })
        #expect(next.endsAt == clock.now() + .seconds(180))
        #expect(next.acceptingOrders)
        // The holder's position is redeemable at what a share now pays.
        let position = try #require(try await venue.leaderFeed.positions(of: holder).first { $0.tokenID == first.tokenIDs[0] })
        #expect(position.redeemable)
        #expect(position.resolvedPrice == (winner == first.tokenIDs[0] ? Price.one : Price.zero))
    }

    @Test func theFollowedLeaderBuysEachRoundsFavouriteAndHoldsItToAWin() async throws {
        let clock = ManualWallClock()
        let venue = FakeVenue.demo(seed: 5, wallClock: clock.wallClock, leaderCount: 3, tradeEvery: .seconds(5))
        let opener = try #require(await venue.simulatedLeaders().first?.address)
        for round in 1...2 {
            let market = try #require(await venue.markets().first { $0.slug.hasPrefix("quick-round-\(round)-") })
            var roundFills: [LeaderFill] = []
            // Three minutes of venue time in 5 s steps: every leader trades many times.
            for _ in 0..<36 {
                clock.advance(by: .seconds(5))
                await venue.step()
            }
            for leader in await venue.simulatedLeaders() {
                roundFills += try await venue.leaderFeed.fills(of: leader.address, since: Timestamp(epochMilliseconds: 0))
                    .map(\.fill).filter { market.tokenIDs.contains($0.tokenID) }
            }
            let opening = try #require(roundFills.first, "round \(round) was never opened")
            #expect(roundFills.count == 1, "only the opener trades a quick round, once")
            #expect(opening.leaderAddress == opener && opening.side == .buy && opening.tokenID == market.tokenIDs[0],
                    "the favourite (\(market.outcomes[0])) is bought")
            let resolved = try await venue.market(conditionID: market.conditionID)
            #expect(resolved.winningToken == opening.tokenID, "the favourite wins")
            let held = try #require(try await venue.leaderFeed.positions(of: opener).first { $0.tokenID == opening.tokenID })
            #expect(held.shares == opening.size && held.redeemable && held.resolvedPrice == .one)
        }
    }
}
