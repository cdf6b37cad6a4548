import Kernel

/// A leader wallet the venue reports fills for; simulated leaders also trade on their own.
struct LeaderRecord: Hashable, Sendable {
    var label: String?
    /// Every fill, oldest first.
    var fills: [LeaderFill] = []
    /// How often a simulated leader trades; nil for leaders that trade only when told to.
    var tradeEvery: Duration?
    var nextTradeAt: Timestamp?
}

extension VenueState {
    mutating func addSimulatedLeader(_ address: WalletAddress, label: String?, tradeEvery: Duration, now: Timestamp) {
        var record = self.leaders[address] ?? LeaderRecord()
        record.label = label
        record.tradeEvery = tradeEvery
        record.nextTradeAt = now + self.jittered(tradeEvery)
        self.leaders[address] = record
    }

    /// Records one leader transaction: each leg a fill with the same transaction hash and time.
    /// The leader's holdings follow; resting orders the fills cross are filled.
    mutating func leaderTrade(_ leader: WalletAddress, legs: [FakeLeg], now: Timestamp) throws(VenueError) -> [LeaderFill] {
        guard !legs.isEmpty else { throw .refused(status: 400, message: "a leader trade needs at least one leg") }
        for leg in legs {
            _ = try self.market(of: leg.tokenID)
            guard leg.size.baseUnits > 0, leg.price.baseUnits > 0, leg.price < .one else {
                throw .refused(status: 400, message: "a leg needs a positive size and a price between 0 and 1")
            }
        }
        let transactionHash = fakeHash("fake-tx|\(self.seed)|\(self.nextSerial())")
        var fills: [LeaderFill] = []
        for leg in legs {
            let market = try self.market(of: leg.tokenID)
            let fill = LeaderFill(
                leaderAddress: leader, transactionHash: transactionHash, tokenID: leg.tokenID,
                conditionID: market.conditionID, marketSlug: market.slug, outcome: market.outcome(of: leg.tokenID),
                side: leg.side, size: leg.size, price: leg.price, occurredAt: now, source: .fake)
            switch leg.side {
            case .buy: self.addShares(leader, leg.tokenID, leg.size, cost: leg.size.value(at: leg.price, rounding: .up))
            case .sell: self.removeShares(leader, leg.tokenID, leg.size)
            }
            self.crossRestingOrders(tokenID: leg.tokenID, leaderSide: leg.side, price: leg.price, size: leg.size)
            fills.append(fill)
        }
        self.leaders[leader, default: LeaderRecord()].fills.append(contentsOf: fills)
        return fills
    }

    /// A leader's fills at or after `since`, oldest first, numbered among identical tuples.
    func fills(of leader: WalletAddress, since: Timestamp) -> [ObservedFill] {
        // Numbered over the whole history, so a window never renumbers a transaction.
        let numbered = (self.leaders[leader]?.fills ?? []).countingOccurrences()
        return numbered.enumerated()
            .filter { $0.element.fill.occurredAt >= since }
            .sorted { ($0.element.fill.occurredAt, $0.offset) < ($1.element.fill.occurredAt, $1.offset) }
            .map(\.element)
    }

    /// Lets every simulated leader whose turn has come trade once; returns each transaction's fills.
    mutating func simulateLeaders(now: Timestamp) -> [[LeaderFill]] {
        var transactions: [[LeaderFill]] = []
        for leader in self.leaders.keys.sorted() {
            guard let record = self.leaders[leader], let every = record.tradeEvery,
                  let due = record.nextTradeAt, due <= now
            else { continue }
            let next = now + self.jittered(every)
            self.leaders[leader]?.nextTradeAt = next
            let legs = self.simulatedLegs(for: leader)
            guard !legs.isEmpty, let fills = try? self.leaderTrade(leader, legs: legs, now: now) else { continue }
            self.moveMidpoints(after: legs)
            transactions.append(fills)
        }
        return transactions
    }

    /// `interval` give or take a quarter, so leaders drift apart.
    private mutating func jittered(_ interval: Duration) -> Duration {
        let milliseconds = max(interval.wholeMilliseconds, 1)
        let spread = milliseconds / 4
        return .milliseconds(milliseconds + Int64.random(in: -spread...spread, using: &self.random))
    }

    /// What a simulated leader does now: sell part or all of a holding at the bid (sometimes over
    /// two levels), or buy at the ask — sometimes over two levels, sometimes as twin fills.
    private mutating func simulatedLegs(for leader: WalletAddress) -> [FakeLeg] {
        if let opening = self.quickRoundOpening(for: leader) { return opening }
        // Quick rounds are the opener's alone (see `quickRoundOpening`), so their favourite wins.
        let open = self.marketOrder.compactMap { self.markets[$0] }
            .filter { $0.simulatedLiquidity && $0.acceptingOrders && !$0.resolved && !$0.isQuickRound }
        guard !open.isEmpty else { return [] }
        let openTokens = Set(open.flatMap(\.tokenIDs))
        let held = (self.holdings[leader] ?? [:])
            .filter { openTokens.contains($0.key) && $0.value.shares >= .whole(1) }
            .sorted { $0.key < $1.key }

        if !held.isEmpty, self.random.chance(35) {
            let (tokenID, holding) = self.random.pick(held)
            guard let market = try? self.market(of: tokenID) else { return [] }
            let tick = market.tickSize
            let percent = self.random.pick([25, 50, 100] as [Int64])
            let size = percent == 100
                ? holding.shares
                : Shares(baseUnits: holding.shares.baseUnits * percent / 100 / 10_000 * 10_000)
            guard size.baseUnits > 0 else { return [] }
            let bid = self.liquidity[tokenID]?.bids.first?.price
                ?? Self.snapped((self.midpoints[tokenID] ?? Price(baseUnits: 500_000)) - tick, tick: market.tick)
            let lower = bid - tick
            if self.random.chance(30), size >= .whole(2), lower >= tick {
                let first = Shares(baseUnits: size.baseUnits / 2 / 10_000 * 10_000)
                return [FakeLeg(tokenID: tokenID, side: .sell, size: first, price: bid),
                        FakeLeg(tokenID: tokenID, side: .sell, size: size - first, price: lower)]
            }
            return [FakeLeg(tokenID: tokenID, side: .sell, size: size, price: bid)]
        }

        let market = self.random.pick(open)
        let tokenID = self.random.pick(market.tokenIDs)
        let tick = market.tickSize
        let ask = self.liquidity[tokenID]?.asks.first?.price
            ?? Self.snapped((self.midpoints[tokenID] ?? Price(baseUnits: 500_000)) + tick, tick: market.tick)
        let size = Shares.whole(Int64.random(in: 10...120, using: &self.random))
            + Shares(baseUnits: Int64.random(in: 0...99, using: &self.random) * 10_000)
        let roll = Int.random(in: 0..<100, using: &self.random)
        if roll < 15 {
            let half = Shares(baseUnits: size.baseUnits / 2 / 10_000 * 10_000)
            let twin = FakeLeg(tokenID: tokenID, side: .buy, size: half, price: ask)
            return [twin, twin]
        }
        let higher = ask + tick
        if roll < 35, higher <= Price.one - tick {
            let first = Shares(baseUnits: size.baseUnits / 2 / 10_000 * 10_000)
            return [FakeLeg(tokenID: tokenID, side: .buy, size: first, price: ask),
                    FakeLeg(tokenID: tokenID, side: .buy, size: size - first, price: higher)]
        }
        return [FakeLeg(tokenID: tokenID, side: .buy, size: size, price: ask)]
    }

    /// Buying pushes a token's price up a tick, selling down (half the time), the other outcome
    /// of a binary market mirrors it, and the books are restocked around the new prices.
    private mutating func moveMidpoints(after legs: [FakeLeg]) {
        guard let leg = legs.first, let market = try? self.market(of: leg.tokenID),
              let mid = self.midpoints[leg.tokenID]
        else { return }
        if self.random.chance(50) {
            let tick = market.tickSize
            let moved = leg.side == .buy ? mid + tick : mid - tick
            let bounded = min(max(moved, tick + tick), Price.one - tick - tick)
            self.midpoints[leg.tokenID] = Self.snapped(bounded, tick: market.tick)
            if market.tokenIDs.count == 2, let other = market.tokenIDs.first(where: { $0 != leg.tokenID }) {
                self.midpoints[other] = Self.snapped(Price.one - bounded, tick: market.tick)
            }
        }
        self.restock(market.conditionID)
    }
}
