import Kernel
import Testing

extension VenueContract where Port == LeaderFeedPort {
    static var leader: WalletAddress { WalletAddress.fixture(0x4_0001) }
    static let otherLeader = WalletAddress.fixture(0x4_0002)

    public static var cases: [LeaderFeedContract] { [
        .init("one transaction's fills come back in order, twins as two identities, the same on a re-read") { harness async throws in
            let (market, token) = try await Venue.market("feed-twins", on: harness)
            let no = try #require(market.tokenIDs.last)
            let start = harness.clock.now()
            let twin = LeaderTrade.Leg(tokenID: token, side: .buy, size: .whole(10), price: Venue.price("0.50"))
            let made = try await harness.control.leaderTrade(LeaderTrade(leader: Self.leader, legs: [
                twin, twin, LeaderTrade.Leg(tokenID: no, side: .buy, size: .whole(3), price: Venue.price("0.49")),
            ]))
            #expect(made.count == 3 && Set(made.map(\.transactionHash)).count == 1)

            let first = try await harness.feed.fills(of: Self.leader, since: start)
            #expect(first.map(\.fill.tokenID) == [token, token, no])
            #expect(first.map(\.occurrence) == [0, 1, 0])
            #expect(Set(first.map(\.identity)).count == 3, "twins are two fills, not one")
            #expect(first[0].fill.identityTuple == first[1].fill.identityTuple)
            #expect(first.map(\.fill.conditionID) == Array(repeating: market.conditionID, count: 3))
            #expect(first.map(\.fill.marketSlug) == Array(repeating: "feed-twins", count: 3))
            #expect(first[0].fill.side == .buy && first[0].fill.size == .whole(10) && first[0].fill.price == Venue.price("0.50"))
            #expect(first.map(\.fill.transactionHash) == made.map(\.transactionHash))

            let again = try await harness.feed.fills(of: Self.leader, since: start)
            #expect(again.map(\.identity) == first.map(\.identity))
        },
        .init("backfill since a time returns every fill at or after it, oldest first, none before") { harness async throws in
            let (_, token) = try await Venue.market("feed-backfill", on: harness)
            var times: [Timestamp] = []
            var hashes: [String] = []
            for n in 1...3 {
                times.append(harness.clock.now())
                let fills = try await harness.control.leaderTrade(LeaderTrade(leader: Self.leader, legs: [
                    LeaderTrade.Leg(tokenID: token, side: .buy, size: .whole(Int64(n)), price: Venue.price("0.50")),
                    LeaderTrade.Leg(tokenID: token, side: .buy, size: .whole(Int64(n)), price: Venue.price("0.51")),
                ]))
                hashes.append(try #require(fills.first).transactionHash)
                harness.clock.advance(by: .seconds(1))
            }
            let all = try await harness.feed.fills(of: Self.leader, since: times[0])
            #expect(all.map(\.fill.transactionHash) == hashes.flatMap { [$0, $0] })
            #expect(zip(all, all.dropFirst()).allSatisfy { $0.fill.occurredAt <= $1.fill.occurredAt })

            let fromSecond = try await harness.feed.fills(of: Self.leader, since: times[1])
            #expect(fromSecond.map(\.identity) == Array(all.dropFirst(2)).map(\.identity))
            let justAfterSecond = try await harness.feed.fills(of: Self.leader, since: times[1] + .milliseconds(1))
            #expect(justAfterSecond.map(\.identity) == Array(all.suffix(2)).map(\.identity))
            let later = try await harness.feed.fills(of: Self.leader, since: harness.clock.now())
            #expect(later.isEmpty)
            #expect(try await harness.feed.fills(of: Self.otherLeader, since: times[0]).isEmpty)
        },
        .init("live fills arrive for watched leaders only, in order, with the polling identities") { harness async throws in
            let (_, token) = try await Venue.market("feed-live", on: harness)
            let start = harness.clock.now()
            let stream = harness.feed.liveFills(of: [Self.leader])
            // A stream over a real socket subscribes asynchronously: trade once it has.
            for _ in 0..<5_000 where try await harness.control.liveStreams() == 0 {
                try await Task.sleep(for: .milliseconds(1))
            }
            func buy(_ leader: WalletAddress, _ size: Int64) async throws {
                _ = try await harness.control.leaderTrade(LeaderTrade(leader: leader, legs: [
                    LeaderTrade.Leg(tokenID: token, side: .buy, size: .whole(size), price: Venue.price("0.50")),
                ]))
            }
            try await buy(Self.leader, 1)
            try await buy(Self.otherLeader, 2)
            try await buy(Self.leader, 3)
            var received: [ObservedFill] = []
            for try await fill in stream {
                received.append(fill)
                if received.count == 2 { break }
            }
            #expect(received.map(\.fill.size) == [.whole(1), .whole(3)])
            #expect(received.allSatisfy { $0.fill.leaderAddress == Self.leader })
            let polled = try await harness.feed.fills(of: Self.leader, since: start)
            #expect(received.map(\.identity) == polled.map(\.identity))
        },
        .init("positions follow the leader's buys and sells") { harness async throws in
            let (market, token) = try await Venue.market("feed-positions", on: harness)
            _ = try await harness.control.leaderTrade(LeaderTrade(leader: Self.leader, legs: [
                LeaderTrade.Leg(tokenID: token, side: .buy, size: .whole(10), price: Venue.price("0.40")),
            ]))
            _ = try await harness.control.leaderTrade(LeaderTrade(leader: Self.leader, legs: [
                LeaderTrade.Leg(tokenID: token, side: .sell, size: .whole(4), price: Venue.price("0.45")),
            ]))
            let positions = try await harness.feed.positions(of: Self.leader)
            let position = try #require(positions.first { $0.tokenID == token })
            #expect(position.shares == .whole(6) && position.conditionID == market.conditionID)
            #expect(!position.redeemable && !position.negRisk)

            _ = try await harness.control.leaderTrade(LeaderTrade(leader: Self.leader, legs: [
                LeaderTrade.Leg(tokenID: token, side: .sell, size: .whole(6), price: Venue.price("0.45")),
            ]))
            let after = try await harness.feed.positions(of: Self.leader)
            #expect(after.allSatisfy { $0.tokenID != token || $0.shares == .zero })
            #expect(try await harness.feed.positions(of: Self.otherLeader).isEmpty)
        },
        .init("a resolved market's positions are redeemable") { harness async throws in
            let (market, token) = try await Venue.market("feed-redeemable", on: harness)
            _ = try await harness.control.leaderTrade(LeaderTrade(leader: Self.leader, legs: [
                LeaderTrade.Leg(tokenID: token, side: .buy, size: .whole(10), price: Venue.price("0.40")),
            ]))
            try await harness.control.resolve(conditionID: market.conditionID, winningToken: token)
            let position = try #require(try await harness.feed.positions(of: Self.leader).first)
            #expect(position.tokenID == token && position.redeemable)
        },
    ] }
}
