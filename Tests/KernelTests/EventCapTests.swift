import Kernel
import Testing

/// Event-level exposure caps (issue #22), pure: the sizing reduces to the event's room first and
/// skips with `EVENT_CAP_REACHED` only below the venue's minimum.
@Suite struct EventCapSizingTests {
    /// A $10 fixed entry at a 0.50 limit on a deep, fee-free book, $1,000 balance, minimum 5 shares.
    func sizing(_ limits: CopyLimits, event: Collateral?, market: Collateral = .zero) -> EntrySizing {
        let limit = Price(baseUnits: 500_000)
        return EntrySizing(
            sizing: .fixedUSD(.dollars(10)), limits: limits, leaderNotional: .dollars(100), balance: .dollars(1_000),
            exposure: .init(market: market, total: market, today: market, event: event), limitPrice: limit,
            feePrice: limit, fee: .free, depth: .whole(10_000), minOrderSize: .whole(5))
    }

    @Test func theEventCapReducesThenStopsTheSecondOutcome() {
        let limits = CopyLimits(maxPerEvent: .dollars(15))
        // The first outcome: nothing in the event yet, the full $10.
        #expect(self.sizing(limits, event: .zero).evaluate() == .buy(shares: .whole(20), cost: .dollars(10)))
        // The second outcome of the same event, $10 already in it: $5 left buys 10 shares.
        #expect(self.sizing(limits, event: .dollars(10)).evaluate() == .buy(shares: .whole(10), cost: .dollars(5)))
        // $13 in it: $2 buys 4 shares, below the minimum of 5.
        #expect(self.sizing(limits, event: .dollars(13)).evaluate() == .skip(.eventCapReached))
        // Over the cap (e.g. an outcome bought before the cap was lowered): nothing.
        #expect(self.sizing(limits, event: .dollars(20)).evaluate() == .skip(.eventCapReached))
    }

    @Test func aMarketWithoutAnEventIsNotCapped() {
        let limits = CopyLimits(maxPerEvent: .dollars(1))
        #expect(self.sizing(limits, event: nil).evaluate() == .buy(shares: .whole(20), cost: .dollars(10)))
    }

    @Test func theTighterMarketCapKeepsItsOwnReason() {
        let limits = CopyLimits(maxPerMarket: .dollars(12), maxPerEvent: .dollars(100))
        #expect(self.sizing(limits, event: .dollars(10), market: .dollars(10)).evaluate() == .skip(.capReached))
        // A looser market cap cuts to $8 first; the event's room then binds: $2 is below the
        // minimum (event cap's reason), $4 buys 8 shares.
        let both = CopyLimits(maxPerMarket: .dollars(18), maxPerEvent: .dollars(14))
        #expect(self.sizing(both, event: .dollars(12), market: .dollars(10)).evaluate()
                == .skip(.eventCapReached))
        #expect(self.sizing(both, event: .dollars(10), market: .dollars(10)).evaluate()
                == .buy(shares: .whole(8), cost: .dollars(4)))
        #expect(self.sizing(both, event: .dollars(2), market: .dollars(10)).evaluate()
                == .buy(shares: .whole(16), cost: .dollars(8)))
    }

    @Test func theBatchCountsWhatItAlreadyPlannedInTheEvent() throws {
        // Two buys planned in one batch for one profile in two markets of one event: the second
        // sees the first's cost in its event exposure.
        let fanOut = try FanOut.withTenDollarsPlannedInOneEvent()
        let stored = EntrySizing.Exposure(market: .zero, total: .zero, today: .zero)
        let seen = fanOut.exposure(stored, profileID: ProfileID("p-1"), conditionID: "0xb", event: ("one-event", .dollars(3)))
        #expect(seen.event == .dollars(13) && seen.market == .zero)
        #expect(fanOut.exposure(stored, profileID: ProfileID("p-2"), conditionID: "0xb", event: ("one-event", .zero)).event == .zero)
    }
}

extension FanOut {
    /// Tokens 1 (condition 0xa) and 2 (0xb), both in event `one-event`, and a $10 buy of token 1
    /// planned for profile p-1 of user u-1.
    static func withTenDollarsPlannedInOneEvent() throws -> FanOut {
        var fanOut = FanOut(seed: 1)
        let first = try TokenID("1"), second = try TokenID("2")
        for (token, condition) in [(first, "0xa"), (second, "0xb")] {
            let market = MarketInfo(tokenID: token, conditionID: condition, slug: condition, outcome: "Yes",
                                    tickSize: Price(baseUnits: 10_000), minOrderSize: .whole(5), negRisk: true,
                                    eventID: "one-event")
            fanOut.setMarket(.known(MarketBook(market: market, book: OrderBook(
                tokenID: token, bids: [], asks: [], tickSize: Price(baseUnits: 10_000), minOrderSize: .whole(5)))), for: token)
        }
        let zero = Timestamp(epochMilliseconds: 0)
        let attempt = CopyAttempt(
            id: AttemptID("a-1"), profileID: ProfileID("p-1"), userID: UserID("u-1"), leaderEventID: nil, kind: .entry,
            tokenID: first, conditionID: "0xa", dueAt: zero, detectedAt: zero, leaderPrice: nil, createdAt: zero, updatedAt: zero)
        fanOut.planned(OrderIntent(tokenID: first, side: .buy, type: .fok, limitPrice: Price(baseUnits: 500_000), shares: .whole(20)),
                       cost: .dollars(10), attempt: attempt, walletID: WalletID("w-1"))
        return fanOut
    }
}
