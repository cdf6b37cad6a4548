/// How much an exit sells and at what limit (ARCHITECTURE §3 step 6). Pure, so the arithmetic
/// is tested by hand.
public enum ExitSizing {
    /// The shares this profile sells when its leader sells `leaderSold` out of `leaderBefore`.
    ///
    /// Only whole hundredths of `available` (what the profile holds less what its open sells
    /// already cover) are sellable (``Shares/orderStep``); the dust below stays held. Of that,
    /// the fraction `f = leaderSold / leaderBefore`, down to the step. A full exit — `f` of one
    /// or more, a leader position never tracked (`nil` or zero: they sold shares bought before we
    /// saw them), or a sellable remainder below `minOrderSize` that could never be sold on its
    /// own — sells everything sellable.
    public static func target(available: Shares, leaderSold: Shares, leaderBefore: Shares?,
                              minOrderSize: Shares) -> Shares {
        let sellable = available.orderable
        guard sellable.baseUnits > 0 else { return .zero }
        guard let before = leaderBefore, before.baseUnits > 0, leaderSold < before else { return sellable }
        let raw = Int128(sellable.baseUnits) * Int128(leaderSold.baseUnits) / Int128(before.baseUnits)
        let shares = Shares(baseUnits: Int64(raw)).orderable
        if sellable - shares < minOrderSize { return sellable }
        return shares
    }

    /// The least an exit takes: the best bid less the sell-slippage allowance, up to the tick,
    /// never below one tick. A FAK at this limit sells into the bids down to it and no further.
    public static func limitPrice(bestBid: Price, maxSellSlippage: Price, tick: Price) -> Price {
        let raw = max(bestBid - maxSellSlippage, tick)
        let onTick = (raw.baseUnits + tick.baseUnits - 1) / tick.baseUnits * tick.baseUnits
        return min(Price(baseUnits: onTick), bestBid)
    }
}
