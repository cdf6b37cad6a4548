/// How a paper order fills (ARCHITECTURE §3): the prepared (never signed) order against the book,
/// without sending anything — a BUY takes the shares its amounts buy from the asks up to its
/// limit, a SELL hits bids down to it; FOK fills all or nothing, FAK what the book holds. So paper
/// and live trade the same quantities. Pure.
public enum PaperFill {
    /// The filled paper order for `prepared`, the `index`-th order (from 0) of `attempt`.
    public static func order(_ prepared: PreparedOrder, attempt: CopyAttempt, walletID: WalletID, index: Int,
                             book: OrderBook, fee: FeeSchedule, at now: Timestamp) -> Order {
        let intent = prepared.intent
        let levels = intent.side == .buy
            ? book.asks.filter { $0.price <= intent.limitPrice }
            : book.bids.filter { $0.price >= intent.limitPrice }
        var remaining = intent.shares
        var notional = Collateral.zero
        for level in levels where remaining.baseUnits > 0 {
            let take = min(remaining, level.size)
            notional += take.value(at: level.price, rounding: intent.side == .buy ? .up : .down)
            remaining -= take
        }
        let matched = intent.shares - remaining
        let fills = intent.type == .fok ? remaining.baseUnits == 0 : matched.baseUnits > 0
        let shares = fills ? matched : .zero
        let averagePrice = shares.baseUnits > 0
            ? Price(baseUnits: Int64(Int128(notional.baseUnits) * 1_000_000 / Int128(shares.baseUnits))) : intent.limitPrice
        return Order(
            id: OrderID("paper:\(attempt.id.rawValue)" + (index == 0 ? "" : ":\(index + 1)")), attemptID: attempt.id,
            profileID: attempt.profileID, walletID: walletID, tokenID: intent.tokenID, side: intent.side, type: intent.type,
            limitPrice: intent.limitPrice, shares: intent.shares, makerAmount: prepared.makerAmount,
            takerAmount: prepared.takerAmount,
            status: !fills ? .killed : shares == intent.shares ? .filled : .partiallyFilled, signedPayload: "",
            filledShares: shares, filledNotional: fills ? notional : .zero,
            fee: fills ? fee.takerFee(shares: shares, price: averagePrice) : .zero,
            paper: true, submittedAt: now, createdAt: now, updatedAt: now)
    }
}
