/// The ordered risk checks of an entry up to the book's price (ARCHITECTURE §3): profile state,
/// fill age, leader notional floor, market open and not about to resolve, price band, slippage
/// versus the leader's price. Depth, caps, balance and minimums follow in ``EntrySizing``.
public enum EntryChecks {
    /// The limit an entry may pay: the leader's price plus the slippage allowance, down to the
    /// tick, and never above `1 − tick`.
    public static func limitPrice(leaderPrice: Price, maxSlippage: Price, tick: Price) -> Price {
        let raw = leaderPrice + maxSlippage
        let onTick = Price(baseUnits: raw.baseUnits / tick.baseUnits * tick.baseUnits)
        return min(onTick, Price.one - tick)
    }

    /// `nil` when every check before sizing passes.
    public static func firstFailure(
        profile: CopyProfile, fill: LeaderFill, market: MarketInfo, bestAsk: Price?, now: Timestamp
    ) -> SkipReason? {
        let limits = profile.limits
        if !profile.status.allowsEntries { return .profileNotActive }
        if now.since(fill.occurredAt) > limits.maxFillAge { return .fillTooOld }
        if fill.notional < limits.minLeaderNotional { return .leaderNotionalTooSmall }
        if market.protocolV2 { return .unsupportedMarket }
        if !market.acceptingOrders || market.resolved == true { return .marketClosed }
        if let endsAt = market.endsAt, endsAt.since(now) < limits.minTimeToResolution { return .marketResolvingSoon }
        if fill.price < limits.minPrice || fill.price > limits.maxPrice { return .priceOutOfBand }
        let limit = Self.limitPrice(leaderPrice: fill.price, maxSlippage: limits.maxSlippage, tick: market.tickSize)
        guard let ask = bestAsk else { return .insufficientDepth }
        if ask > limit { return .slippageTooHigh }
        return nil
    }

    /// The price in `[low, high]` closest to 0.5, where `p(1−p)` and so the fee are highest.
    public static func worstFeePrice(low: Price, high: Price) -> Price {
        let half = Price(baseUnits: 500_000)
        return min(max(half, low), high)
    }
}
