/// An unsigned 256-bit integer: Ethereum's `uint256`, used for amounts in base units, token
/// ids, nonces and salts. Arithmetic is exact; the plain operators trap on overflow like
/// Swift's own integers, the `…ReportingOverflow` forms let callers handle it.
public struct UInt256: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Little-endian 64-bit limbs: `limbs.0` holds the lowest bits.
    private var limbs: (UInt64, UInt64, UInt64, UInt64)

    public static let zero = UInt256(0)
    public static let max = UInt256(limbs: (.max, .max, .max, .max))

    private init(limbs: (UInt64, UInt64, UInt64, UInt64)) { self.limbs = limbs }

    public init(_ value: UInt64) { self.limbs = (value, 0, 0, 0) }

    /// Parses a non-negative decimal integer (digits only, no sign, no separators).
    /// Throws ``EthereumError/invalidDecimal`` or, above 2²⁵⁶−1, ``EthereumError/overflow``.
    public init(decimal text: some StringProtocol) throws {
        // Contiguous text (any native String) is parsed from its bytes: a 77-digit token id
        // through the generic UTF-8 view costs a witness call per digit across modules.
        if let value = try text.utf8.withContiguousStorageIfAvailable({ try Self.parseDecimal($0) }) {
            self = value
            return
        }
        self = try Self.parseDecimal(text.utf8)
    }

    /// Reads up to 19 digits at a time into a `UInt64` (10¹⁹ − 1 fits), so a 77-digit token id
    /// costs five 256-bit multiply-adds rather than 77.
    private static func parseDecimal(_ digits: some Collection<UInt8>) throws -> UInt256 {
        guard !digits.isEmpty else { throw EthereumError.invalidDecimal }
        var value = UInt256.zero
        var chunk: UInt64 = 0
        var chunkScale: UInt64 = 1
        func flush() throws {
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: chunkScale)
            let (sum, overflowB) = shifted.addingReportingOverflow(UInt256(chunk))
            guard !overflowA, !overflowB else { throw EthereumError.overflow }
            value = sum
            chunk = 0
            chunkScale = 1
        }
        for character in digits {
            guard character >= UInt8(ascii: "0"), character <= UInt8(ascii: "9") else {
                throw EthereumError.invalidDecimal
            }
            chunk = chunk * 10 + UInt64(character - UInt8(ascii: "0"))
            chunkScale *= 10
            if chunkScale == 10_000_000_000_000_000_000 { try flush() }
        }
        if chunkScale > 1 { try flush() }
        return value
    }

    /// Parses hex with or without `0x`, at most 32 bytes after decoding.
    public init(hex text: some StringProtocol) throws {
        var digits = Substring(text)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        if digits.count % 2 == 1 { digits = "0" + digits }
        try self.init(bigEndianBytes: Hex.decode(digits))
    }

    /// Reads up to 32 big-endian bytes (shorter input is left-padded with zeros).
    /// Throws ``EthereumError/overflow`` if there are more than 32 bytes.
    public init(bigEndianBytes bytes: some Collection<UInt8>) throws {
        guard bytes.count <= 32 else { throw EthereumError.overflow }
        var value = UInt256.zero
        var index = bytes.count - 1
        for byte in bytes {
            value.setByte(at: index, to: byte)
            index -= 1
        }
        self = value
    }

    /// The 32-byte big-endian encoding (an ABI `uint256` word).
    public var bigEndianBytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in 0..<32 { bytes[31 - index] = self.byte(at: index) }
        return bytes
    }

    /// The big-endian encoding in `byteCount` bytes (keeps the low bytes), for packed encodings.
    public func bigEndianBytes(count byteCount: Int) -> [UInt8] {
        precondition((0...32).contains(byteCount), "UInt256 has 32 bytes")
        return Array(self.bigEndianBytes.suffix(byteCount))
    }

    /// Digits are written from the end of a 78-byte buffer (2²⁵⁶ has 78 digits) straight into
    /// the string: no reversed copy (a token id is written into every order body).
    public var decimalString: String {
        if self.isZero { return "0" }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 78) { digits in
            var start = 78
            var rest = self
            while !rest.isZero {
                let (quotient, remainder) = rest.quotientAndRemainder(dividingBy: 10_000_000_000_000_000_000 as UInt64)
                rest = quotient
                var chunk = remainder
                for _ in 0..<19 {
                    start -= 1
                    digits[start] = UInt8(ascii: "0") + UInt8(chunk % 10)
                    chunk /= 10
                    if rest.isZero && chunk == 0 { break }
                }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: digits[start...]), as: UTF8.self)
        }
    }

    public var description: String { self.decimalString }

    public var isZero: Bool { self.limbs == (0, 0, 0, 0) }

    /// The value as `UInt64` when it fits.
    public var uint64Value: UInt64? {
        self.limbs.1 == 0 && self.limbs.2 == 0 && self.limbs.3 == 0 ? self.limbs.0 : nil
    }

    /// Number of significant bits (0 for zero).
    public var bitWidth: Int {
        for index in stride(from: 3, through: 0, by: -1) where self[limb: index] != 0 {
            return index * 64 + 64 - self[limb: index].leadingZeroBitCount
        }
        return 0
    }

    // MARK: Arithmetic

    public func addingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var result = UInt256.zero
        var carry: UInt64 = 0
        for index in 0..<4 {
            let (sumA, overflowA) = self[limb: index].addingReportingOverflow(other[limb: index])
            let (sumB, overflowB) = sumA.addingReportingOverflow(carry)
            result[limb: index] = sumB
            carry = (overflowA ? 1 : 0) + (overflowB ? 1 : 0)
        }
        return (result, carry != 0)
    }

    public func subtractingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var result = UInt256.zero
        var borrow: UInt64 = 0
        for index in 0..<4 {
            let (differenceA, overflowA) = self[limb: index].subtractingReportingOverflow(other[limb: index])
            let (differenceB, overflowB) = differenceA.subtractingReportingOverflow(borrow)
            result[limb: index] = differenceB
            borrow = (overflowA ? 1 : 0) + (overflowB ? 1 : 0)
        }
        return (result, borrow != 0)
    }

    public func multipliedReportingOverflow(by other: UInt64) -> (partialValue: UInt256, overflow: Bool) {
        var result = UInt256.zero
        var carry: UInt64 = 0
        for index in 0..<4 {
            let (high, low) = self[limb: index].multipliedFullWidth(by: other)
            let (sum, overflow) = low.addingReportingOverflow(carry)
            result[limb: index] = sum
            carry = high &+ (overflow ? 1 : 0)
        }
        return (result, carry != 0)
    }

    public func multipliedReportingOverflow(by other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var result = UInt256.zero
        var overflow = false
        for index in 0..<4 where other[limb: index] != 0 {
            let (partial, partialOverflow) = self.multipliedReportingOverflow(by: other[limb: index])
            if partialOverflow { overflow = true }
            // Shifting the partial product left by whole limbs may drop significant limbs.
            for dropped in (4 - index)..<4 where partial[limb: dropped] != 0 { overflow = true }
            let (sum, sumOverflow) = result.addingReportingOverflow(partial << (64 * index))
            result = sum
            if sumOverflow { overflow = true }
        }
        return (result, overflow)
    }

    public func quotientAndRemainder(dividingBy divisor: UInt64) -> (quotient: UInt256, remainder: UInt64) {
        precondition(divisor != 0, "division by zero")
        var quotient = UInt256.zero
        var remainder: UInt64 = 0
        for index in stride(from: 3, through: 0, by: -1) {
            let (digit, rest) = divisor.dividingFullWidth((remainder, self[limb: index]))
            quotient[limb: index] = digit
            remainder = rest
        }
        return (quotient, remainder)
    }

    public func quotientAndRemainder(dividingBy divisor: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!divisor.isZero, "division by zero")
        if let small = divisor.uint64Value {
            let (quotient, remainder) = self.quotientAndRemainder(dividingBy: small)
            return (quotient, UInt256(remainder))
        }
        var quotient = UInt256.zero
        var remainder = UInt256.zero
        for bit in stride(from: self.bitWidth - 1, through: 0, by: -1) {
            remainder = remainder << 1
            if self.bit(bit) { remainder[limb: 0] |= 1 }
            if remainder >= divisor {
                remainder = remainder.subtractingReportingOverflow(divisor).partialValue
                quotient[limb: bit / 64] |= 1 << UInt64(bit % 64)
            }
        }
        return (quotient, remainder)
    }

    public static func + (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (value, overflow) = lhs.addingReportingOverflow(rhs)
        precondition(!overflow, "UInt256 addition overflow")
        return value
    }

    public static func - (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (value, overflow) = lhs.subtractingReportingOverflow(rhs)
        precondition(!overflow, "UInt256 subtraction underflow")
        return value
    }

    public static func * (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (value, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        precondition(!overflow, "UInt256 multiplication overflow")
        return value
    }

    public static func / (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.quotientAndRemainder(dividingBy: rhs).quotient
    }

    public static func % (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.quotientAndRemainder(dividingBy: rhs).remainder
    }

    public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        for index in stride(from: 3, through: 0, by: -1) where lhs[limb: index] != rhs[limb: index] {
            return lhs[limb: index] < rhs[limb: index]
        }
        return false
    }

    public static func == (lhs: UInt256, rhs: UInt256) -> Bool { lhs.limbs == rhs.limbs }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.limbs.0)
        hasher.combine(self.limbs.1)
        hasher.combine(self.limbs.2)
        hasher.combine(self.limbs.3)
    }

    // MARK: Bits and bytes

    static func << (value: UInt256, shift: Int) -> UInt256 {
        guard shift < 256 else { return .zero }
        var result = UInt256.zero
        let limbShift = shift / 64
        let bitShift = UInt64(shift % 64)
        for index in stride(from: 3, through: limbShift, by: -1) {
            var limb = value[limb: index - limbShift] << bitShift
            if bitShift != 0, index - limbShift - 1 >= 0 {
                limb |= value[limb: index - limbShift - 1] >> (64 - bitShift)
            }
            result[limb: index] = limb
        }
        return result
    }

    private func bit(_ index: Int) -> Bool { (self[limb: index / 64] >> UInt64(index % 64)) & 1 == 1 }

    private func byte(at index: Int) -> UInt8 { UInt8(truncatingIfNeeded: self[limb: index / 8] >> UInt64(8 * (index % 8))) }

    private mutating func setByte(at index: Int, to byte: UInt8) {
        let shift = UInt64(8 * (index % 8))
        self[limb: index / 8] = self[limb: index / 8] & ~(0xff << shift) | UInt64(byte) << shift
    }

    private subscript(limb index: Int) -> UInt64 {
        get {
            switch index {
            case 0: self.limbs.0
            case 1: self.limbs.1
            case 2: self.limbs.2
            default: self.limbs.3
            }
        }
        set {
            switch index {
            case 0: self.limbs.0 = newValue
            case 1: self.limbs.1 = newValue
            case 2: self.limbs.2 = newValue
            default: self.limbs.3 = newValue
            }
        }
    }
}

/// Coded as a decimal string, the way Ethereum and Polymarket JSON carry uint256 values.
extension UInt256: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(decimal: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a uint256 decimal string")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.decimalString)
    }
}

extension UInt256: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: UInt64) { self.init(value) }
}
