/// One attempt's share of a durable step of the copy pipeline (``CopyEventStore/commitAttemptSteps(_:)``):
/// the attempt's new row, the orders it inserts, the order changes it makes and the fills it books
/// — all fenced by the attempt's claim, so a worker that lost its lease writes none of it.
public struct AttemptStep: Hashable, Sendable {
    /// The attempt as it should be stored; written only if the stored row still carries
    /// `attempt.fencingToken` and status `expected`.
    public var attempt: CopyAttempt
    public var expected: CopyAttempt.Status
    /// Orders to insert (a signed order persisted before its send, or a paper fill).
    public var newOrders: [Order]
    /// Order rows to write, each only if its stored status is still `from`.
    public var orderUpdates: [OrderUpdate]
    /// Fills to book into the profile's ledger, applied to the position as stored at commit.
    public var bookings: [Booking]
    /// The account-wide event cap its new live BUY orders must fit under (``EventCapCheck``);
    /// `nil`: none applies.
    public var eventCap: EventCapCheck? = nil

    public init(attempt: CopyAttempt, expected: CopyAttempt.Status, newOrders: [Order] = [],
                orderUpdates: [OrderUpdate] = [], bookings: [Booking] = []) {
        self.attempt = attempt
        self.expected = expected
        self.newOrders = newOrders
        self.orderUpdates = orderUpdates
        self.bookings = bookings
    }
}

/// What became of one step of ``CopyEventStore/commitAttemptSteps(_:)``.
public enum StepOutcome: Hashable, Sendable {
    case applied
    /// The attempt's stored fencing token or status (or an order's status) moved on: nothing written.
    case claimLost
    /// Its new live BUY orders do not fit in the wallet's available funds (``WalletFunds``),
    /// checked under the wallet's lock: nothing written.
    case insufficientFunds
    /// Its new live BUY orders would take the user past the account-wide event cap
    /// (``AttemptStep/eventCap``), checked under the same lock: nothing written.
    case eventCapReached
}

extension AttemptStep {
    /// The wallet the step's new live BUY orders spend from, and what they reserve (as
    /// ``OpenBuy/reserved``); `nil` when it places none.
    public var fundsNeeded: (walletID: WalletID, amount: Collateral)? {
        let buys = self.newOrders.filter { $0.side == .buy && !$0.paper && $0.status.holdsReservation }
        guard let walletID = buys.first?.walletID else { return nil }
        return (walletID, buys.reduce(.zero) { $0 + OpenBuy($1).reserved })
    }
}

/// An order's new row and the status it must still have.
public struct OrderUpdate: Hashable, Sendable {
    public var order: Order
    public var from: Order.Status

    public init(order: Order, from: Order.Status) {
        self.order = order
        self.from = from
    }
}

/// A fill booked into a position: what changed, not the resulting row, so two bookings of one
/// position in one step (or a concurrent reconciliation) add up instead of overwriting each other.
public struct Booking: Hashable, Sendable {
    /// The live wallet whose synced balance the fill moves (``collateralChange``), so what is
    /// available is right before the next balance sync; `nil` for paper.
    public var walletID: WalletID?
    public var profileID: ProfileID
    public var tokenID: TokenID
    public var conditionID: String
    public var side: Side
    public var shares: Shares
    public var notional: Collateral
    public var fee: Collateral
    public var at: Timestamp

    public init(walletID: WalletID?, profileID: ProfileID, tokenID: TokenID, conditionID: String, side: Side,
                shares: Shares, notional: Collateral, fee: Collateral, at: Timestamp) {
        self.walletID = walletID
        self.profileID = profileID
        self.tokenID = tokenID
        self.conditionID = conditionID
        self.side = side
        self.shares = shares
        self.notional = notional
        self.fee = fee
        self.at = at
    }

    /// What the fill did to the wallet's collateral: a buy paid its notional and fee, a sell
    /// received its notional less the fee.
    public var collateralChange: Collateral {
        switch self.side {
        case .buy: Collateral.zero - self.notional - self.fee
        case .sell: self.notional - self.fee
        }
    }

    /// `position` (nil: none yet) after this fill.
    public func applied(to position: Position?) -> Position {
        let current = position
            ?? Position(profileID: self.profileID, tokenID: self.tokenID, conditionID: self.conditionID, updatedAt: self.at)
        return switch self.side {
        case .buy: current.bought(self.shares, notional: self.notional, fee: self.fee, at: self.at)
        case .sell: current.sold(self.shares, notional: self.notional, fee: self.fee, at: self.at)
        }
    }
}

/// What the copy pipeline reads about a batch's followers, in one store read
/// (``CopyEventStore/followerFacts(profileIDs:ordersSince:spendSince:)``) instead of several per follower.
public struct FollowerFacts: Hashable, Sendable {
    public var profiles: [ProfileID: CopyProfile]
    /// The profiles' wallets, by wallet id.
    public var wallets: [WalletID: TradingWallet]
    public var positions: [ProfileID: [Position]]
    /// Each profile's open orders (not final, ``Order/Status/isTerminal``) created at or after the
    /// `ordersSince` asked for, oldest first.
    public var openOrders: [ProfileID: [Order]]
    /// What each profile's final BUY orders created at or after the `spendSince` asked for cost:
    /// their filled notional plus fee (absent: none). A sum, not the rows: a busy follower's day of
    /// orders is not read back for every copy. Only for profiles with a daily spend limit
    /// (``CopyLimits/dailySpend``), the one decision that reads it: the sum walks the day's orders.
    public var settledSpend: [ProfileID: Collateral]
    /// Each wallet's funds (``WalletFunds``).
    public var funds: [WalletID: WalletFunds]

    public init(profiles: [ProfileID: CopyProfile] = [:], wallets: [WalletID: TradingWallet] = [:],
                positions: [ProfileID: [Position]] = [:], openOrders: [ProfileID: [Order]] = [:],
                settledSpend: [ProfileID: Collateral] = [:], funds: [WalletID: WalletFunds] = [:]) {
        self.profiles = profiles
        self.wallets = wallets
        self.positions = positions
        self.openOrders = openOrders
        self.settledSpend = settledSpend
        self.funds = funds
    }
}
