/// The per-profile ledger's arithmetic (ARCHITECTURE §3 step 5): how a fill moves a position.
///
/// Cost basis includes fees; a sale releases cost basis in proportion to the shares sold and
/// books the difference to realized PnL. Pure, so every store books the same way and tests can
/// check the figures by hand.
extension Position {
    /// The position after this profile bought `shares` for `notional` plus `fee`.
    public func bought(_ shares: Shares, notional: Collateral, fee: Collateral, at time: Timestamp) -> Position {
        var next = self
        next.shares += shares
        next.costBasis += notional + fee
        next.updatedAt = time
        return next
    }

    /// The position after this profile sold `shares` for `notional` less `fee`. Never sells
    /// more than it holds: a sale beyond the holding (shares bought by hand, outside the ledger)
    /// books only the held part's cost.
    public func sold(_ shares: Shares, notional: Collateral, fee: Collateral, at time: Timestamp) -> Position {
        var next = self
        let sold = min(shares, self.shares)
        let released = self.shares.baseUnits > 0
            ? Collateral(baseUnits: Int64(Int128(self.costBasis.baseUnits) * Int128(sold.baseUnits)
                / Int128(self.shares.baseUnits)))
            : .zero
        next.shares -= sold
        next.costBasis -= released
        next.realizedPnL += (notional - fee) - released
        next.updatedAt = time
        return next
    }

    /// What the shares held would fetch at `mid` less what they cost (fees included).
    public func unrealizedPnL(atMid mid: Price) -> Collateral {
        self.shares.value(at: mid) - self.costBasis
    }

    /// The average price paid per share held, fees included; `nil` when flat.
    public var averageCost: Price? {
        guard self.shares.baseUnits > 0 else { return nil }
        return Price(baseUnits: Int64(Int128(self.costBasis.baseUnits) * 1_000_000 / Int128(self.shares.baseUnits)))
    }
}
