/// What an order gives and asks for, in 6-decimal base units (spec §5.4): for a BUY the maker
/// gives pUSD and takes shares, for a SELL the other way round. These are the `makerAmount` and
/// `takerAmount` of the signed order.
public struct OrderAmounts: Sendable, Hashable {
    public let makerAmount: UInt64
    public let takerAmount: UInt64

    /// pUSD and outcome shares both have 6 decimals: 1 share = $1 = 1 000 000 units.
    public static let baseUnitDecimals = 6

    public init(makerAmount: UInt64, takerAmount: UInt64) {
        self.makerAmount = makerAmount
        self.takerAmount = takerAmount
    }

    /// A limit order (GTC/GTD) for `size` shares at `price`, rounded as the unified SDK does:
    /// shares floored to the tick's size decimals; pUSD = shares × price, which on the tick grid
    /// always fits the amount decimals.
    ///
    /// Throws when the price is outside `[tick, 1 − tick]` or off the tick grid (the server would
    /// answer `INVALID_ORDER_MIN_TICK_SIZE`), or when the size is not positive or rounds to zero.
    public static func limit(
        side: OrderSide, price: ExactDecimal, size: ExactDecimal, tick: TickSize
    ) throws(OrderAmountsError) -> OrderAmounts {
        try Self.requireValidLimitPrice(price, tick: tick)
        let shares = try Self.flooredQuantity(size, decimals: tick.sizeDecimals)
        let usdc: ExactDecimal
        do {
            usdc = try Self.roundedToAmountDecimals(shares.multiplied(by: price), tick: tick)
        } catch {
            throw .tooLarge
        }
        switch side {
        case .buy: return try OrderAmounts(maker: usdc, taker: shares)
        case .sell: return try OrderAmounts(maker: shares, taker: usdc)
        }
    }

    /// A market order (FOK/FAK): a BUY spends `amount` pUSD, a SELL sells `amount` shares, no
    /// worse than `worstPrice`. The worst price is floored to the tick's price decimals (V2
    /// floors, V1 rounded to nearest); the amount is floored to 2 decimals; the derived side is
    /// `amount / price` (BUY) or `amount × price` (SELL), rounded per spec §5.4 step 4.
    ///
    /// Throws when the floored price is outside `[tick, 1 − tick]`, or when the amount is not
    /// positive or rounds to zero.
    public static func market(
        side: OrderSide, worstPrice: ExactDecimal, amount: ExactDecimal, tick: TickSize
    ) throws(OrderAmountsError) -> OrderAmounts {
        let price = worstPrice.rounded(toPlaces: tick.priceDecimals, .down)
        guard price >= tick.value, price <= Self.highestPrice(tick) else {
            throw .priceOutOfRange(price: worstPrice, tick: tick)
        }
        let maker = try Self.flooredQuantity(amount, decimals: tick.sizeDecimals)
        let taker: ExactDecimal
        do {
            switch side {
            case .buy:
                let (floored, isExact) = try maker.divided(by: price, places: tick.amountDecimals, rounding: .down)
                if isExact {
                    taker = floored
                } else {
                    let (ceiling, _) = try maker.divided(by: price, places: tick.amountDecimals + 4, rounding: .up)
                    taker = ceiling.rounded(toPlaces: tick.amountDecimals, .down)
                }
            case .sell:
                taker = try Self.roundedToAmountDecimals(maker.multiplied(by: price), tick: tick)
            }
        } catch {
            throw .tooLarge
        }
        guard taker.isPositive else { throw .roundsToZero(amount) }
        return try OrderAmounts(maker: maker, taker: taker)
    }

    /// The amounts the SDKs sign for an order of `type` for `shares` at `price` (spec §5.4):
    /// limit amounts for GTC/GTD; market amounts for FOK/FAK, a BUY spending `shares × price`
    /// pUSD (floored to cents, as the CLOB requires of marketable BUYs) and a SELL selling the
    /// shares. Both the adapter and the fake venue prepare orders through this one rule.
    public static func forOrder(
        _ type: OrderType, side: OrderSide, price: ExactDecimal, shares: ExactDecimal, tick: TickSize
    ) throws(OrderAmountsError) -> OrderAmounts {
        switch type {
        case .gtc, .gtd:
            return try Self.limit(side: side, price: price, size: shares, tick: tick)
        case .fok, .fak:
            let amount: ExactDecimal
            do {
                amount = side == .buy ? try shares.multiplied(by: price) : shares
            } catch {
                throw .tooLarge
            }
            return try Self.market(side: side, worstPrice: price, amount: amount, tick: tick)
        }
    }

    /// Base units of the shares the order is sure to get (a BUY's taker side) or gives (a SELL's
    /// maker side).
    public func shareUnits(side: OrderSide) -> UInt64 {
        side == .buy ? self.takerAmount : self.makerAmount
    }

    // MARK: Rules

    private init(maker: ExactDecimal, taker: ExactDecimal) throws(OrderAmountsError) {
        self.init(makerAmount: try Self.baseUnits(maker), takerAmount: try Self.baseUnits(taker))
    }

    private static func requireValidLimitPrice(_ price: ExactDecimal, tick: TickSize) throws(OrderAmountsError) {
        guard price >= tick.value, price <= Self.highestPrice(tick) else {
            throw .priceOutOfRange(price: price, tick: tick)
        }
        guard price.isMultiple(of: tick.value) else { throw .priceOffTick(price: price, tick: tick) }
    }

    private static func highestPrice(_ tick: TickSize) -> ExactDecimal {
        // 1 − tick for a tick of at most 4 decimals cannot overflow.
        (try? ExactDecimal.one.subtracting(tick.value)) ?? .zero
    }

    /// `floor_d(quantity)`, refusing quantities that are not positive or vanish in the rounding.
    private static func flooredQuantity(_ quantity: ExactDecimal, decimals: Int) throws(OrderAmountsError) -> ExactDecimal {
        guard quantity.isPositive else { throw .notPositive(quantity) }
        let floored = quantity.rounded(toPlaces: decimals, .down)
        guard floored.isPositive else { throw .roundsToZero(quantity) }
        return floored
    }

    /// Spec §5.4 step 3/4: keep a value with at most A decimals; otherwise take the ceiling at
    /// A + 4 decimals, and if that still has more than A, the floor at A.
    private static func roundedToAmountDecimals(_ value: ExactDecimal, tick: TickSize) -> ExactDecimal {
        let places = tick.amountDecimals
        guard value.scale > places else { return value }
        let ceiling = value.rounded(toPlaces: places + 4, .up)
        return ceiling.scale > places ? ceiling.rounded(toPlaces: places, .down) : ceiling
    }

    private static func baseUnits(_ value: ExactDecimal) throws(OrderAmountsError) -> UInt64 {
        guard let units = value.scaledInteger(decimals: Self.baseUnitDecimals), let exact = UInt64(exactly: units) else {
            throw .tooLarge
        }
        return exact
    }
}

/// Why an order's amounts could not be computed. Prices and sizes are not secret, so the cases
/// carry them for the log.
public enum OrderAmountsError: Error, Hashable, Sendable {
    /// The price lies outside `[tick, 1 − tick]` (for a market order: after flooring).
    case priceOutOfRange(price: ExactDecimal, tick: TickSize)
    /// The limit price is inside the range but not a multiple of the tick.
    case priceOffTick(price: ExactDecimal, tick: TickSize)
    /// A size or amount of zero or less.
    case notPositive(ExactDecimal)
    /// The size or amount is positive but below the 0.01 the order can express.
    case roundsToZero(ExactDecimal)
    /// An amount does not fit 64 bits of base units.
    case tooLarge
}
