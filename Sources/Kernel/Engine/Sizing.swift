/// How many shares an entry buys: the profile's sizing, the taker fee in the cost, then caps that
/// only ever reduce, the book's depth at the limit, the balance, and the venue's size step.
/// Pure, so every rule is tested without a venue.
public struct EntrySizing: Sendable {
    /// What the follower has already committed, from the store.
    public struct Exposure: Hashable, Sendable {
        /// Cost basis of positions in this market plus open BUY orders in it.
        public var market: Collateral
        /// Cost basis of every position plus every open BUY order.
        public var total: Collateral
        /// BUY spending (fills with fees, plus open orders) since the start of the UTC day.
        public var today: Collateral
        /// Cost basis plus open BUY orders in every market of this market's event; `nil` when the
        /// market's event is not known (no event cap applies).
        public var event: Collateral?
        /// The user's account-wide event cap and what all their live follows have committed in
        /// this market's event; `nil` when no account cap applies (or the event is not known).
        public var account: AccountEvent?

        public init(market: Collateral, total: Collateral, today: Collateral, event: Collateral? = nil,
                    account: AccountEvent? = nil) {
            self.market = market
            self.total = total
            self.today = today
            self.event = event
            self.account = account
        }
    }

    /// An account-wide event cap (`PATCH /me`) with what counts against it.
    public struct AccountEvent: Hashable, Sendable {
        public var cap: Collateral
        public var committed: Collateral

        public init(cap: Collateral, committed: Collateral) {
            self.cap = cap
            self.committed = committed
        }
    }

    public enum Outcome: Hashable, Sendable {
        case buy(shares: Shares, cost: Collateral)
        case skip(SkipReason)
    }

    public var sizing: Sizing
    public var limits: CopyLimits
    public var leaderNotional: Collateral
    public var balance: Collateral
    public var exposure: Exposure
    public var limitPrice: Price
    /// The price in [best ask, limit] where the fee is highest, so the fee is never understated.
    public var feePrice: Price
    public var fee: FeeSchedule
    /// Shares offered at or below the limit.
    public var depth: Shares
    public var minOrderSize: Shares

    public init(sizing: Sizing, limits: CopyLimits, leaderNotional: Collateral, balance: Collateral,
                exposure: Exposure, limitPrice: Price, feePrice: Price, fee: FeeSchedule, depth: Shares,
                minOrderSize: Shares) {
        self.sizing = sizing
        self.limits = limits
        self.leaderNotional = leaderNotional
        self.balance = balance
        self.exposure = exposure
        self.limitPrice = limitPrice
        self.feePrice = feePrice
        self.fee = fee
        self.depth = depth
        self.minOrderSize = minOrderSize
    }

    /// The checks after the book's price: depth, caps, balance, exchange minimum — in that order.
    public func evaluate() -> Outcome {
        let wanted: Collateral = switch self.sizing {
        case .fixedUSD(let amount): amount
        case .proportional(let ratio): self.leaderNotional.scaled(by: ratio)
        case .percentOfBalance(let ratio): self.balance.scaled(by: ratio)
        }
        var shares = self.shares(affordableWith: wanted)
        guard self.depth >= self.minOrderSize, self.depth.baseUnits > 0 else { return .skip(.insufficientDepth) }
        shares = min(shares, self.snapped(self.depth))

        // Caps only ever reduce.
        var budget = self.cost(of: shares)
        let remaining: [Collateral?] = [
            self.limits.maxPerTrade,
            self.limits.maxPerMarket.map { $0 - self.exposure.market },
            self.limits.totalBudget.map { $0 - self.exposure.total },
            self.limits.dailySpend.map { $0 - self.exposure.today },
        ]
        for cap in remaining.compactMap({ $0 }) where cap < budget { budget = cap }
        if budget < self.cost(of: shares) {
            shares = self.shares(affordableWith: budget)
            if shares < self.minOrderSize { return .skip(.capReached) }
        }
        // The event cap after the others, so its own reason names it when it is what binds.
        if let cap = self.limits.maxPerEvent, let inEvent = self.exposure.event, cap - inEvent < self.cost(of: shares) {
            shares = self.shares(affordableWith: cap - inEvent)
            if shares < self.minOrderSize { return .skip(.eventCapReached) }
        }
        // The account's event cap (across all the user's follows), by the same rule.
        if let account = self.exposure.account, account.cap - account.committed < self.cost(of: shares) {
            shares = self.shares(affordableWith: account.cap - account.committed)
            if shares < self.minOrderSize { return .skip(.eventCapReached) }
        }

        if self.cost(of: shares) > self.balance {
            shares = self.shares(affordableWith: self.balance)
            if shares < self.minOrderSize { return .skip(.insufficientBalance) }
        }

        guard shares >= self.minOrderSize, shares.baseUnits > 0 else { return .skip(.belowExchangeMinimum) }
        // The FOK goes out as a market BUY spending whole cents (spec §5.4), which may buy a hair
        // less than `shares`: that spend must be something and still reach the minimum.
        let spend = self.marketBuySpend(for: shares)
        guard spend.baseUnits > 0, spend.shares(at: self.limitPrice) >= self.minOrderSize else {
            return .skip(.belowExchangeMinimum)
        }
        return .buy(shares: shares, cost: self.cost(of: shares))
    }

    /// What a market BUY of `shares` at the limit spends: `shares × limit` down to whole cents.
    public func marketBuySpend(for shares: Shares) -> Collateral {
        let value = shares.value(at: self.limitPrice)
        let step = Collateral.marketBuyStep.baseUnits
        return Collateral(baseUnits: value.baseUnits / step * step)
    }

    /// The most it can cost to buy `shares` at the limit, fee included.
    public func cost(of shares: Shares) -> Collateral {
        shares.value(at: self.limitPrice, rounding: .up) + self.fee.takerFee(shares: shares, price: self.feePrice)
    }

    /// The most shares (on the size step) whose cost fits in `amount`.
    func shares(affordableWith amount: Collateral) -> Shares {
        guard amount.baseUnits > 0 else { return .zero }
        // Price per share with its fee, then step down for the per-order rounding of the fee.
        let feePerShare = self.fee.takerFee(shares: .whole(1), price: self.feePrice)
        let perShare = Price(baseUnits: self.limitPrice.baseUnits + feePerShare.baseUnits)
        var shares = self.snapped(amount.shares(at: perShare))
        while shares.baseUnits > 0, self.cost(of: shares) > amount {
            shares -= Shares.orderStep
        }
        return shares
    }

    func snapped(_ shares: Shares) -> Shares {
        shares.orderable
    }
}
