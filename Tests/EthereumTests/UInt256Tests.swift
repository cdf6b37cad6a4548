import Ethereum
import Foundation
import Testing

@Suite struct UInt256Tests {
    static let maxDecimal = "115792089237316195423570985008687907853269984665640564039457584007913129639935"

    @Test(arguments: ["0", "1", "12345678", "18446744073709551615", "18446744073709551616",
                      "340282366920938463463374607431768211456", maxDecimal])
    func decimalRoundTrips(text: String) throws {
        #expect(try UInt256(decimal: text).decimalString == text)
    }

    /// Decimals are read 19 digits at a time: lengths around the chunk edges, and leading zeros,
    /// must give the value digit-by-digit arithmetic gives.
    @Test(arguments: [18, 19, 20, 37, 38, 39, 57, 76, 77])
    func decimalParsingMatchesDigitByDigitArithmetic(length: Int) throws {
        let text = String((0..<length).map { Character(String((7 * $0 + 3) % 10)) })
        var expected = UInt256.zero
        for digit in text.utf8 { expected = expected * UInt256(10) + UInt256(UInt64(digit - 48)) }
        #expect(try UInt256(decimal: text) == expected)
        #expect(try UInt256(decimal: "000" + text) == expected)
    }

    @Test func maxIsAllOnes() throws {
        let max = try UInt256(decimal: Self.maxDecimal)
        #expect(max == UInt256.max)
        #expect(max.bigEndianBytes == [UInt8](repeating: 0xff, count: 32))
    }

    @Test func rejectsOverflowAndNonDigits() {
        // 2^256 exactly.
        #expect(throws: EthereumError.overflow) {
            try UInt256(decimal: "115792089237316195423570985008687907853269984665640564039457584007913129639936")
        }
        #expect(throws: EthereumError.overflow) { try UInt256(decimal: Self.maxDecimal + "0") }
        for bad in ["", "-1", "1.5", "1e3", " 1", "0x10"] {
            #expect(throws: EthereumError.invalidDecimal) { try UInt256(decimal: bad) }
        }
    }

    @Test func bytesRoundTripBigEndian() throws {
        let value = try UInt256(bigEndianBytes: [0x01, 0x02])
        #expect(value == 258)
        #expect(value.bigEndianBytes == [UInt8](repeating: 0, count: 30) + [0x01, 0x02])
        #expect(value.bigEndianBytes(count: 1) == [0x02])
        #expect(try UInt256(hex: "0x102") == 258)
        #expect(throws: EthereumError.overflow) { try UInt256(bigEndianBytes: [UInt8](repeating: 1, count: 33)) }
    }

    @Test func arithmeticCarriesAcrossLimbsAndReportsOverflow() throws {
        let twoTo64 = try UInt256(decimal: "18446744073709551616")
        #expect(UInt256(UInt64.max) + 1 == twoTo64)
        #expect(twoTo64 - 1 == UInt256(UInt64.max))
        #expect(twoTo64 * twoTo64 == (try UInt256(decimal: "340282366920938463463374607431768211456")))
        #expect(UInt256.max.addingReportingOverflow(1).overflow)
        #expect(UInt256.max.addingReportingOverflow(1).partialValue == 0)
        #expect(UInt256.zero.subtractingReportingOverflow(1).overflow)
        #expect(UInt256.max.multipliedReportingOverflow(by: 2 as UInt64).overflow)
        #expect((twoTo64 * twoTo64 * twoTo64).multipliedReportingOverflow(by: twoTo64).overflow)
        #expect(!(twoTo64 * twoTo64 * twoTo64).multipliedReportingOverflow(by: UInt256(UInt64.max)).overflow)
    }

    @Test func divisionByWordsAndWideValues() throws {
        let big = try UInt256(decimal: "1000000000000000000000000000000000000007")
        let (quotient, remainder) = big.quotientAndRemainder(dividingBy: 1_000_000 as UInt64)
        #expect(quotient.decimalString == "1000000000000000000000000000000000")
        #expect(remainder == 7)
        let divisor = try UInt256(decimal: "100000000000000000000000")  // > 64 bits
        let wide = big.quotientAndRemainder(dividingBy: divisor)
        #expect(wide.quotient.decimalString == "10000000000000000")
        #expect(wide.remainder == 7)
        #expect(wide.quotient * divisor + wide.remainder == big)
    }

    @Test func codesAsDecimalString() throws {
        let json = try JSONEncoder().encode([UInt256.max, 7])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(Self.maxDecimal)\",\"7\"]")
        #expect(try JSONDecoder().decode([UInt256].self, from: json) == [.max, 7])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([UInt256].self, from: Data(#"["-1"]"#.utf8)) }
    }

    @Test func ordersNumerically() throws {
        let twoTo64 = try UInt256(decimal: "18446744073709551616")
        #expect(UInt256(UInt64.max) < twoTo64)
        #expect(!(twoTo64 < twoTo64))
        #expect([twoTo64, 3, 1].sorted() == [1, 3, twoTo64])
        #expect(twoTo64.uint64Value == nil)
        #expect(UInt256(42).uint64Value == 42)
    }
}
