/// One claimed batch as the engine carries it: each attempt's working state, the order they are
/// decided in, and the facts read once for all of them.
struct Batch: Sendable {
    var works: [AttemptWork]
    /// Indices into `works` in decision order (fan-outs shuffled, see ``FanOut``).
    var order: [Int]
    var fanOut: FanOut
    /// Each wallet's funds as loaded with the batch.
    var funds: [WalletID: WalletFunds] = [:]
    /// Each wallet's available balance, once the planner asked for it.
    var balances: [WalletID: VenueFact<Collateral>] = [:]
    /// The event of each token a capped profile holds that the batch does not trade (``EventExposure``).
    var eventOfHeld: [TokenID: String?] = [:]

    /// What the planner is given about `work` now: the shared facts less what the attempts
    /// decided before it already took.
    func facts(for work: AttemptWork, now: Timestamp) -> AttemptFacts {
        let attempt = work.attempt
        let balance: VenueFact<Collateral>
        if let wallet = work.wallet, case .known(let available)? = self.balances[wallet.id] {
            balance = .known(self.fanOut.balance(available, walletID: wallet.id))
        } else {
            balance = work.wallet.flatMap { self.balances[$0.id] } ?? .unread
        }
        return AttemptFacts(
            now: now, profile: work.profile, hasWallet: work.wallet != nil, event: work.event,
            market: self.fanOut.market(for: attempt.tokenID), balance: balance,
            exposure: self.fanOut.exposure(work.exposure, profileID: attempt.profileID, conditionID: attempt.conditionID,
                                           event: self.storedEventExposure(work), account: self.storedAccountExposure(work)),
            held: work.held,
            sellable: self.fanOut.sellable(work.sellable, profileID: attempt.profileID, tokenID: attempt.tokenID),
            orders: work.orders, lookups: work.lookups)
    }
}

/// One attempt in a batch: its row as it will be written, what it writes with it in the next
/// commit, and what it waits for.
struct AttemptWork: Sendable {
    var attempt: CopyAttempt
    /// The status as stored: what the next commit's compare-and-set expects.
    var expected: CopyAttempt.Status
    /// The attempt and its orders as stored, to go back to when a step is refused.
    private var stored: (attempt: CopyAttempt, orders: [Order])
    let profile: CopyProfile?
    let wallet: TradingWallet?
    let event: LeaderEvent?
    var orders: [Order]
    let exposure: EntrySizing.Exposure
    /// What the profile has committed per token (cost basis plus open buys), kept only for a
    /// profile with an event cap: its event exposure is summed over the tokens of one event.
    var eventCommitted: [TokenID: Collateral] = [:]
    /// The user's account-wide event cap and what all their live follows committed per token,
    /// kept only for a live follow's entry when the user has that cap.
    var account: AccountEventExposure?
    let held: Shares
    let sellable: Shares
    var lookups: [OrderID: VenueFact<OrderSnapshot?>] = [:]
    var need: Need = .open
    /// The market and book as this attempt's order was sized against them (paper fills there).
    var sizedAgainst: MarketBook?
    var newOrders: [Order] = []
    var orderUpdates: [OrderUpdate] = []
    var bookings: [Booking] = []
    /// Something changed since the last commit.
    var dirty = false
    /// A commit found the claim gone: this worker does nothing more with it.
    var lost = false

    enum Need: Hashable, Sendable {
        /// To be planned (again).
        case open
        case prepare(OrderIntent)
        case sign(PreparedOrder)
        case send(Order)
        /// Decided for this batch: the next commit carries the outcome.
        case settled

        var isOpen: Bool { self == .open }
    }

    /// Applies `event` to the attempt's status, resuming a DEFERRED attempt first.
    mutating func apply(_ event: CopyAttempt.Event) throws {
        if self.attempt.status == .deferred, event != .resume {
            self.attempt.status = try self.attempt.status.applying(.resume)
        }
        self.attempt.status = try self.attempt.status.applying(event)
        self.dirty = true
        if self.attempt.status.isTerminal {
            self.attempt.leaseOwner = nil
            self.attempt.leaseExpiresAt = nil
            self.need = .settled
        }
    }

    /// Hands the claim back; due again after `dueIn`.
    mutating func release(dueIn: Duration, now: Timestamp) {
        self.attempt.leaseOwner = nil
        self.attempt.leaseExpiresAt = nil
        self.attempt.dueAt = now + dueIn
        self.dirty = true
        self.need = .settled
    }

    /// Records a new row for one of the attempt's orders (inserted in this step, or updated from
    /// the status it had when the step began).
    mutating func replace(_ order: Order, from previous: Order) {
        if let index = self.orders.firstIndex(where: { $0.id == order.id }) { self.orders[index] = order }
        if let index = self.newOrders.firstIndex(where: { $0.id == order.id }) {
            self.newOrders[index] = order
        } else if let index = self.orderUpdates.firstIndex(where: { $0.order.id == order.id }) {
            self.orderUpdates[index].order = order
        } else {
            self.orderUpdates.append(OrderUpdate(order: order, from: previous.status))
        }
        self.dirty = true
    }

    mutating func insert(_ order: Order) {
        self.orders.append(order)
        self.newOrders.append(order)
        self.dirty = true
    }

    /// This attempt's share of the next commit.
    var step: AttemptStep {
        AttemptStep(attempt: self.attempt, expected: self.expected, newOrders: self.newOrders,
                    orderUpdates: self.orderUpdates, bookings: self.bookings)
    }

    init(attempt: CopyAttempt, profile: CopyProfile?, wallet: TradingWallet?, event: LeaderEvent?, orders: [Order],
         exposure: EntrySizing.Exposure, held: Shares, sellable: Shares) {
        self.attempt = attempt
        self.expected = attempt.status
        self.stored = (attempt, orders)
        self.profile = profile
        self.wallet = wallet
        self.event = event
        self.orders = orders
        self.exposure = exposure
        self.held = held
        self.sellable = sellable
    }

    /// Its step was refused: back to the attempt and orders as stored, nothing pending.
    mutating func rollBack() {
        self.attempt = self.stored.attempt
        self.orders = self.stored.orders
        self.newOrders = []
        self.orderUpdates = []
        self.bookings = []
        self.need = .open
        self.dirty = false
    }

    /// After its step committed: the stored row is now `attempt`.
    mutating func committed() {
        self.stored = (self.attempt, self.orders)
        self.expected = self.attempt.status
        self.newOrders = []
        self.orderUpdates = []
        self.bookings = []
        self.dirty = false
    }
}
