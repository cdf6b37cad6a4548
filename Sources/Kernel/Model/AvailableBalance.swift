/// What a trading wallet may still spend or withdraw — the one definition of "available" that
/// withdrawals and the copy engine both check, under the wallet's lock (issue #21):
///
///     available = last synced venue balance
///               − withdrawals reserved (accepted, not FAILED, not yet released)
///               − open BUY orders' remaining cost at their limit, the largest possible fee included
///
/// never below zero. A wallet whose balance was never synced has nothing available: money is
/// only promised against a balance the venue reported.
///
/// The store reads the inputs in one transaction (``FundsStore/walletFunds(walletID:)``); the
/// arithmetic is here, pure, so every adapter and caller agrees on it.
public struct WalletFunds: Hashable, Sendable {
    public var walletID: WalletID
    /// The wallet's collateral as the venue last reported it; `nil` when never synced.
    public var syncedBalance: Collateral?
    /// When that balance was read (the start of the venue call).
    public var syncedAt: Timestamp?
    /// Amounts of the wallet's withdrawals that hold a reservation.
    public var reservedWithdrawals: [Collateral]
    /// The wallet's open (SIGNED, SUBMITTED, LIVE, UNKNOWN), non-paper BUY orders.
    public var openBuys: [OpenBuy]

    public init(walletID: WalletID, syncedBalance: Collateral?, syncedAt: Timestamp?,
                reservedWithdrawals: [Collateral] = [], openBuys: [OpenBuy] = []) {
        self.walletID = walletID
        self.syncedBalance = syncedBalance
        self.syncedAt = syncedAt
        self.reservedWithdrawals = reservedWithdrawals
        self.openBuys = openBuys
    }

    /// The sum of the reserved withdrawals.
    public var withdrawalsReserved: Collateral { self.reservedWithdrawals.reduce(.zero, +) }

    /// The sum of what the open BUY orders may still spend.
    public var openBuysReserved: Collateral { self.openBuys.reduce(.zero) { $0 + $1.reserved } }

    /// Balance minus every reservation, never below zero.
    public var available: Collateral {
        guard let balance = self.syncedBalance else { return .zero }
        return max(.zero, balance - self.withdrawalsReserved - self.openBuysReserved)
    }

    /// Whether `amount` (positive) fits in what is available.
    public func covers(_ amount: Collateral) -> Bool {
        amount.baseUnits > 0 && amount <= self.available
    }

    /// How long after a withdrawal is CONFIRMED a synced balance is trusted to show the transfer:
    /// the venue's balance lags the chain (spec §7.5), so a reservation is released only by a
    /// balance read at least this long after the confirmation.
    public static let settlementLag: Duration = .seconds(60)

    /// A balance read at `syncedAt` releases the reservations of withdrawals CONFIRMED at or
    /// before the returned time.
    public static func releaseCutoff(syncedAt: Timestamp) -> Timestamp {
        syncedAt - Self.settlementLag
    }
}

/// An open BUY order as the balance sees it.
public struct OpenBuy: Hashable, Sendable {
    public var orderID: OrderID
    public var limitPrice: Price
    public var shares: Shares
    public var filledShares: Shares

    public init(orderID: OrderID, limitPrice: Price, shares: Shares, filledShares: Shares) {
        self.orderID = orderID
        self.limitPrice = limitPrice
        self.shares = shares
        self.filledShares = filledShares
    }

    public init(_ order: Order) {
        self.init(orderID: order.id, limitPrice: order.limitPrice, shares: order.shares, filledShares: order.filledShares)
    }

    /// The bound the fee of an open order is reserved at. The order row does not carry its
    /// market's fee rate, and the venue's fee is `shares × rate × (p(1−p))^exponent` with the
    /// rate at most 1 and the exponent at least 1 (spec §12), so `shares × p(1−p)` is never
    /// exceeded. Entries are fill-or-kill, so the over-reservation lasts seconds.
    public static let feeBound = FeeSchedule(rate: Ratio(baseUnits: 1_000_000), exponent: 1)

    /// The shares still to buy.
    public var remaining: Shares { max(.zero, self.shares - self.filledShares) }

    /// What the rest of the order may still cost: the remaining shares at the limit (rounded
    /// up) plus the largest fee they can be charged.
    public var reserved: Collateral {
        self.remaining.value(at: self.limitPrice, rounding: .up)
            + Self.feeBound.takerFee(shares: self.remaining, price: self.limitPrice)
    }
}

extension Order.Status {
    /// An order that may still spend collateral: BUYs in these states hold a reservation.
    public var holdsReservation: Bool { !self.isTerminal }
}
