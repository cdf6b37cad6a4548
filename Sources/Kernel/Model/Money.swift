/// Exact six-decimal quantities: collateral (pUSD/USDC) and outcome shares are both ERC-20/1155
/// amounts with 6 decimals on chain, and prices are kept at the same resolution, which is finer
/// than the smallest tick (0.0001). Never `Double`.
public protocol SixDecimalQuantity: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The amount in millionths (on-chain base units for collateral and shares).
    var baseUnits: Int64 { get }
    init(baseUnits: Int64)
}

extension SixDecimalQuantity {
    public static var zero: Self { Self(baseUnits: 0) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.baseUnits < rhs.baseUnits }
    public static func + (lhs: Self, rhs: Self) -> Self { Self(baseUnits: lhs.baseUnits + rhs.baseUnits) }
    public static func - (lhs: Self, rhs: Self) -> Self { Self(baseUnits: lhs.baseUnits - rhs.baseUnits) }
    public static func += (lhs: inout Self, rhs: Self) { lhs = lhs + rhs }
    public static func -= (lhs: inout Self, rhs: Self) { lhs = lhs - rhs }
    public static prefix func - (value: Self) -> Self { Self(baseUnits: -value.baseUnits) }

    /// Parses a decimal such as `"12.5"`, `"0.530000000001"` or `"1e-3"`: snapped to six decimals
    /// (half away from zero), so a float-printed price from an API becomes the exact value meant.
    public init(decimal text: some StringProtocol) throws(DecimalParseError) {
        self.init(baseUnits: try SixDecimals.parse(text))
    }

    /// The canonical decimal text: no exponent, no trailing zeros (`"12.5"`, `"0"`).
    public var description: String { SixDecimals.format(self.baseUnits) }
}

/// Collateral in base units (1 pUSD = 1_000_000).
public struct Collateral: SixDecimalQuantity {
    public var baseUnits: Int64
    public init(baseUnits: Int64) { self.baseUnits = baseUnits }
    public static func dollars(_ whole: Int64) -> Collateral { Collateral(baseUnits: whole * 1_000_000) }
}

/// Outcome-token shares in base units (1 share = 1_000_000).
public struct Shares: SixDecimalQuantity {
    public var baseUnits: Int64
    public init(baseUnits: Int64) { self.baseUnits = baseUnits }
    public static func whole(_ count: Int64) -> Shares { Shares(baseUnits: count * 1_000_000) }
}

/// A price in collateral per share, in millionths (`0.53` = 530_000).
public struct Price: SixDecimalQuantity {
    public var baseUnits: Int64
    public init(baseUnits: Int64) { self.baseUnits = baseUnits }
    public static let one = Price(baseUnits: 1_000_000)
}

/// A dimensionless factor in millionths (`0.25` = 250_000), for proportional sizing and
/// percentages of a balance.
public struct Ratio: SixDecimalQuantity {
    public var baseUnits: Int64
    public init(baseUnits: Int64) { self.baseUnits = baseUnits }
}

extension Shares {
    /// The collateral value of these shares at `price`. Rounds down by default: a cost we are
    /// willing to pay must never be understated by rounding up the shares we can afford.
    public func value(at price: Price, rounding: RoundingRule = .down) -> Collateral {
        Collateral(baseUnits: SixDecimals.multiply(self.baseUnits, price.baseUnits, rounding: rounding))
    }
}

extension Shares {
    /// Orders carry shares in whole hundredths for every tick size (spec §5.3): the finest a
    /// sell can be. A holding's remainder below it is dust, which no order can sell; it stays in
    /// the position and is redeemed at resolution like any holding.
    public static let orderStep = Shares(baseUnits: 10_000)

    /// These shares down to whole hundredths: the most an order can carry of them.
    public var orderable: Shares {
        Shares(baseUnits: self.baseUnits / Self.orderStep.baseUnits * Self.orderStep.baseUnits)
    }
}

extension Collateral {
    /// A market BUY's amount is pUSD in whole cents (spec §5.4).
    public static let marketBuyStep = Collateral(baseUnits: 10_000)

    /// How many shares this amount buys at `price`, rounded down to whole base units.
    public func shares(at price: Price) -> Shares {
        precondition(price.baseUnits > 0, "price must be positive")
        return Shares(baseUnits: SixDecimals.divide(self.baseUnits, price.baseUnits, rounding: .down))
    }

    /// This amount scaled by `ratio` (e.g. 10% of a balance), rounded down.
    public func scaled(by ratio: Ratio) -> Collateral {
        Collateral(baseUnits: SixDecimals.multiply(self.baseUnits, ratio.baseUnits, rounding: .down))
    }
}

public enum RoundingRule: Sendable, Hashable {
    case down, up
}

public struct DecimalParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public let text: String
    public var description: String { "not a decimal number with at most 12 integer digits: \(self.text)" }
}

/// Fixed-point arithmetic on millionths with 128-bit intermediates, so products never overflow.
enum SixDecimals {
    static let scale: Int64 = 1_000_000

    static func multiply(_ a: Int64, _ b: Int64, rounding: RoundingRule) -> Int64 {
        divideRounding(Int128(a) * Int128(b), by: Int128(scale), rounding: rounding)
    }

    static func divide(_ a: Int64, _ b: Int64, rounding: RoundingRule) -> Int64 {
        divideRounding(Int128(a) * Int128(scale), by: Int128(b), rounding: rounding)
    }

    private static func divideRounding(_ numerator: Int128, by denominator: Int128, rounding: RoundingRule) -> Int64 {
        var quotient = numerator / denominator
        let remainder = numerator % denominator
        if remainder != 0 {
            let positive = (numerator < 0) == (denominator < 0)
            switch rounding {
            case .down where !positive: quotient -= 1
            case .up where positive: quotient += 1
            default: break
            }
        }
        return Int64(quotient)
    }

    static func format(_ value: Int64) -> String {
        let negative = value < 0
        let magnitude = value.magnitude
        let whole = magnitude / UInt64(scale)
        var fraction = String(magnitude % UInt64(scale))
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.last == "0" { fraction.removeLast() }
        return (negative ? "-" : "") + String(whole) + (fraction.isEmpty ? "" : "." + fraction)
    }

    static func parse(_ text: some StringProtocol) throws(DecimalParseError) -> Int64 {
        let fail = DecimalParseError(text: String(text))
        var bytes = Substring(text).utf8[...]
        guard !bytes.isEmpty else { throw fail }
        var negative = false
        if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") {
            negative = bytes.first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        // Split off an exponent.
        var exponent = 0
        if let e = bytes.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            guard let value = Int(String(Substring(bytes[bytes.index(after: e)...]))), abs(value) < 40 else { throw fail }
            exponent = value
            bytes = bytes[..<e]
        }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var seenPoint = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { throw fail }
                seenPoint = true
            } else if (0x30...0x39).contains(byte) {
                digits.append(byte - 0x30)
                if seenPoint { fractionDigits += 1 }
            } else {
                throw fail
            }
        }
        guard !digits.isEmpty else { throw fail }
        // value = digits × 10^(exponent − fractionDigits); we want it × 10^6, rounded half away from zero.
        let shift = exponent - fractionDigits + 6
        var result: Int128 = 0
        var roundUp = false
        let keep = digits.count + min(shift, 0)
        for (index, digit) in digits.enumerated() {
            if index < keep {
                result = result * 10 + Int128(digit)
                guard result < Int128(Int64.max) else { throw fail }
            } else if index == keep {
                roundUp = digit >= 5
            }
        }
        if shift > 0 {
            for _ in 0..<shift {
                result *= 10
                guard result < Int128(Int64.max) else { throw fail }
            }
        }
        if roundUp { result += 1 }
        // At most 12 integer digits keeps every product of two values inside 128 bits with room.
        guard result < 1_000_000_000_000 * Int128(scale) else { throw fail }
        return Int64(negative ? -result : result)
    }
}
