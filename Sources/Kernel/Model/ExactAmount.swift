extension SixDecimalQuantity {
    /// Parses an amount a person typed: digits with at most 6 decimals (`250`, `99.5`,
    /// `0.000001`), nothing rounded. Anything finer, signed, in exponent form or not a number is
    /// `nil` — `0.0000005` is refused, never rounded up to `0.000001`.
    public init?(exactDecimal text: some StringProtocol) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !whole.isEmpty || !fraction.isEmpty, whole.count <= 12, fraction.count <= 6,
              (String(whole) + String(fraction)).allSatisfy({ $0.isASCII && $0.isNumber }),
              parts.count == 1 || !fraction.isEmpty
        else { return nil }
        let padded = String(fraction) + String(repeating: "0", count: 6 - fraction.count)
        guard let units = Int64((whole.isEmpty ? "0" : String(whole)) + padded) else { return nil }
        self.init(baseUnits: units)
    }
}
