/// A market's taker fee (spec §12): `fee = shares × rate × (p(1 − p))^exponent` in pUSD,
/// charged to the taker at match time; makers pay none and the signed order carries no fee.
/// `rate` and `exponent` are `fd.r` and `fd.e` of `/clob-markets/{conditionId}` (the docs'
/// formula is exponent 1). A market without `fd` has ``free``.
public struct TakerFee: Sendable, Hashable {
    public let rate: ExactDecimal
    public let exponent: Int

    public static let free = TakerFee(validRate: .zero, exponent: 0)

    /// Throws unless `rate` ≥ 0 and `exponent` is in 0...8 (the SDK allows a decimal exponent;
    /// only whole ones keep the fee exact, and no market uses another).
    public init(rate: ExactDecimal, exponent: Int) throws(TakerFeeError) {
        guard rate >= .zero else { throw .negativeRate }
        guard (0...8).contains(exponent) else { throw .unsupportedExponent(exponent) }
        self.init(validRate: rate, exponent: exponent)
    }

    private init(validRate rate: ExactDecimal, exponent: Int) {
        self.rate = rate
        self.exponent = exponent
    }

    /// `rate × (p(1 − p))^exponent`: the fee per share in pUSD at `price` (0 < price < 1).
    public func feePerShare(price: ExactDecimal) throws(TakerFeeError) -> ExactDecimal {
        guard price > .zero, price < .one else { throw .priceOutOfRange(price) }
        do {
            let variance = try price.multiplied(by: ExactDecimal.one.subtracting(price))
            return try self.rate.multiplied(by: variance.power(self.exponent))
        } catch {
            throw .tooLarge
        }
    }

    /// The fee, in pUSD base units, for taking `shares` base units at `price`. The exchange's
    /// rounding is not documented; this rounds up, so budgets built on it never fall short.
    public func fee(shares: UInt64, price: ExactDecimal) throws(TakerFeeError) -> UInt64 {
        let perShare = try self.feePerShare(price: price)
        let exact: ExactDecimal
        do {
            exact = try ExactDecimal(shares).multiplied(by: perShare)
        } catch {
            throw .tooLarge
        }
        return try Self.baseUnits(exact.rounded(toPlaces: 0, .up))
    }

    /// Fee-aware BUY sizing (spec §5.4, the unified SDK's rule): keep `amount` pUSD if it plus
    /// its platform fee (`amount / price × feePerShare`) and builder fee (`amount ×
    /// builderTakerRate`) fit in `maxSpend`; otherwise spend `maxSpend / (1 + feePerShare / price +
    /// builderTakerRate)`, floored to a base unit. All amounts are pUSD base units.
    public func affordableBuyAmount(
        amount: UInt64, maxSpend: UInt64, price: ExactDecimal, builderTakerRate: ExactDecimal = .zero
    ) throws(TakerFeeError) -> UInt64 {
        guard builderTakerRate >= .zero else { throw .negativeRate }
        let perShare = try self.feePerShare(price: price)
        do {
            // Multiplied through by price (> 0) so every term stays exact:
            // maxSpend·p ≤ amount·p + amount·fee + amount·b·p  ⇔  maxSpend ≤ total cost.
            let budget = try ExactDecimal(maxSpend).multiplied(by: price)
            let costFactor = try price.adding(perShare).adding(builderTakerRate.multiplied(by: price))
            guard budget <= (try ExactDecimal(amount).multiplied(by: costFactor)) else { return amount }
            // The quotient is at most maxSpend, so it fits in 64 bits.
            let (spend, _) = try budget.divided(by: costFactor, places: 0, rounding: .down)
            return UInt64(spend.units)
        } catch {
            throw .tooLarge
        }
    }

    private static func baseUnits(_ value: ExactDecimal) throws(TakerFeeError) -> UInt64 {
        guard let units = value.scaledInteger(decimals: 0), let exact = UInt64(exactly: units) else { throw .tooLarge }
        return exact
    }
}

public enum TakerFeeError: Error, Hashable, Sendable {
    case negativeRate
    case unsupportedExponent(Int)
    /// Fees are defined for prices strictly between 0 and 1.
    case priceOutOfRange(ExactDecimal)
    case tooLarge
}
