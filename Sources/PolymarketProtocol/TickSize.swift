/// A market's minimum price increment, with the decimals each order quantity is rounded to
/// (spec §5.3). The docs list 0.1, 0.01, 0.001 and 0.0001; both official SDKs also accept
/// 0.005 and 0.0025, so they are here too.
public enum TickSize: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case tenth = "0.1"
    case hundredth = "0.01"
    case fiveThousandths = "0.005"
    case twentyFiveTenThousandths = "0.0025"
    case thousandth = "0.001"
    case tenThousandth = "0.0001"

    /// The tick whose value equals `value` (so `0.010` finds ``hundredth``); nil for any other.
    public init?(_ value: ExactDecimal) {
        guard let tick = Self.allCases.first(where: { $0.value == value }) else { return nil }
        self = tick
    }

    /// Parses the tick as the APIs spell it, trailing zeros allowed (`"0.01"`, `"0.010"`).
    public init?(parsing text: String) {
        guard let value = ExactDecimal(text) else { return nil }
        self.init(value)
    }

    /// The tick as a number, written out rather than parsed from ``rawValue``: every order
    /// reads it several times (range, grid, rounding), and parsing text each time cost more
    /// than the arithmetic. A test checks each value against its raw spelling.
    public var value: ExactDecimal {
        switch self {
        case .tenth: Self.decimal(1, scale: 1)
        case .hundredth: Self.decimal(1, scale: 2)
        case .fiveThousandths: Self.decimal(5, scale: 3)
        case .twentyFiveTenThousandths: Self.decimal(25, scale: 4)
        case .thousandth: Self.decimal(1, scale: 3)
        case .tenThousandth: Self.decimal(1, scale: 4)
        }
    }

    private static func decimal(_ units: Int128, scale: Int) -> ExactDecimal {
        // Scales 1–4 are within ExactDecimal's range.
        ExactDecimal(units: units, scale: scale)!
    }

    /// Decimals a limit price may have; market-order worst prices are floored to this.
    public var priceDecimals: Int {
        switch self {
        case .tenth: 1
        case .hundredth: 2
        case .fiveThousandths, .thousandth: 3
        case .twentyFiveTenThousandths, .tenThousandth: 4
        }
    }

    /// Decimals of a size in shares (and of a market BUY's pUSD amount); always 2.
    public var sizeDecimals: Int { 2 }

    /// Decimals the derived side of an order (pUSD for a limit BUY, shares for a market BUY, …)
    /// is rounded to.
    public var amountDecimals: Int {
        switch self {
        case .tenth: 3
        case .hundredth: 4
        case .fiveThousandths, .thousandth: 5
        case .twentyFiveTenThousandths, .tenThousandth: 6
        }
    }

    public var description: String { self.rawValue }

    /// Whether `price` is a valid limit price at this tick: `tick ≤ price ≤ 1 − tick` and an
    /// integer multiple of the tick.
    public func isValidPrice(_ price: ExactDecimal) -> Bool {
        guard let ceiling = try? ExactDecimal.one.subtracting(self.value) else { return false }
        return price >= self.value && price <= ceiling && price.isMultiple(of: self.value)
    }
}
