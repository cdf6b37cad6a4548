import Kernel
import KernelTesting
import Testing

@Suite struct EntrySizingTests {
    /// A $10 fixed entry at a 0.50 limit on a deep, fee-free book with a $1,000 balance.
    func sizing(
        _ sizing: Sizing = .fixedUSD(.dollars(10)), limits: CopyLimits = CopyLimits(),
        leaderNotional: Collateral = .dollars(100), balance: Collateral = .dollars(1_000),
        exposure: EntrySizing.Exposure = .init(market: .zero, total: .zero, today: .zero),
        limit: Price = Price(baseUnits: 500_000), fee: FeeSchedule = .free, depth: Shares = .whole(10_000),
        minOrderSize: Shares = .whole(5)
    ) -> EntrySizing {
        EntrySizing(sizing: sizing, limits: limits, leaderNotional: leaderNotional, balance: balance, exposure: exposure,
                    limitPrice: limit, feePrice: limit, fee: fee, depth: depth, minOrderSize: minOrderSize)
    }

    @Test func fixedUSDBuysWhatTheAmountPaysAtTheLimit() {
        #expect(self.sizing().evaluate() == .buy(shares: .whole(20), cost: .dollars(10)))
    }

    @Test func proportionalScalesTheLeadersNotional() {
        let outcome = self.sizing(.proportional(Ratio(baseUnits: 250_000)), leaderNotional: .dollars(40)).evaluate()
        #expect(outcome == .buy(shares: .whole(20), cost: .dollars(10)))
    }

    @Test func percentOfBalanceScalesTheBalance() {
        let outcome = self.sizing(.percentOfBalance(Ratio(baseUnits: 10_000)), balance: .dollars(1_000)).evaluate()
        #expect(outcome == .buy(shares: .whole(20), cost: .dollars(10)))
    }

    @Test func theTakerFeeIsPartOfTheCostAndShrinksTheSize() {
        // 10% rate at p = 0.5: fee per share = 0.1 × 0.25 = 0.025, so a share costs 0.525.
        let fee = FeeSchedule(rate: Ratio(baseUnits: 100_000), exponent: 1)
        let outcome = self.sizing(fee: fee).evaluate()
        guard case .buy(let shares, let cost) = outcome else { Issue.record("expected a buy, got \(outcome)"); return }
        #expect(shares == Shares(baseUnits: 19_040_000))    // floor to 0.01 of 10 / 0.525 = 19.047…
        #expect(cost <= .dollars(10))
        #expect(cost == Collateral(baseUnits: 9_520_000 + 476_000))
    }

    @Test(arguments: [
        (CopyLimits(maxPerTrade: .dollars(5)), Shares.whole(10)),
        (CopyLimits(maxPerMarket: .dollars(8)), Shares.whole(12)),    // $2 already in this market
        (CopyLimits(totalBudget: .dollars(10)), Shares.whole(6)),     // $7 already in total
        (CopyLimits(dailySpend: .dollars(4)), Shares.whole(6)),       // $1 spent today
    ])
    func capsOnlyReduce(_ limits: CopyLimits, _ expected: Shares) {
        let exposure = EntrySizing.Exposure(market: .dollars(2), total: .dollars(7), today: .dollars(1))
        let outcome = self.sizing(limits: limits, exposure: exposure).evaluate()
        #expect(outcome == .buy(shares: expected, cost: expected.value(at: Price(baseUnits: 500_000))))
    }

    @Test func aCapAboveTheSizeChangesNothing() {
        let outcome = self.sizing(limits: CopyLimits(maxPerTrade: .dollars(500), dailySpend: .dollars(500))).evaluate()
        #expect(outcome == .buy(shares: .whole(20), cost: .dollars(10)))
    }

    @Test func aSpentCapSkipsWithCapReached() {
        let exposure = EntrySizing.Exposure(market: .zero, total: .zero, today: .dollars(50))
        #expect(self.sizing(limits: CopyLimits(dailySpend: .dollars(50)), exposure: exposure).evaluate() == .skip(.capReached))
    }

    @Test func aThinBookReducesToItsDepthOrSkips() {
        #expect(self.sizing(depth: .whole(8)).evaluate() == .buy(shares: .whole(8), cost: .dollars(4)))
        #expect(self.sizing(depth: .whole(4)).evaluate() == .skip(.insufficientDepth))
        #expect(self.sizing(depth: .zero).evaluate() == .skip(.insufficientDepth))
    }

    @Test func theBalanceBoundsTheSize() {
        #expect(self.sizing(balance: .dollars(6)).evaluate() == .buy(shares: .whole(12), cost: .dollars(6)))
        #expect(self.sizing(balance: .dollars(2)).evaluate() == .skip(.insufficientBalance))
    }

    @Test func belowTheExchangeMinimumIsSkipped() {
        #expect(self.sizing(.fixedUSD(.dollars(2))).evaluate() == .skip(.belowExchangeMinimum))
    }

    @Test func anEntryWhoseMarketAmountFloorsToNothingIsSkipped() {
        // 0.01 share at 0.50 is $0.005: a market BUY spends whole cents, so it would spend $0.00.
        let outcome = self.sizing(.fixedUSD(Collateral(baseUnits: 5_000)), minOrderSize: .zero).evaluate()
        #expect(outcome == .skip(.belowExchangeMinimum))
    }

    @Test func anEntryWhoseMarketAmountBuysLessThanTheMinimumIsSkipped() {
        // $2.57 at 0.513 sizes 5.00 shares (5.0097… down to the step); the market BUY spends
        // floor_2(5 × 0.513 = 2.565) = $2.56, which buys 4.990… shares: under the 5-share minimum.
        let outcome = self.sizing(.fixedUSD(Collateral(baseUnits: 2_570_000)), limit: Price(baseUnits: 513_000)).evaluate()
        #expect(outcome == .skip(.belowExchangeMinimum))
        // At $2.58 it sizes 5.02 shares, spends $2.57 and buys 5.0097…: enough.
        let enough = self.sizing(.fixedUSD(Collateral(baseUnits: 2_580_000)), limit: Price(baseUnits: 513_000)).evaluate()
        #expect(enough == .buy(shares: Shares(baseUnits: 5_020_000), cost: Collateral(baseUnits: 2_575_260)))
    }
}

@Suite struct EntryChecksTests {
    let now = Timestamp.fixture
    let tick = Price(baseUnits: 10_000)

    func market(acceptingOrders: Bool = true, resolved: Bool? = false, endsAt: Timestamp? = nil,
                protocolV2: Bool = false) -> MarketInfo {
        MarketInfo(tokenID: .fixture(1), conditionID: "0xc0", slug: "m", outcome: "Yes", tickSize: self.tick,
                   minOrderSize: .whole(5), negRisk: false, acceptingOrders: acceptingOrders, resolved: resolved,
                   endsAt: endsAt, protocolV2: protocolV2)
    }

    func fill(price: Price = Price(baseUnits: 500_000), size: Shares = .whole(100), age: Duration = .seconds(1)) -> LeaderFill {
        LeaderFill(leaderAddress: .fixture(1), transactionHash: "0xabc", tokenID: .fixture(1), conditionID: "0xc0",
                   marketSlug: "m", outcome: "Yes", side: .buy, size: size, price: price,
                   occurredAt: self.now - age, source: .fake)
    }

    func profile(_ status: ProfileStatus = .enabled) -> CopyProfile {
        CopyProfile.fixture(1, status: status)
    }

    @Test func theLimitIsTheLeadersPricePlusSlippageOnTheTick() {
        #expect(EntryChecks.limitPrice(leaderPrice: Price(baseUnits: 505_000), maxSlippage: Price(baseUnits: 30_000),
                                       tick: self.tick) == Price(baseUnits: 530_000))
        #expect(EntryChecks.limitPrice(leaderPrice: Price(baseUnits: 980_000), maxSlippage: Price(baseUnits: 30_000),
                                       tick: self.tick) == Price(baseUnits: 990_000))
    }

    @Test func everyCheckPassesForAFreshInBandFill() {
        let reason = EntryChecks.firstFailure(profile: self.profile(), fill: self.fill(), market: self.market(),
                                              bestAsk: Price(baseUnits: 510_000), now: self.now)
        #expect(reason == nil)
    }

    /// Each case breaks exactly one rule; the reason names it.
    @Test func eachCheckHasItsOwnReason() {
        let ask = Price(baseUnits: 510_000)
        func check(_ profile: CopyProfile? = nil, _ fill: LeaderFill? = nil, _ market: MarketInfo? = nil,
                   ask: Price? = Price(baseUnits: 510_000)) -> SkipReason? {
            EntryChecks.firstFailure(profile: profile ?? self.profile(), fill: fill ?? self.fill(),
                                     market: market ?? self.market(), bestAsk: ask, now: self.now)
        }
        for status in [ProfileStatus.paused, .userPaused, .exitOnly, .stopped] {
            #expect(check(self.profile(status)) == .profileNotActive, "\(status)")
        }
        #expect(check(nil, self.fill(age: .seconds(61))) == .fillTooOld)
        #expect(check(nil, self.fill(size: .whole(1))) == .leaderNotionalTooSmall)   // $0.50 < $1
        #expect(check(nil, nil, self.market(protocolV2: true)) == .unsupportedMarket)
        #expect(check(nil, nil, self.market(acceptingOrders: false)) == .marketClosed)
        #expect(check(nil, nil, self.market(resolved: true)) == .marketClosed)
        #expect(check(nil, nil, self.market(endsAt: self.now + .seconds(299))) == .marketResolvingSoon)
        #expect(check(nil, self.fill(price: Price(baseUnits: 10_000))) == .priceOutOfBand)
        #expect(check(nil, self.fill(price: Price(baseUnits: 990_000))) == .priceOutOfBand)
        #expect(check(ask: Price(baseUnits: 540_000)) == .slippageTooHigh)
        #expect(check(ask: nil) == .insufficientDepth)
        #expect(check(ask: ask) == nil)
    }

    @Test func checksRunInTheDocumentedOrder() {
        // A paused profile with a stale fill in a closed market: the first rule wins.
        let reason = EntryChecks.firstFailure(profile: self.profile(.paused), fill: self.fill(age: .seconds(600)),
                                              market: self.market(acceptingOrders: false), bestAsk: nil, now: self.now)
        #expect(reason == .profileNotActive)
    }
}
