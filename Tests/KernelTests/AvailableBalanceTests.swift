import Kernel
import KernelTesting
import Testing

/// The one definition of "available" (issue #21), checked on exact values.
@Suite struct AvailableBalanceTests {
    let wallet = WalletID("wallet-0001")

    @Test func neverSyncedHasNothingAvailableWhateverIsReserved() {
        let funds = WalletFunds(walletID: self.wallet, syncedBalance: nil, syncedAt: nil)
        #expect(funds.available == .zero)
        #expect(!funds.covers(Collateral(baseUnits: 1)))
    }

    @Test func availableIsBalanceMinusWithdrawalsMinusOpenBuys() {
        let buy = OpenBuy(orderID: .fixture(1), limitPrice: Price(baseUnits: 400_000), shares: .whole(10),
                          filledShares: .whole(5))
        // 5 shares left at 0.4 = 2, fee bound 5 × 0.4 × 0.6 = 1.2.
        #expect(buy.reserved == Collateral(baseUnits: 3_200_000))
        let funds = WalletFunds(walletID: self.wallet, syncedBalance: .dollars(100), syncedAt: .fixture,
                                reservedWithdrawals: [.dollars(30), .dollars(10)], openBuys: [buy])
        #expect(funds.withdrawalsReserved == .dollars(40))
        #expect(funds.available == Collateral(baseUnits: 56_800_000))
        #expect(funds.covers(Collateral(baseUnits: 56_800_000)))
        #expect(!funds.covers(Collateral(baseUnits: 56_800_001)))
        #expect(!funds.covers(.zero), "nothing to reserve is not a spend")
    }

    @Test func overReservedIsZeroNotNegative() {
        let funds = WalletFunds(walletID: self.wallet, syncedBalance: .dollars(10), syncedAt: .fixture,
                                reservedWithdrawals: [.dollars(11)])
        #expect(funds.available == .zero)
    }

    @Test func theFeeBoundIsNeverBelowAnyVenueFee() {
        let rates = [Ratio(baseUnits: 1), Ratio(baseUnits: 20_000), Ratio(baseUnits: 250_000), Ratio(baseUnits: 1_000_000)]
        for price in stride(from: Int64(10_000), through: 990_000, by: 70_000) {
            for rate in rates {
                for exponent in 1...3 {
                    let venue = FeeSchedule(rate: rate, exponent: exponent)
                        .takerFee(shares: .whole(37), price: Price(baseUnits: price))
                    let bound = OpenBuy.feeBound.takerFee(shares: .whole(37), price: Price(baseUnits: price))
                    #expect(venue <= bound)
                }
            }
        }
    }

    @Test func anOverfilledOrderReservesNothing() {
        let buy = OpenBuy(orderID: .fixture(1), limitPrice: Price(baseUnits: 400_000), shares: .whole(1),
                          filledShares: .whole(2))
        #expect(buy.reserved == .zero)
    }

    @Test func releaseCutoffIsOneSettlementLagBeforeTheReading() {
        #expect(WalletFunds.releaseCutoff(syncedAt: .fixture + .seconds(60)) == .fixture)
    }
}

@Suite struct ExactAmountTests {
    @Test(arguments: [("250", 250_000_000), ("99.5", 99_500_000), ("0.000001", 1), (".5", 500_000), ("007", 7_000_000)])
    func accepted(_ text: String, _ units: Int64) {
        #expect(Collateral(exactDecimal: text) == Collateral(baseUnits: units))
    }

    @Test(arguments: ["0.0000005", "1.1234567", "1e3", "-1", "+1", "", ".", "5.", "1,5", "٣", " 1", "1 ", "0x10"])
    func refusedNotRounded(_ text: String) {
        #expect(Collateral(exactDecimal: text) == nil)
    }
}
