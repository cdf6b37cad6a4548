import Ethereum
public import Kernel

extension FakeVenue {
    /// A venue that looks alive with no configuration (`mirror serve`'s default): eight markets
    /// with stocked books — binary ones on every tick size, one with a taker fee, and a neg-risk
    /// event of three markets — and `leaderCount` simulated leaders, each already holding a
    /// position and trading about every `tradeEvery` once the venue steps (``run(every:clock:)``).
    /// Everything follows from `seed`.
    public static func demo(seed: UInt64 = 1, wallClock: WallClock, leaderCount: Int = 3,
                            tradeEvery: Duration = .seconds(5), configuration: Configuration = Configuration()) -> FakeVenue {
        var state = VenueState(seed: seed)
        state.stockDemo(now: wallClock.now(), leaderCount: leaderCount, tradeEvery: tradeEvery)
        return FakeVenue(state: state, wallClock: wallClock, configuration: configuration)
    }
}

extension VenueState {
    static let demoLabels = ["Whale", "Sniper", "Grinder", "Contrarian", "Insider", "Degen"]

    mutating func stockDemo(now: Timestamp, leaderCount: Int, tradeEvery: Duration) {
        let inAWeek = now + .seconds(7 * 24 * 3600)
        let cent = Price(baseUnits: 10_000)
        let specs: [FakeMarketSpec] = [
            FakeMarketSpec(slug: "will-it-rain-in-lisbon-tomorrow", tickSize: cent, endsAt: now + .seconds(24 * 3600),
                           simulatedMidpoints: [Price(baseUnits: 420_000), Price(baseUnits: 580_000)]),
            FakeMarketSpec(slug: "btc-above-100k-on-friday", tickSize: cent,
                           takerFee: FeeSchedule(rate: Ratio(baseUnits: 20_000), exponent: 1), endsAt: inAWeek,
                           simulatedMidpoints: [Price(baseUnits: 630_000), Price(baseUnits: 370_000)]),
            FakeMarketSpec(slug: "fed-cuts-rates-in-march", tickSize: Price(baseUnits: 1_000), endsAt: inAWeek,
                           simulatedMidpoints: [Price(baseUnits: 137_000), Price(baseUnits: 863_000)]),
            FakeMarketSpec(slug: "coin-flip-lands-heads", tickSize: Price(baseUnits: 100_000), endsAt: inAWeek,
                           simulatedMidpoints: [Price(baseUnits: 500_000), Price(baseUnits: 500_000)]),
            FakeMarketSpec(slug: "gold-closes-above-3000", tickSize: Price(baseUnits: 100), endsAt: inAWeek,
                           simulatedMidpoints: [Price(baseUnits: 831_200), Price(baseUnits: 168_800)]),
            FakeMarketSpec(slug: "eurovision-2026-winner-sweden", tickSize: cent, negRisk: true, endsAt: inAWeek,
                           simulatedMidpoints: [Price(baseUnits: 450_000), Price(baseUnits: 550_000)], eventSlug: "eurovision-2026-winner"),
            FakeMarketSpec(slug: "eurovision-2026-winner-italy", tickSize: cent, negRisk: true, endsAt: inAWeek,
                           simulatedMidpoints: [Price(baseUnits: 300_000), Price(baseUnits: 700_000)], eventSlug: "eurovision-2026-winner"),
            FakeMarketSpec(slug: "eurovision-2026-winner-ukraine", tickSize: cent, negRisk: true, endsAt: inAWeek,
                           simulatedMidpoints: [Price(baseUnits: 200_000), Price(baseUnits: 800_000)], eventSlug: "eurovision-2026-winner"),
        ]
        for spec in specs {
            // The specs above are valid by construction.
            _ = try? self.listMarket(spec)
        }
        self.listQuickRound(now: now)

        let tokens = self.marketOrder.compactMap { self.markets[$0] }.flatMap(\.tokenIDs)
        for index in 0..<max(leaderCount, 0) {
            let address = Self.demoLeaderAddress(seed: self.seed, index: index)
            let label = Self.demoLabels[index % Self.demoLabels.count]
            let every = tradeEvery + .milliseconds(tradeEvery.wholeMilliseconds * Int64(index) / 2)
            self.addSimulatedLeader(address, label: label, tradeEvery: every, now: now)
            if let tokenID = tokens.isEmpty ? nil : self.random.pick(tokens) {
                let shares = Shares.whole(Int64.random(in: 50...200, using: &self.random))
                let price = self.midpoints[tokenID] ?? Price(baseUnits: 500_000)
                self.addShares(address, tokenID, shares, cost: shares.value(at: price, rounding: .up))
            }
        }
    }

    /// The `index`-th demo leader's wallet for `seed`.
    static func demoLeaderAddress(seed: UInt64, index: Int) -> WalletAddress {
        let hash = Keccak256.hash(utf8: "fake-leader|\(seed)|\(index)")
        do {
            return WalletAddress(try Address(bytes: hash.suffix(20)))
        } catch {
            preconditionFailure("20 hash bytes did not make an address: \(error)")
        }
    }
}

extension VenueState {
    /// The slug prefix of the demo's short markets, which resolve on their own so the local
    /// demo shows the whole money path: each lives `quickRoundLength`; the first simulated leader
    /// (the one the demo profile follows) buys the round's favourite on its first turn and holds
    /// it; no one else trades it, so the favourite stays the favourite and wins when the round
    /// resolves, and the next round is listed. A follower who copied that buy is paid out.
    static let quickRoundPrefix = "quick-round-"
    static let quickRoundLength: Duration = .seconds(3 * 60)
    /// The favourite's and the other outcome's opening midpoints.
    static let quickRoundMidpoints = [Price(baseUnits: 550_000), Price(baseUnits: 450_000)]

    mutating func listQuickRound(now: Timestamp) {
        let round = self.marketOrder.compactMap { self.markets[$0] }.filter(\.isQuickRound).count + 1
        _ = try? self.listMarket(FakeMarketSpec(
            slug: "\(Self.quickRoundPrefix)\(round)-will-the-next-block-be-even", tickSize: Price(baseUnits: 10_000),
            endsAt: now + Self.quickRoundLength, simulatedMidpoints: Self.quickRoundMidpoints))
    }

    /// The leader that opens every quick round: the first of `FakeVenue.simulatedLeaders()`,
    /// which the local demo's profile follows.
    var quickRoundOpener: WalletAddress? {
        self.leaders.filter { $0.value.tradeEvery != nil }.keys.min()
    }

    /// The opener's buy of the open quick round's favourite, once per round (it never sells it).
    mutating func quickRoundOpening(for leader: WalletAddress) -> [FakeLeg]? {
        guard leader == self.quickRoundOpener,
              let round = self.marketOrder.compactMap({ self.markets[$0] })
                  .first(where: { $0.isQuickRound && $0.acceptingOrders && !$0.resolved }),
              round.tokenIDs.allSatisfy({ (self.holdings[leader]?[$0]?.shares ?? .zero) == .zero }),
              let favourite = round.tokenIDs.max(by: { (self.midpoints[$0] ?? .zero) < (self.midpoints[$1] ?? .zero) })
        else { return nil }
        let ask = self.liquidity[favourite]?.asks.first?.price
            ?? Self.snapped((self.midpoints[favourite] ?? Price(baseUnits: 500_000)) + round.tickSize, tick: round.tick)
        return [FakeLeg(tokenID: favourite, side: .buy, size: .whole(Int64.random(in: 40...120, using: &self.random)), price: ask)]
    }

    /// Resolves every simulated market whose end has passed (the outcome the book favours wins,
    /// a coin flip on a tie) and lists the next quick round when one ended. Markets created by
    /// tests (no simulated liquidity) are only ever resolved when told.
    mutating func resolveEndedSimulatedMarkets(now: Timestamp) {
        let ended = self.marketOrder.compactMap { self.markets[$0] }
            .filter { $0.simulatedLiquidity && !$0.resolved && ($0.endsAt.map { $0 <= now } ?? false) }
        for market in ended {
            let ranked = market.tokenIDs.map { ($0, self.midpoints[$0] ?? .zero) }
            let best = ranked.map(\.1).max() ?? .zero
            let favourites = ranked.filter { $0.1 == best }.map(\.0)
            guard let winner = favourites.count == 1 ? favourites.first : self.random.pick(favourites) else { continue }
            try? self.resolve(conditionID: market.conditionID, winningToken: winner)
            if market.isQuickRound { self.listQuickRound(now: now) }
        }
    }
}

extension FakeMarket {
    /// One of the demo's self-resolving quick rounds.
    var isQuickRound: Bool { self.slug.hasPrefix(VenueState.quickRoundPrefix) && self.simulatedLiquidity }
}
