import PolymarketProtocol
import Testing

@Suite struct ExactDecimalTests {
    @Test(arguments: [
        ("0.55", "0.55"), ("100", "100"), ("0.430", "0.43"), (".5", "0.5"), ("1.", "1"),
        ("-0.001", "-0.001"), ("0000.0100", "0.01"), ("0.5400000017208633", "0.5400000017208633"), ("-0", "0"),
    ])
    func parsesPlainDecimalsAndPrintsTheShortestSpelling(text: String, printed: String) throws {
        let value = try #require(ExactDecimal(text))
        #expect(value.description == printed)
    }

    @Test(arguments: ["", ".", "-", "abc", "1.2.3", "1e3", " 1", "1,5", "+1", "0x10",
                      "1" + String(repeating: "0", count: 39)])
    func rejectsAnythingElse(text: String) {
        #expect(ExactDecimal(text) == nil)
    }

    @Test func equalValuesAreEqualWhateverTheirSpelling() throws {
        #expect(ExactDecimal("0.50") == ExactDecimal("0.5"))
        #expect(ExactDecimal("0.50")?.hashValue == ExactDecimal("0.5")?.hashValue)
        #expect(try #require(ExactDecimal("0.50")).scale == 1)
        #expect(try #require(ExactDecimal("0.0999")) < #require(ExactDecimal("0.1")))
        #expect(try #require(ExactDecimal("-1")) < .zero)
        #expect(try #require(ExactDecimal("-1.5")) < #require(ExactDecimal("-1.2")))
        // Aligning these two to one scale would need 39 digits; comparison must still work.
        let long = try #require(ExactDecimal("12345678901234567890.123456789012345678"))
        let short = try #require(ExactDecimal("12345678901234567890.1"))
        #expect(short < long)
        #expect(!(long < short))
    }

    @Test(arguments: [
        // value, places, rule, expected
        ("10.129", 2, FloatingPointRoundingRule.down, "10.12"),
        ("10.121", 2, .up, "10.13"),
        ("-10.121", 2, .down, "-10.13"),
        ("-10.129", 2, .up, "-10.12"),
        ("2.5", 0, .toNearestOrEven, "2"),
        ("3.5", 0, .toNearestOrEven, "4"),
        ("2.5", 0, .toNearestOrAwayFromZero, "3"),
        ("-2.5", 0, .towardZero, "-2"),
        ("0.12", 4, .up, "0.12"),
    ])
    func roundsByTheGivenRule(value: String, places: Int, rule: FloatingPointRoundingRule, expected: String) throws {
        let rounded = try #require(ExactDecimal(value)).rounded(toPlaces: places, rule)
        #expect(rounded.description == expected)
    }

    @Test func multipliesExactlyWhereFloatsDoNot() throws {
        // 289.78 × 100 is 28977.999… in binary floating point (spec §5.4).
        let product = try #require(ExactDecimal("289.78")).multiplied(by: ExactDecimal(100))
        #expect(product == ExactDecimal(28978))
        let sum = try #require(ExactDecimal("0.1")).adding(#require(ExactDecimal("0.2")))
        #expect(sum == ExactDecimal("0.3"))
    }

    @Test func divisionReportsWhetherTheQuotientFits() throws {
        let (third, thirdIsExact) = try ExactDecimal(1).divided(by: ExactDecimal(3), places: 4, rounding: .up)
        #expect(third.description == "0.3334")
        #expect(!thirdIsExact)
        let (half, halfIsExact) = try ExactDecimal(1).divided(by: ExactDecimal(2), places: 4, rounding: .down)
        #expect(half.description == "0.5")
        #expect(halfIsExact)
        #expect(throws: ExactDecimalError.divisionByZero) {
            try ExactDecimal(1).divided(by: .zero, places: 2, rounding: .down)
        }
    }

    @Test func overflowThrowsInsteadOfWrapping() throws {
        let huge = try #require(ExactDecimal("1" + String(repeating: "0", count: 30)))
        #expect(throws: ExactDecimalError.overflow) { try huge.multiplied(by: huge) }
        #expect(throws: ExactDecimalError.overflow) {
            try #require(ExactDecimal("0.0000000000000000000001")).power(2)
        }
    }

    @Test func multiplesAndBaseUnits() throws {
        let price = try #require(ExactDecimal("0.125"))
        #expect(price.isMultiple(of: try #require(ExactDecimal("0.005"))))
        #expect(!price.isMultiple(of: try #require(ExactDecimal("0.01"))))
        #expect(price.scaledInteger(decimals: 6) == 125_000)
        #expect(price.scaledInteger(decimals: 2) == nil)
    }
}
