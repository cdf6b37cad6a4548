/// What happens to a claimed attempt next, as a pure function of its durable state and the facts
/// in hand (ARCHITECTURE §3). The engine only reads the facts the planner asks for and carries out
/// the actions it returns; no decision is made anywhere else. Entry, exit, close-out, paper and
/// reconciliation are paths through ``next(_:_:settings:)``; ``afterPrepare(_:prepared:mode:settings:)``,
/// ``afterSend(_:answer:)`` and ``settlement(of:snapshot:conditionID:at:)`` plan what follows each
/// venue call.
public enum AttemptPlanner {
    /// Backoffs the planner chooses between (the engine's settings).
    public struct Settings: Hashable, Sendable {
        /// How long a deferred attempt (venue unreachable, breaker open) waits before a retry.
        public var deferBackoff: Duration
        /// How soon an order whose outcome is unknown is looked up again.
        public var reconcileBackoff: Duration
        /// How long an exit that is not yet flat waits before it sells the rest.
        public var exitRetryBackoff: Duration

        public init(deferBackoff: Duration = .seconds(5), reconcileBackoff: Duration = .seconds(2),
                    exitRetryBackoff: Duration = .seconds(5)) {
            self.deferBackoff = deferBackoff
            self.reconcileBackoff = reconcileBackoff
            self.exitRetryBackoff = exitRetryBackoff
        }
    }

    /// The next action for `attempt` given `facts`. An action that asks for a fact
    /// (``AttemptAction/readMarket(_:)``, ``AttemptAction/lookUp(_:)``) is answered by reading it
    /// and planning again.
    public static func next(_ attempt: CopyAttempt, _ facts: AttemptFacts, settings: Settings) -> AttemptAction {
        guard let profile = facts.profile, facts.hasWallet else { return .fail(note: "profile or wallet missing") }
        switch attempt.status {
        case .pending, .deferred:
            switch attempt.kind {
            case .entry: return self.entry(attempt, profile: profile, facts)
            case .exit, .closeOut: return self.exit(attempt, profile: profile, facts)
            }
        case .placing:
            return self.placing(attempt, profile: profile, facts, settings: settings)
        case .skipped, .done, .failed:
            return .release(dueIn: .zero)
        }
    }

    // MARK: Entry

    /// The ordered risk checks (``EntryChecks``), then sizing (``EntrySizing``) against the depth
    /// left in the shared book and the available balance.
    static func entry(_ attempt: CopyAttempt, profile: CopyProfile, _ facts: AttemptFacts) -> AttemptAction {
        guard let event = facts.event else { return .fail(note: "leader event missing") }
        let fill = event.fill
        // Cheap checks first: no venue read for a profile that is paused or a fill that is stale.
        if !profile.status.allowsEntries { return .skip(.profileNotActive) }
        if facts.now.since(fill.occurredAt) > profile.limits.maxFillAge { return .skip(.fillTooOld) }
        let book: MarketBook
        switch self.marketInHand(attempt, facts) {
        case .success(let known): book = known
        case .failure(let action): return action.action
        }
        let market = book.market
        if let reason = EntryChecks.firstFailure(profile: profile, fill: fill, market: market,
                                                 bestAsk: book.book.bestAsk, now: facts.now) {
            return .skip(reason)
        }
        let balance: Collateral
        if profile.mode == .paper {
            balance = Self.paperBalance(profile, facts.exposure)
        } else {
            switch facts.balance {
            case .unread: return .readBalance(profile.walletID)
            case .unavailable(let note): return .deferAttempt(note: note)
            case .refused(let note): return .fail(note: "the venue refused to report the balance: \(note)")
            case .known(let available): balance = available
            }
        }
        let limit = EntryChecks.limitPrice(leaderPrice: fill.price, maxSlippage: profile.limits.maxSlippage,
                                           tick: market.tickSize)
        let sizing = EntrySizing(
            sizing: profile.sizing, limits: profile.limits, leaderNotional: fill.notional,
            balance: balance,
            exposure: facts.exposure, limitPrice: limit,
            feePrice: EntryChecks.worstFeePrice(low: book.book.bestAsk ?? limit, high: limit),
            fee: market.takerFee, depth: book.book.depth(for: .buy, within: limit), minOrderSize: market.minOrderSize)
        switch sizing.evaluate() {
        case .skip(let reason):
            return .skip(reason)
        case .buy(let shares, let cost):
            let intent = OrderIntent(tokenID: attempt.tokenID, side: .buy, type: .fok, limitPrice: limit, shares: shares)
            return .place(intent, target: nil, cost: cost)
        }
    }

    /// The market and book in hand — or what to do without them: read them, defer for a venue
    /// that could not be asked, fail for one that refused.
    static func marketInHand(_ attempt: CopyAttempt, _ facts: AttemptFacts) -> Result<MarketBook, Instead> {
        switch facts.market {
        case .unread: .failure(Instead(.readMarket(attempt.tokenID)))
        case .unavailable(let note): .failure(Instead(.deferAttempt(note: note)))
        case .refused(let note): .failure(Instead(.fail(note: "the venue refused to describe the market: \(note)")))
        case .known(let known): .success(known)
        }
    }

    /// An action taken instead of going on, carried as `Result`'s failure.
    struct Instead: Error {
        let action: AttemptAction
        init(_ action: AttemptAction) { self.action = action }
    }

    /// Paper profiles spend a notional bankroll: their total budget (or $1,000) less what they hold.
    public static func paperBalance(_ profile: CopyProfile, _ exposure: EntrySizing.Exposure) -> Collateral {
        max(.zero, (profile.limits.totalBudget ?? .dollars(1_000)) - exposure.total)
    }

    // MARK: Exit and close-out

    /// Sells the leader's fraction of what the profile can sell (all of it for a full exit or a
    /// close-out); the target is fixed here, so retries sell the rest of the same target.
    static func exit(_ attempt: CopyAttempt, profile: CopyProfile, _ facts: AttemptFacts) -> AttemptAction {
        if attempt.kind == .exit, facts.event == nil { return .fail(note: "leader event missing") }
        if !attempt.kind.isAllowed(by: profile.status) { return .skip(.profileNotActive) }
        let book: MarketBook
        switch self.marketInHand(attempt, facts) {
        case .success(let known): book = known
        case .failure(let action): return action.action
        }
        let market = book.market
        // A closed market's shares are held to resolution and redeemed by auto-claim.
        if !market.acceptingOrders || market.resolved == true { return .skip(.marketClosed) }
        // Nothing but dust (or nothing at all): the exit ends here; the dust is held to resolution.
        guard facts.sellable.baseUnits > 0 else { return .skip(.nothingToSell) }
        let target = facts.event.map {
            ExitSizing.target(available: facts.sellable, leaderSold: $0.fill.size,
                              leaderBefore: $0.leaderPositionBefore, minOrderSize: market.minOrderSize)
        } ?? facts.sellable
        guard target >= market.minOrderSize, target.baseUnits > 0 else { return .skip(.belowExchangeMinimum) }
        return self.sell(attempt, profile: profile, target: target, sold: .zero, book: book, facts)
    }

    /// The next sell of an exit: what is left of `target` (never more than held) in whole
    /// hundredths, FAK at the best bid less the sell-slippage allowance.
    static func sell(_ attempt: CopyAttempt, profile: CopyProfile, target: Shares, sold: Shares, book: MarketBook,
                     _ facts: AttemptFacts) -> AttemptAction {
        let starting = attempt.status != .placing ? target : nil
        let shares = min(target - sold, facts.held).orderable
        guard shares.baseUnits > 0 else {
            return .complete(self.completion(facts.orders, note: sold.baseUnits > 0 ? nil : "nothing left to sell"),
                             target: starting)
        }
        let market = book.market
        if !market.acceptingOrders || market.resolved == true {
            return .complete(self.completion(facts.orders, note: "market closed with \(shares) shares unsold; held to resolution"),
                             target: starting)
        }
        if shares < market.minOrderSize {
            return .complete(self.completion(
                facts.orders, note: "\(shares) shares left, below the exchange minimum of \(market.minOrderSize)"),
                target: starting)
        }
        guard let bid = book.book.bestBid else { return .waitForBids(target: starting) }
        let limit = ExitSizing.limitPrice(bestBid: bid, maxSellSlippage: profile.limits.maxSellSlippage, tick: market.tickSize)
        let intent = OrderIntent(tokenID: attempt.tokenID, side: .sell, type: .fak, limitPrice: limit, shares: shares)
        return .place(intent, target: target, cost: .zero)
    }

    // MARK: Placing: reconcile, then settle

    /// An attempt that owns orders: bring each open one in line with the venue (send what never
    /// left, look up what may have), then complete it — or, for an exit short of its target,
    /// sell the rest once the retry backoff has passed.
    static func placing(_ attempt: CopyAttempt, profile: CopyProfile, _ facts: AttemptFacts,
                        settings: Settings) -> AttemptAction {
        let allowed = attempt.kind.isAllowed(by: profile.status)
        if let order = facts.orders.first(where: { !$0.status.isTerminal }) {
            switch order.status {
            case .signed:
                // Persisted, never sent: send the stored bytes, unless the profile stopped meanwhile.
                return allowed ? .send(order) : .cancelUnsent(order, note: "profile no longer active before send")
            case .submitted, .unknown, .live:
                switch facts.lookups[order.id] {
                case nil, .unread?: return .lookUp(order)
                case .unavailable?, .refused?: return .release(dueIn: settings.deferBackoff)
                case .known(let snapshot?)?: return .settle(order, snapshot)
                case .known(nil)?:
                    // The venue never saw it: the very same bytes again (same hash, so at most one order).
                    return allowed ? .send(order) : .cancelUnsent(order, note: "profile no longer active before resend")
                }
            case .filled, .partiallyFilled, .killed, .rejected, .canceled:
                preconditionFailure("unreachable: the order is open")
            }
        }
        let sold = facts.orders.reduce(Shares.zero) { $0 + $1.filledShares }
        if attempt.kind.sells, let target = attempt.targetShares, facts.orders.last?.status != .rejected,
           sold + Shares.orderStep <= target, allowed {
            let due = (facts.orders.map(\.updatedAt).max() ?? attempt.updatedAt) + settings.exitRetryBackoff
            guard facts.orders.isEmpty || facts.now >= due else { return .release(dueIn: due.since(facts.now)) }
            switch facts.market {
            case .unread: return .readMarket(attempt.tokenID)
            case .unavailable, .refused: return .release(dueIn: settings.exitRetryBackoff)
            case .known(let book): return self.sell(attempt, profile: profile, target: target, sold: sold, book: book, facts)
            }
        }
        return .complete(self.completion(facts.orders, note: nil), target: nil)
    }

    /// DONE with what filled and at what average price — FAILED when the only outcome was a rejection.
    public static func completion(_ orders: [Order], note: String?) -> Completion {
        let filled = orders.reduce(Shares.zero) { $0 + $1.filledShares }
        let notional = orders.reduce(Collateral.zero) { $0 + $1.filledNotional }
        let rejected = orders.last.map { $0.status == .rejected } ?? false
        return Completion(
            failed: rejected && filled.baseUnits == 0, filledShares: filled,
            fillPrice: filled.baseUnits > 0
                ? Price(baseUnits: Int64(Int128(notional.baseUnits) * 1_000_000 / Int128(filled.baseUnits))) : nil,
            note: note ?? (rejected ? orders.last?.note : nil))
    }

    // MARK: After each venue call

    /// What follows preparing an order: a live order is signed and persisted before it is sent; a
    /// paper order fills against the book without being signed. A venue that could not be asked
    /// defers an entry and holds an exit for its retry; a refusal fails the attempt.
    public static func afterPrepare(_ attempt: CopyAttempt, prepared: VenueFact<PreparedOrder>, mode: TradingMode,
                                    settings: Settings) -> AttemptAction {
        let what = attempt.kind.sells ? "sell" : "order"
        switch prepared {
        case .known(let order): return mode == .paper ? .fillOnPaper(order) : .signAndPersist(order)
        case .unread: preconditionFailure("afterPrepare needs the prepare's outcome")
        case .unavailable(let note):
            return attempt.status == .placing ? .release(dueIn: settings.exitRetryBackoff) : .deferAttempt(note: note)
        case .refused(let note): return .fail(note: "\(what) refused before signing: \(note)")
        }
    }

    /// What follows a send: the venue's answer settles the order; no answer leaves it UNKNOWN,
    /// to be looked up by its hash.
    public static func afterSend(_ order: Order, answer: VenueFact<OrderSnapshot>) -> AttemptAction {
        switch answer {
        case .known(let snapshot): .settle(order, snapshot)
        // The venue read the order and turned it down: it is not on the book, and the same bytes
        // would be refused again.
        case .refused(let note): .settle(order, OrderSnapshot(orderID: order.id, state: .rejected(code: "REFUSED", message: note)))
        case .unavailable(let note): .markUnknown(order, note: "send outcome unknown: \(note)")
        case .unread: .markUnknown(order, note: "send outcome unknown")
        }
    }

    /// The order row after the venue's view `snapshot`, and the fill it books (the difference to
    /// what was booked before); `nil` when nothing changed.
    public static func settlement(of order: Order, snapshot: OrderSnapshot, conditionID: String,
                                  at time: Timestamp) -> Settlement? {
        let event: Order.Event? = switch snapshot.state {
        case .live: order.status == .live ? nil : .accept
        case .filled: .fill
        case .partiallyFilled: .fillPartly
        case .killed: .kill
        case .canceled: snapshot.filledShares.baseUnits > 0 ? .fillPartly : .cancel
        case .rejected: .reject
        }
        guard let event, let status = try? order.status.applying(event) else { return nil }
        var updated = order
        updated.status = status
        updated.filledShares = snapshot.filledShares
        updated.filledNotional = snapshot.filledNotional
        updated.fee = snapshot.fee
        if case .rejected(let code, let message) = snapshot.state { updated.note = "\(code): \(message)" }
        updated.updatedAt = time
        let shares = updated.filledShares - order.filledShares
        let booking = shares.baseUnits > 0
            ? Booking(walletID: order.paper ? nil : order.walletID, profileID: order.profileID, tokenID: order.tokenID, conditionID: conditionID, side: order.side,
                      shares: shares, notional: updated.filledNotional - order.filledNotional,
                      fee: updated.fee - order.fee, at: time)
            : nil
        return Settlement(order: updated, booking: booking)
    }
}

/// A fact the engine may not have read yet.
public enum VenueFact<Value: Hashable & Sendable>: Hashable, Sendable {
    case unread
    case known(Value)
    /// The venue could not be asked (unreachable, breaker open): retrying may help.
    case unavailable(String)
    /// The venue refused; retrying the same cannot help.
    case refused(String)
}

extension WalletFunds {
    /// The balance a live buy is sized against: what is available — or, before the venue's
    /// balance was ever read, a fact not in hand yet, so the entry waits for position sync (and
    /// goes stale like any deferred entry) rather than being skipped for a balance nobody has read.
    public var plannedBalance: VenueFact<Collateral> {
        self.syncedBalance == nil ? .unavailable("the wallet's balance has not been read from the venue yet")
            : .known(self.available)
    }
}

/// A market's rules and its book — for a batch, the depth left after the orders planned before.
public struct MarketBook: Hashable, Sendable {
    public var market: MarketInfo
    public var book: OrderBook

    public init(market: MarketInfo, book: OrderBook) {
        self.market = market
        self.book = book
    }
}

/// What the planner is given about one attempt.
public struct AttemptFacts: Hashable, Sendable {
    public var now: Timestamp
    public var profile: CopyProfile?
    public var hasWallet: Bool
    /// The leader fill it mirrors (nil for a close-out).
    public var event: LeaderEvent?
    public var market: VenueFact<MarketBook>
    /// The follower's available balance (live entries), less what this batch already spends.
    public var balance: VenueFact<Collateral>
    public var exposure: EntrySizing.Exposure
    /// Shares the profile holds of the token.
    public var held: Shares
    /// Held less what open sells already offer, in whole hundredths.
    public var sellable: Shares
    /// The attempt's orders, oldest first.
    public var orders: [Order]
    /// The venue's view of open orders, by hash (`known(nil)`: never seen).
    public var lookups: [OrderID: VenueFact<OrderSnapshot?>]

    public init(now: Timestamp, profile: CopyProfile?, hasWallet: Bool, event: LeaderEvent? = nil,
                market: VenueFact<MarketBook> = .unread, balance: VenueFact<Collateral> = .unread,
                exposure: EntrySizing.Exposure = .init(market: .zero, total: .zero, today: .zero),
                held: Shares = .zero, sellable: Shares = .zero, orders: [Order] = [],
                lookups: [OrderID: VenueFact<OrderSnapshot?>] = [:]) {
        self.now = now
        self.profile = profile
        self.hasWallet = hasWallet
        self.event = event
        self.market = market
        self.balance = balance
        self.exposure = exposure
        self.held = held
        self.sellable = sellable
        self.orders = orders
        self.lookups = lookups
    }
}

/// What the engine does next for one attempt.
public enum AttemptAction: Hashable, Sendable {
    /// Terminal: a risk check said no.
    case skip(SkipReason)
    /// Terminal: nothing retrying can fix.
    case fail(note: String)
    /// The venue could not be asked: DEFERRED, due again after the defer backoff.
    case deferAttempt(note: String)
    /// Read the token's market and book (once per batch), then plan again.
    case readMarket(TokenID)
    /// Read the wallet's available balance (once per batch), then plan again.
    case readBalance(WalletID)
    /// Prepare this order at the venue; ``AttemptPlanner/afterPrepare(_:prepared:mode:settings:)``
    /// says what follows. `target` is an exit's total (fixed when decided); `cost` what a buy may spend.
    case place(OrderIntent, target: Shares?, cost: Collateral)
    /// Sign the prepared order once and persist it (with the attempt PLACING) before any send.
    case signAndPersist(PreparedOrder)
    /// Fill the prepared order against the book without sending it, booked like a live fill.
    case fillOnPaper(PreparedOrder)
    /// Send a persisted order's stored bytes: never sent, or the venue never saw them.
    case send(Order)
    /// Cancel a persisted order that was never sent: the profile no longer allows it.
    case cancelUnsent(Order, note: String)
    /// Ask the venue for an open order by its hash, then plan again.
    case lookUp(Order)
    /// Apply the venue's view to the order and book any fill, then plan again.
    case settle(Order, OrderSnapshot)
    /// The send's outcome is unknown: mark the order UNKNOWN and look it up later.
    case markUnknown(Order, note: String)
    /// Every order is final: DONE (or FAILED). `target` is set when an exit ends as it is decided.
    case complete(Completion, target: Shares?)
    /// An exit with no bids: hold it (PLACING with `target` when starting) for the retry backoff.
    case waitForBids(target: Shares?)
    /// Hand the claim back; due again after `dueIn`.
    case release(dueIn: Duration)
}

/// How an attempt ends.
public struct Completion: Hashable, Sendable {
    public var failed: Bool
    public var filledShares: Shares
    public var fillPrice: Price?
    public var note: String?

    public init(failed: Bool, filledShares: Shares, fillPrice: Price?, note: String?) {
        self.failed = failed
        self.filledShares = filledShares
        self.fillPrice = fillPrice
        self.note = note
    }
}

/// An order's row after the venue's answer, and the fill it books.
public struct Settlement: Hashable, Sendable {
    public var order: Order
    public var booking: Booking?

    public init(order: Order, booking: Booking?) {
        self.order = order
        self.booking = booking
    }
}
