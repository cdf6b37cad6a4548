import PolymarketProtocol
import Testing

/// Rules of spec §5.3–5.4 that the vectors leave open: the rounding table, price validation,
/// minimum precision and the direction of every rounding.
@Suite struct OrderAmountsTests {
    private func decimal(_ text: String) throws -> ExactDecimal { try #require(ExactDecimal(text)) }

    @Test(arguments: [
        (TickSize.tenth, 1, 3), (.hundredth, 2, 4), (.fiveThousandths, 3, 5),
        (.twentyFiveTenThousandths, 4, 6), (.thousandth, 3, 5), (.tenThousandth, 4, 6),
    ])
    func roundingTableOfSection5_3(tick: TickSize, price: Int, amount: Int) {
        #expect(tick.priceDecimals == price)
        #expect(tick.sizeDecimals == 2)
        #expect(tick.amountDecimals == amount)
    }

    /// `value` is written out per case rather than parsed; it must still equal the spelling.
    @Test(arguments: TickSize.allCases)
    func tickValueIsItsRawSpelling(tick: TickSize) {
        #expect(tick.value == ExactDecimal(tick.rawValue))
        #expect(tick.value.description == tick.rawValue)
    }

    @Test func ticksParseAsTheAPIsSpellThem() {
        #expect(TickSize(parsing: "0.010") == .hundredth)
        #expect(TickSize(parsing: "0.0001") == .tenThousandth)
        #expect(TickSize(parsing: "0.02") == nil)
        #expect(TickSize(parsing: "one cent") == nil)
    }

    @Test(arguments: ["0.555", "0.505", "0.015"])
    func limitPriceOffTheTickIsRejected(price: String) throws {
        let price = try decimal(price)
        #expect(throws: OrderAmountsError.priceOffTick(price: price, tick: .hundredth)) {
            try OrderAmounts.limit(side: .buy, price: price, size: ExactDecimal(10), tick: .hundredth)
        }
    }

    @Test(arguments: ["0", "1", "0.995", "1.01", "-0.5", "0.0099"])
    func limitPriceOutsideTickToOneMinusTickIsRejected(price: String) throws {
        let price = try decimal(price)
        #expect(throws: OrderAmountsError.priceOutOfRange(price: price, tick: .hundredth)) {
            try OrderAmounts.limit(side: .sell, price: price, size: ExactDecimal(10), tick: .hundredth)
        }
    }

    @Test func limitPricesAtTheEdgesOfTheGridAreAccepted() throws {
        let lowest = try OrderAmounts.limit(side: .buy, price: decimal("0.01"), size: ExactDecimal(1), tick: .hundredth)
        #expect(lowest == OrderAmounts(makerAmount: 10_000, takerAmount: 1_000_000))
        let highest = try OrderAmounts.limit(side: .buy, price: decimal("0.99"), size: ExactDecimal(1), tick: .hundredth)
        #expect(highest == OrderAmounts(makerAmount: 990_000, takerAmount: 1_000_000))
        // 0.125 is on the 0.005 grid though it has three decimals.
        let fine = try OrderAmounts.limit(side: .sell, price: decimal("0.125"), size: decimal("8"), tick: .fiveThousandths)
        #expect(fine == OrderAmounts(makerAmount: 8_000_000, takerAmount: 1_000_000))
    }

    @Test func sizeIsFlooredToTwoDecimalsNeverRoundedUp() throws {
        let amounts = try OrderAmounts.limit(side: .sell, price: decimal("0.5"), size: decimal("10.999"), tick: .hundredth)
        #expect(amounts.makerAmount == 10_990_000)
        #expect(amounts.takerAmount == 5_495_000)
    }

    @Test func sizesBelowTheMinimumPrecisionAreRefused() throws {
        #expect(throws: OrderAmountsError.roundsToZero(try decimal("0.009"))) {
            try OrderAmounts.limit(side: .buy, price: decimal("0.5"), size: decimal("0.009"), tick: .hundredth)
        }
        #expect(throws: OrderAmountsError.notPositive(.zero)) {
            try OrderAmounts.limit(side: .buy, price: decimal("0.5"), size: .zero, tick: .hundredth)
        }
        #expect(throws: OrderAmountsError.notPositive(try decimal("-5"))) {
            try OrderAmounts.market(side: .sell, worstPrice: decimal("0.5"), amount: decimal("-5"), tick: .hundredth)
        }
        #expect(throws: OrderAmountsError.roundsToZero(try decimal("0.004"))) {
            try OrderAmounts.market(side: .buy, worstPrice: decimal("0.5"), amount: decimal("0.004"), tick: .hundredth)
        }
    }

    @Test func marketWorstPriceIsFlooredToThePriceDecimals() throws {
        // 0.559 floors to 0.55 (V2; V1 rounded to nearest, which would give 0.56).
        let floored = try OrderAmounts.market(side: .sell, worstPrice: decimal("0.559"), amount: ExactDecimal(100), tick: .hundredth)
        #expect(floored == OrderAmounts(makerAmount: 100_000_000, takerAmount: 55_000_000))
    }

    @Test(arguments: ["0.009", "0", "1", "1.5"])
    func marketWorstPriceOutsideTheRangeAfterFlooringIsRefused(price: String) throws {
        let price = try decimal(price)
        #expect(throws: OrderAmountsError.priceOutOfRange(price: price, tick: .hundredth)) {
            try OrderAmounts.market(side: .buy, worstPrice: price, amount: ExactDecimal(10), tick: .hundredth)
        }
    }

    @Test func marketBuySharesAreRoundedDownSoThePriceNeverDropsBelowTheLimit() throws {
        // 10 / 0.3 = 33.333…: shares floor to 33.333 (tick 0.1 → 3 decimals), so the order's
        // implied price 10 / 33.333 stays at or above 0.3.
        let amounts = try OrderAmounts.market(side: .buy, worstPrice: decimal("0.3"), amount: ExactDecimal(10), tick: .tenth)
        #expect(amounts == OrderAmounts(makerAmount: 10_000_000, takerAmount: 33_333_000))
        // 1 / 0.7 = 1.428571…, six decimals at tick 0.0001.
        let fine = try OrderAmounts.market(side: .buy, worstPrice: decimal("0.7"), amount: ExactDecimal(1), tick: .tenThousandth)
        #expect(fine == OrderAmounts(makerAmount: 1_000_000, takerAmount: 1_428_571))
    }

    @Test func marketBuyAmountIsFlooredToCents() throws {
        let amounts = try OrderAmounts.market(side: .buy, worstPrice: decimal("0.5"), amount: decimal("10.019"), tick: .hundredth)
        #expect(amounts == OrderAmounts(makerAmount: 10_010_000, takerAmount: 20_020_000))
    }

    @Test func amountsBeyondSixtyFourBitsAreRefused() throws {
        #expect(throws: OrderAmountsError.tooLarge) {
            try OrderAmounts.limit(side: .sell, price: decimal("0.5"), size: decimal("100000000000000000"), tick: .hundredth)
        }
    }
}
