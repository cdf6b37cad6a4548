import Kernel
import KernelTesting
import Testing

@Suite struct ExitSizingTests {
    let five = Shares.whole(5)

    @Test func aPartialSellIsTheLeadersFractionDownToTheShareStep() {
        // The leader sells 30 of 90: a third of 20.00 is 6.666…, down to 6.66.
        let target = ExitSizing.target(available: .whole(20), leaderSold: .whole(30), leaderBefore: .whole(90),
                                       minOrderSize: self.five)
        #expect(target == Shares(baseUnits: 6_660_000))
    }

    @Test func aFullOrUntrackedExitSellsEverything() {
        let available = Shares(baseUnits: 18_860_000)
        for before in [Shares.whole(100), .whole(50), .zero] as [Shares?] + [nil] {
            let target = ExitSizing.target(available: available, leaderSold: .whole(100), leaderBefore: before,
                                           minOrderSize: self.five)
            #expect(target == available, "leader before: \(String(describing: before))")
        }
    }

    @Test func aRemainderTooSmallToSellLaterIsSoldNow() {
        // 80% of 20 leaves 4, under the 5-share minimum: sell all 20.
        let target = ExitSizing.target(available: .whole(20), leaderSold: .whole(80), leaderBefore: .whole(100),
                                       minOrderSize: self.five)
        #expect(target == .whole(20))
    }

    @Test func onlyWholeHundredthsAreSoldAndTheDustStays() {
        // 18.849 held: a full exit sells the 18.84 an order can carry; half of that is 9.42.
        let held = Shares(baseUnits: 18_849_000)
        #expect(ExitSizing.target(available: held, leaderSold: .whole(100), leaderBefore: .whole(100),
                                  minOrderSize: self.five) == Shares(baseUnits: 18_840_000))
        #expect(ExitSizing.target(available: held, leaderSold: .whole(50), leaderBefore: .whole(100),
                                  minOrderSize: self.five) == Shares(baseUnits: 9_420_000))
        // Dust alone is nothing to sell.
        #expect(ExitSizing.target(available: Shares(baseUnits: 9_000), leaderSold: .whole(1), leaderBefore: nil,
                                  minOrderSize: self.five) == .zero)
        #expect(Shares(baseUnits: 18_849_000).orderable == Shares(baseUnits: 18_840_000))
    }

    @Test func nothingHeldSellsNothing() {
        #expect(ExitSizing.target(available: .zero, leaderSold: .whole(1), leaderBefore: .whole(2), minOrderSize: self.five) == .zero)
    }

    @Test func theLimitIsTheBidLessTheGuardUpToTheTickAndNeverBelowOneTick() {
        let cent = Price(baseUnits: 10_000)
        #expect(ExitSizing.limitPrice(bestBid: Price(baseUnits: 490_000), maxSellSlippage: Price(baseUnits: 50_000), tick: cent)
                == Price(baseUnits: 440_000))
        // 0.4875 − 0.05 = 0.4375 rounds up to the 0.001 tick: 0.438.
        #expect(ExitSizing.limitPrice(bestBid: Price(baseUnits: 487_500), maxSellSlippage: Price(baseUnits: 50_000),
                                      tick: Price(baseUnits: 1_000)) == Price(baseUnits: 438_000))
        #expect(ExitSizing.limitPrice(bestBid: Price(baseUnits: 30_000), maxSellSlippage: Price(baseUnits: 50_000), tick: cent)
                == cent)
    }
}

@Suite struct LedgerTests {
    let start = Position(profileID: ProfileID("p"), tokenID: .fixture(1), conditionID: "0xc", updatedAt: .fixture)

    @Test func buyingAddsSharesAndCostIncludingFees() {
        let position = self.start.bought(.whole(10), notional: .dollars(5), fee: Collateral(baseUnits: 120_000), at: .fixture)
        #expect(position.shares == .whole(10))
        #expect(position.costBasis == Collateral(baseUnits: 5_120_000))
        #expect(position.averageCost == Price(baseUnits: 512_000))
        #expect(position.unrealizedPnL(atMid: Price(baseUnits: 600_000)) == Collateral(baseUnits: 880_000))
    }

    @Test func sellingReleasesProportionalCostAndRealizesTheDifference() {
        let held = self.start.bought(.whole(10), notional: .dollars(5), fee: .zero, at: .fixture)
        let sold = held.sold(.whole(4), notional: Collateral(baseUnits: 2_800_000), fee: Collateral(baseUnits: 20_000),
                             at: .fixture)
        #expect(sold.shares == .whole(6))
        #expect(sold.costBasis == .dollars(3))
        #expect(sold.realizedPnL == Collateral(baseUnits: 780_000))   // 2.80 − 0.02 fee − 2.00 released
    }

    @Test func sellingMoreThanHeldBooksOnlyTheHeldShares() {
        let held = self.start.bought(.whole(2), notional: .dollars(1), fee: .zero, at: .fixture)
        let sold = held.sold(.whole(5), notional: Collateral(baseUnits: 2_500_000), fee: .zero, at: .fixture)
        #expect(sold.shares == .zero)
        #expect(sold.costBasis == .zero)
        #expect(sold.realizedPnL == Collateral(baseUnits: 1_500_000))
        #expect(sold.averageCost == nil)
    }
}
