import Ethereum
import FakeExchangeAdapter
import FakeExchangeTesting
import Kernel
import KernelTesting
import Testing

@Suite struct FakeVenueDeterminismTests {
    /// A demo venue stepped once a second for `seconds`; `between` runs after every step.
    static func simulate(
        seed: UInt64, seconds: Int,
        between: (FakeVenue, ManualWallClock) async throws -> Void = { _, _ in }
    ) async throws -> (venue: FakeVenue, fills: [ObservedFill]) {
        let clock = ManualWallClock()
        let venue = FakeVenue.demo(seed: seed, wallClock: clock.wallClock, leaderCount: 3, tradeEvery: .seconds(5))
        for _ in 0..<seconds {
            clock.advance(by: .seconds(1))
            await venue.step()
            try await between(venue, clock)
        }
        var fills: [ObservedFill] = []
        for leader in await venue.simulatedLeaders() {
            fills += try await venue.leaderFeed.fills(of: leader.address, since: .fixture)
        }
        return (venue, fills)
    }

    @Test func theSameSeedGivesTheSameMarketsAndLeaderTrades() async throws {
        let (first, firstFills) = try await Self.simulate(seed: 42, seconds: 120)
        let (second, secondFills) = try await Self.simulate(seed: 42, seconds: 120)
        #expect(firstFills.count >= 20)
        #expect(firstFills == secondFills)
        #expect(await first.markets() == second.markets())
    }

    @Test func anotherSeedGivesOtherTrades() async throws {
        let (first, firstFills) = try await Self.simulate(seed: 42, seconds: 60)
        let (second, secondFills) = try await Self.simulate(seed: 43, seconds: 60)
        #expect(firstFills != secondFills)
        #expect(await first.markets().map(\.conditionID) != second.markets().map(\.conditionID))
    }

    @Test func followersTradingDoesNotChangeWhatLeadersDo() async throws {
        let (_, quiet) = try await Self.simulate(seed: 42, seconds: 90)
        let key = PrivateKey.testKey(1)
        var account: TradingAccount?
        let (_, busy) = try await Self.simulate(seed: 42, seconds: 90) { venue, _ in
            if account == nil {
                let opened = try await FakeVenueFixture.openAccount(key: key, type: .depositWallet, on: venue)
                await venue.fund(wallet: opened.funderAddress, amount: .dollars(10_000))
                account = opened
            }
            guard let account, let market = await venue.markets().first, let token = market.tokenIDs.first else { return }
            let book = try await venue.exchange.orderBook(tokenID: token)
            guard let ask = book.bestAsk else { return }
            let prepared = try await venue.exchange.prepareOrder(
                OrderIntent(tokenID: token, side: .buy, type: .fok, limitPrice: ask, shares: .whole(5)),
                account: account, at: venue.wallClock.now())
            let payload = try venue.exchange.signedPayload(
                for: prepared, signature: try key.signatureBytes(over: prepared.digest), account: account)
            let snapshot = try await venue.exchange.submitOrder(payload: payload, orderID: prepared.orderID,
                                                                account: account)
            #expect(snapshot.state == .filled)
        }
        #expect(busy == quiet)
    }

    @Test func simulatedLeadersBuySellSplitAndTwinWithoutOverselling() async throws {
        let clock = ManualWallClock()
        let venue = FakeVenue.demo(seed: 9, wallClock: clock.wallClock, leaderCount: 3, tradeEvery: .seconds(2))
        var held: [WalletAddress: [TokenID: Shares]] = [:]
        for leader in await venue.simulatedLeaders() {
            for position in try await venue.leaderFeed.positions(of: leader.address) {
                held[leader.address, default: [:]][position.tokenID] = position.shares
            }
        }
        for _ in 0..<600 {
            clock.advance(by: .seconds(1))
            await venue.step()
        }
        var fills: [ObservedFill] = []
        for leader in await venue.simulatedLeaders() {
            fills += try await venue.leaderFeed.fills(of: leader.address, since: .fixture)
        }
        #expect(fills.contains { $0.fill.side == .buy })
        #expect(fills.contains { $0.fill.side == .sell })
        #expect(fills.contains { $0.occurrence == 1 }, "twins")
        let transactions = Dictionary(grouping: fills, by: \.fill.transactionHash)
        #expect(transactions.values.contains { Set($0.map(\.fill.price)).count > 1 }, "one transaction over two prices")
        #expect(Set(fills.map(\.fill.leaderAddress)).count == 3)

        // Replaying every leader's fills from its first positions never goes below zero.
        for fill in fills.sorted(by: { $0.fill.occurredAt < $1.fill.occurredAt }) {
            let before = held[fill.fill.leaderAddress]?[fill.fill.tokenID] ?? .zero
            let after = fill.fill.side == .buy ? before + fill.fill.size : before - fill.fill.size
            #expect(after >= .zero, "\(fill.fill.leaderAddress) sold \(fill.fill.size) of \(before)")
            held[fill.fill.leaderAddress, default: [:]][fill.fill.tokenID] = after
        }
        for leader in await venue.simulatedLeaders() {
            for position in try await venue.leaderFeed.positions(of: leader.address) {
                #expect(held[leader.address]?[position.tokenID] == position.shares)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func demoLeadersTradeEveryFewSecondsAndStreamLive() async throws {
        let clock = ManualWallClock()
        let venue = FakeVenue.demo(seed: 1, wallClock: clock.wallClock)
        let leaders = await venue.simulatedLeaders()
        #expect(leaders.count == 3 && leaders.allSatisfy { $0.label != nil })
        let markets = await venue.markets()
        #expect(Set(markets.map(\.tickSize)) == Set([100, 1_000, 10_000, 100_000].map { Price(baseUnits: $0) }))
        #expect(markets.filter(\.negRisk).count == 3)
        #expect(markets.contains { $0.takerFee != .free })
        for market in markets {
            let book = try await venue.exchange.orderBook(tokenID: market.tokenIDs[0])
            let bid = try #require(book.bestBid, "\(market.slug)")
            let ask = try #require(book.bestAsk, "\(market.slug)")
            #expect(bid < ask, "\(market.slug)")
        }

        let stream = venue.leaderFeed.liveFills(of: Set(leaders.map(\.address)))
        for _ in 0..<30 {
            clock.advance(by: .seconds(1))
            await venue.step()
        }
        for leader in leaders {
            let fills = try await venue.leaderFeed.fills(of: leader.address, since: .fixture)
            #expect(Set(fills.map(\.fill.transactionHash)).count >= 2, "\(leader.label ?? "")")
        }
        var iterator = stream.makeAsyncIterator()
        let first = try #require(try await iterator.next())
        #expect(leaders.map(\.address).contains(first.fill.leaderAddress))
    }
}
