import PolymarketProtocol
import Testing

@Suite struct TakerFeeTests {
    private func decimal(_ text: String) throws -> ExactDecimal { try #require(ExactDecimal(text)) }

    @Test func feeIsSharesTimesRateTimesPriceVariance() throws {
        let fee = try TakerFee(rate: decimal("0.02"), exponent: 1)
        // 100 shares × 0.02 × 0.5 × 0.5 = $0.50.
        #expect(try fee.fee(shares: 100_000_000, price: decimal("0.5")) == 500_000)
        // Exponent 2: 100 × 0.02 × 0.0625 = $0.125.
        let squared = try TakerFee(rate: decimal("0.02"), exponent: 2)
        #expect(try squared.fee(shares: 100_000_000, price: decimal("0.5")) == 125_000)
        #expect(try TakerFee.free.fee(shares: 100_000_000, price: decimal("0.5")) == 0)
    }

    @Test func fractionsOfABaseUnitRoundUpSoBudgetsNeverFallShort() throws {
        let fee = try TakerFee(rate: decimal("0.02"), exponent: 1)
        // 1 unit × 0.005 = 0.005 units → 1.
        #expect(try fee.fee(shares: 1, price: decimal("0.5")) == 1)
    }

    @Test func parametersAndPricesAreChecked() throws {
        #expect(throws: TakerFeeError.negativeRate) { try TakerFee(rate: decimal("-0.01"), exponent: 1) }
        #expect(throws: TakerFeeError.unsupportedExponent(-1)) { try TakerFee(rate: decimal("0.01"), exponent: -1) }
        let fee = try TakerFee(rate: decimal("0.02"), exponent: 1)
        for price in ["0", "1", "1.5"] {
            #expect(throws: TakerFeeError.priceOutOfRange(try decimal(price))) {
                try fee.fee(shares: 1, price: decimal(price))
            }
        }
    }

    @Test func buyAmountShrinksOnlyWhenFeesWouldBreakTheBudget() throws {
        let fee = try TakerFee(rate: decimal("0.02"), exponent: 1)
        let price = try decimal("0.5")
        // Plenty of room: keep the amount.
        #expect(try fee.affordableBuyAmount(amount: 50_000_000, maxSpend: 100_000_000, price: price) == 50_000_000)
        // No room: 100 / (1 + 0.005 / 0.5) = 99.00990099… → 99 009 900 units.
        let spend = try fee.affordableBuyAmount(amount: 100_000_000, maxSpend: 100_000_000, price: price)
        #expect(spend == 99_009_900)
        let shares = spend * 2 // at 0.5
        #expect(spend + (try fee.fee(shares: shares, price: price)) <= 100_000_000)
        // A builder fee of 1% shrinks it further.
        let withBuilder = try fee.affordableBuyAmount(
            amount: 100_000_000, maxSpend: 100_000_000, price: price, builderTakerRate: decimal("0.01"))
        #expect(withBuilder == 98_039_215)
    }
}
