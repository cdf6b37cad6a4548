import Kernel
import Testing

@Suite struct MoneyTests {
    @Test(arguments: [
        ("12.5", 12_500_000),
        ("0.53", 530_000),
        ("0.5300000000000001", 530_000),  // a float-printed price snaps to the value meant
        ("0.52999999999999", 530_000),
        ("1e-3", 1_000),
        ("2.5E2", 250_000_000),
        ("-2.25", -2_250_000),
        ("+3", 3_000_000),
        (".5", 500_000),
        ("5.", 5_000_000),
        ("0", 0),
        ("-0", 0),
        ("0.000001", 1),
        ("0.0000005", 1),  // half away from zero
        ("-0.0000005", -1),
        ("0.00000049", 0),
        ("0.9999995", 1_000_000),
        ("999999999999.999999", 999_999_999_999_999_999),
    ] as [(String, Int64)])
    func parsesSixDecimals(_ text: String, _ baseUnits: Int64) throws {
        let price = try Price(decimal: text)
        #expect(price.baseUnits == baseUnits)
    }

    @Test(arguments: ["", "abc", "1.2.3", "1e", "1e400", "--1", "12a", "0x10", " 1", "1 000", "-", ".", "1000000000000", "1e12"])
    func invalidTextThrowsAnErrorNamingIt(_ text: String) {
        let error = #expect(throws: DecimalParseError.self) { try Collateral(decimal: text) }
        #expect(error?.text == text)
        #expect(error?.description.hasSuffix(": \(text)") == true)
    }

    @Test(arguments: [
        (12_500_000, "12.5"),
        (0, "0"),
        (-500_000, "-0.5"),
        (1, "0.000001"),
        (-1, "-0.000001"),
        (100_000_000, "100"),
        (530_000, "0.53"),
        (1_234_567_890_123, "1234567.890123"),
    ] as [(Int64, String)])
    func formatsWithoutTrailingZerosOrExponent(_ baseUnits: Int64, _ text: String) throws {
        let shares = Shares(baseUnits: baseUnits)
        #expect(shares.description == text)
        let reparsed = try Shares(decimal: shares.description)
        #expect(reparsed == shares)
    }

    @Test func arithmeticStaysInBaseUnits() {
        var total = Collateral.dollars(10)
        total += Collateral(baseUnits: 250_000)
        total -= Collateral(baseUnits: 1)
        #expect(total == Collateral(baseUnits: 10_249_999))
        #expect(-total == Collateral(baseUnits: -10_249_999))
        #expect(Shares.whole(3) > Shares(baseUnits: 2_999_999))
        #expect(Price.one.baseUnits == 1_000_000)
        #expect(Collateral.zero.baseUnits == 0)
    }

    @Test func sharesValueRoundsDownUnlessAskedToRoundUp() {
        let tenShares = Shares.whole(10)
        #expect(tenShares.value(at: Price(baseUnits: 530_000)) == Collateral(baseUnits: 5_300_000))
        // 3 base units × 0.5 = 1.5 base units.
        let odd = Shares(baseUnits: 3)
        #expect(odd.value(at: Price(baseUnits: 500_000)) == Collateral(baseUnits: 1))
        #expect(odd.value(at: Price(baseUnits: 500_000), rounding: .up) == Collateral(baseUnits: 2))
        // 17.850001 × 0.56 = 9.99600056.
        let shares = Shares(baseUnits: 17_850_001)
        #expect(shares.value(at: Price(baseUnits: 560_000)) == Collateral(baseUnits: 9_996_000))
        #expect(shares.value(at: Price(baseUnits: 560_000), rounding: .up) == Collateral(baseUnits: 9_996_001))
        // An exact product is never nudged.
        #expect(Shares.whole(2).value(at: Price(baseUnits: 250_000), rounding: .up) == Collateral(baseUnits: 500_000))
    }

    @Test func largeProductsDoNotOverflow() {
        let shares = Shares(baseUnits: 999_999_999_999_999_999)
        #expect(shares.value(at: Price.one) == Collateral(baseUnits: 999_999_999_999_999_999))
        #expect(shares.value(at: Price(baseUnits: 990_000)) == Collateral(baseUnits: 989_999_999_999_999_999))
    }

    @Test func collateralBuysWholeBaseUnitsOfSharesRoundedDown() {
        // $1 / 0.3 = 3.3333333… shares.
        #expect(Collateral.dollars(1).shares(at: Price(baseUnits: 300_000)) == Shares(baseUnits: 3_333_333))
        // $10 / 0.53 = 18.86792452… shares.
        #expect(Collateral.dollars(10).shares(at: Price(baseUnits: 530_000)) == Shares(baseUnits: 18_867_924))
        // $0.999999 / 0.999999 = exactly 1 share.
        #expect(Collateral(baseUnits: 999_999).shares(at: Price(baseUnits: 999_999)) == Shares.whole(1))
        // Spending what those shares are worth never costs more than the collateral.
        let budget = Collateral(baseUnits: 7_777_777)
        let price = Price(baseUnits: 123_400)
        #expect(budget.shares(at: price).value(at: price) <= budget)
    }

    @Test func scalingByARatioRoundsDown() {
        #expect(Collateral.dollars(100).scaled(by: Ratio(baseUnits: 100_000)) == Collateral.dollars(10))
        #expect(Collateral(baseUnits: 7).scaled(by: Ratio(baseUnits: 500_000)) == Collateral(baseUnits: 3))
        #expect(Collateral(baseUnits: 1_000_001).scaled(by: Ratio(baseUnits: 333_333)) == Collateral(baseUnits: 333_333))
    }

    @Test func sizingKeepsItsModeAndValueInBaseUnits() {
        for mode in Sizing.Mode.allCases {
            let sizing = Sizing(mode: mode, baseUnits: 123_457)
            #expect(sizing.mode == mode)
            #expect(sizing.baseUnits == 123_457)
        }
        #expect(Sizing(mode: .fixedUSD, baseUnits: 5_000_000) == .fixedUSD(.dollars(5)))
    }
}
