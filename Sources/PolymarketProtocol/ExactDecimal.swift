/// A base-10 number held exactly as `units × 10^-scale`, for prices, sizes and amounts.
///
/// Binary floats lose cents on Polymarket's amounts (spec §5.4: 289.78 × 100 = 28977.999…), so
/// every order computation runs on this type. Values are kept normalised (no trailing zeros in
/// `units`), so equal numbers are equal values whatever their spelling: `0.50 == 0.5`.
public struct ExactDecimal: Sendable, Hashable, Comparable, LosslessStringConvertible {
    /// The digits of the number as an integer; the value is `units / 10^scale`.
    public let units: Int128
    /// How many of `units`' digits lie after the decimal point; also the number of decimal
    /// places the value needs (`dec(x)` of spec §5.4).
    public let scale: Int

    /// The most decimal places a value may carry; `Int128` holds 38 full digits.
    public static let maximumScale = 38

    public static let zero = ExactDecimal(normalising: 0, scale: 0)
    public static let one = ExactDecimal(normalising: 1, scale: 0)

    /// `units × 10^-scale`; nil when `scale` is negative or above ``maximumScale``.
    public init?(units: Int128, scale: Int) {
        guard (0...Self.maximumScale).contains(scale) else { return nil }
        self.init(normalising: units, scale: scale)
    }

    public init(_ integer: Int) {
        self.init(normalising: Int128(integer), scale: 0)
    }

    /// A count of base units (or any unsigned integer) as a decimal.
    public init(_ integer: UInt64) {
        self.init(normalising: Int128(integer), scale: 0)
    }

    /// Parses plain decimal text: an optional `-`, digits, optionally one `.` and more digits
    /// (`"0.55"`, `"100"`, `"0.430"`, `".5"`). No exponents, spaces or thousands separators.
    /// Nil when the text is not such a number or needs more than 38 significant digits.
    public init?(_ text: String) {
        var rest = Substring(text).utf8[...]
        let negative = rest.first == UInt8(ascii: "-")
        if negative { rest = rest.dropFirst() }
        let parts = rest.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        let integerDigits = parts[0]
        var fractionDigits = parts.count == 2 ? parts[1] : rest[rest.endIndex...]
        guard !integerDigits.isEmpty || !fractionDigits.isEmpty,
              integerDigits.allSatisfy(Self.isDigit), fractionDigits.allSatisfy(Self.isDigit)
        else { return nil }
        while fractionDigits.last == UInt8(ascii: "0") { fractionDigits = fractionDigits.dropLast() }
        guard fractionDigits.count <= Self.maximumScale else { return nil }
        var units: Int128 = 0
        for digit in [integerDigits, fractionDigits].joined() {
            let (shifted, overflowed) = units.multipliedReportingOverflow(by: 10)
            let (added, carried) = shifted.addingReportingOverflow(Int128(digit - UInt8(ascii: "0")))
            guard !overflowed, !carried else { return nil }
            units = added
        }
        self.init(normalising: negative ? -units : units, scale: fractionDigits.count)
    }

    /// The shortest plain spelling, e.g. `"0.55"`, `"100"`, `"-0.001"`.
    public var description: String {
        let magnitude = self.units.magnitude
        var digits = String(magnitude)
        if self.scale > 0 {
            if digits.count <= self.scale {
                digits = String(repeating: "0", count: self.scale - digits.count + 1) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -self.scale))
        }
        return self.units < 0 ? "-" + digits : digits
    }

    public var isZero: Bool { self.units == 0 }
    public var isPositive: Bool { self.units > 0 }

    public static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        // Integer parts first, then the fractions aligned to the finer scale: each fraction is
        // below 10^38 once aligned, so no step can overflow.
        let (leftInteger, leftFraction) = lhs.units.quotientAndRemainder(dividingBy: lhs.unitsPerOne)
        let (rightInteger, rightFraction) = rhs.units.quotientAndRemainder(dividingBy: rhs.unitsPerOne)
        guard leftInteger == rightInteger else { return leftInteger < rightInteger }
        let scale = max(lhs.scale, rhs.scale)
        return leftFraction * powerOfTen(scale - lhs.scale)! < rightFraction * powerOfTen(scale - rhs.scale)!
    }

    // MARK: Arithmetic (exact; throws rather than wrapping when a result does not fit)

    public func adding(_ other: ExactDecimal) throws(ExactDecimalError) -> ExactDecimal {
        let (left, right, scale) = try Self.alignedWithScale(self, other)
        let (sum, overflow) = left.addingReportingOverflow(right)
        guard !overflow else { throw .overflow }
        return ExactDecimal(normalising: sum, scale: scale)
    }

    public func subtracting(_ other: ExactDecimal) throws(ExactDecimalError) -> ExactDecimal {
        try self.adding(ExactDecimal(normalising: -other.units, scale: other.scale))
    }

    public func multiplied(by other: ExactDecimal) throws(ExactDecimalError) -> ExactDecimal {
        let (product, overflow) = self.units.multipliedReportingOverflow(by: other.units)
        guard !overflow else { throw .overflow }
        let result = ExactDecimal(normalising: product, scale: self.scale + other.scale)
        guard result.scale <= Self.maximumScale else { throw .overflow }
        return result
    }

    /// `self` raised to a non-negative integer power, exactly.
    public func power(_ exponent: Int) throws(ExactDecimalError) -> ExactDecimal {
        guard exponent >= 0 else { throw .negativeExponent }
        var result = ExactDecimal.one
        for _ in 0..<exponent { result = try result.multiplied(by: self) }
        return result
    }

    /// The exact quotient `self / divisor` rounded to `places` decimals by `rule`, and whether
    /// that rounding changed nothing (the quotient has at most `places` decimals).
    public func divided(
        by divisor: ExactDecimal, places: Int, rounding rule: FloatingPointRoundingRule
    ) throws(ExactDecimalError) -> (quotient: ExactDecimal, isExact: Bool) {
        guard !divisor.isZero else { throw .divisionByZero }
        guard (0...Self.maximumScale).contains(places) else { throw .overflow }
        // self/divisor = (u1 / 10^s1) / (u2 / 10^s2); scaled by 10^places:
        // q = u1 · 10^(s2 + places) / (u2 · 10^s1)
        let numerator = try Self.scaledUp(self.units, by: divisor.scale + places)
        let denominator = try Self.scaledUp(divisor.units, by: self.scale)
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        let rounded = Self.round(
            quotient: quotient, remainder: remainder, divisor: denominator, rule: rule)
        return (ExactDecimal(normalising: rounded, scale: places), remainder == 0)
    }

    /// This value rounded to `places` decimals by `rule` (`.down` = toward −∞ = floor,
    /// `.up` = toward +∞ = ceiling). Values that already fit are returned unchanged.
    public func rounded(toPlaces places: Int, _ rule: FloatingPointRoundingRule) -> ExactDecimal {
        guard places >= 0, self.scale > places else { return self }
        // 10^(scale - places) ≤ 10^38 always fits, because scale ≤ 38.
        let divisor = Self.powerOfTen(self.scale - places)!
        let (quotient, remainder) = self.units.quotientAndRemainder(dividingBy: divisor)
        let rounded = Self.round(quotient: quotient, remainder: remainder, divisor: divisor, rule: rule)
        return ExactDecimal(normalising: rounded, scale: places)
    }

    /// Whether this value is an integer multiple of `step` (which must not be zero).
    public func isMultiple(of step: ExactDecimal) -> Bool {
        guard !step.isZero else { return false }
        guard let (value, unit) = try? Self.aligned(self, step) else { return false }
        return value % unit == 0
    }

    /// The value times `10^decimals` when that is an integer, e.g. `1.5` → `1500000` for six
    /// decimals; nil when the value has more than `decimals` places or does not fit.
    public func scaledInteger(decimals: Int) -> Int128? {
        guard decimals >= self.scale else { return nil }
        return try? Self.scaledUp(self.units, by: decimals - self.scale)
    }

    // MARK: Internals

    init(normalising units: Int128, scale: Int) {
        var units = units
        var scale = scale
        while scale > 0, units % 10 == 0 {
            units /= 10
            scale -= 1
        }
        if units == 0 { scale = 0 }
        self.units = units
        self.scale = scale
    }

    /// 10^scale, which always fits because scale ≤ 38.
    private var unitsPerOne: Int128 { Self.powerOfTen(self.scale)! }

    private static func isDigit(_ character: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(character)
    }

    static func powerOfTen(_ exponent: Int) -> Int128? {
        guard (0...38).contains(exponent) else { return nil }
        var result: Int128 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    private static func scaledUp(_ value: Int128, by exponent: Int) throws(ExactDecimalError) -> Int128 {
        guard let factor = powerOfTen(exponent) else { throw .overflow }
        let (scaled, overflow) = value.multipliedReportingOverflow(by: factor)
        guard !overflow else { throw .overflow }
        return scaled
    }

    private static func aligned(
        _ lhs: ExactDecimal, _ rhs: ExactDecimal
    ) throws(ExactDecimalError) -> (Int128, Int128) {
        let (left, right, _) = try alignedWithScale(lhs, rhs)
        return (left, right)
    }

    private static func alignedWithScale(
        _ lhs: ExactDecimal, _ rhs: ExactDecimal
    ) throws(ExactDecimalError) -> (Int128, Int128, Int) {
        let scale = max(lhs.scale, rhs.scale)
        return (try scaledUp(lhs.units, by: scale - lhs.scale),
                try scaledUp(rhs.units, by: scale - rhs.scale), scale)
    }

    /// Applies `rule` to the truncated quotient given the remainder of that division.
    private static func round(
        quotient: Int128, remainder: Int128, divisor: Int128, rule: FloatingPointRoundingRule
    ) -> Int128 {
        guard remainder != 0 else { return quotient }
        // Sign of the exact value (quotientAndRemainder truncates toward zero).
        let negative = (remainder < 0) != (divisor < 0)
        let awayFromZero = negative ? quotient - 1 : quotient + 1
        let twiceRemainder = remainder.magnitude * 2
        switch rule {
        case .towardZero:
            return quotient
        case .awayFromZero:
            return awayFromZero
        case .down:
            return negative ? awayFromZero : quotient
        case .up:
            return negative ? quotient : awayFromZero
        case .toNearestOrAwayFromZero:
            return twiceRemainder >= divisor.magnitude ? awayFromZero : quotient
        case .toNearestOrEven:
            if twiceRemainder == divisor.magnitude { return quotient % 2 == 0 ? quotient : awayFromZero }
            return twiceRemainder > divisor.magnitude ? awayFromZero : quotient
        @unknown default:
            return quotient
        }
    }
}

public enum ExactDecimalError: Error, Hashable, Sendable {
    /// A result needs more than 38 significant digits or more than 38 decimal places.
    case overflow
    case divisionByZero
    case negativeExponent
}
