public import Logging
import Metrics

/// The copy pipeline after detection (ARCHITECTURE §3): claim due attempts with a lease and a
/// fencing token, decide (ordered risk checks and sizing), then sign once, persist, and send;
/// reconcile orders whose outcome is not final; book fills into the profile's ledger.
///
/// Every write about an attempt presents the fencing token of the claim: a worker that lost its
/// lease (stalled, or another process took over) changes nothing and sends nothing more.
public struct CopyEngine: Sendable {
    public struct Settings: Hashable, Sendable {
        /// Who claims (a process-unique name), for the lease column.
        public var owner: String
        public var leaseDuration: Duration
        public var batchSize: Int
        /// How long a deferred attempt (venue unreachable, breaker open) waits before a retry.
        public var deferBackoff: Duration
        /// How soon an order whose outcome is unknown is looked up again.
        public var reconcileBackoff: Duration
        /// How long an exit that is not yet flat (thin bids, a FAK that matched nothing) waits
        /// before it sells the rest at the then-current bid.
        public var exitRetryBackoff: Duration

        public init(owner: String, leaseDuration: Duration = .seconds(30), batchSize: Int = 20,
                    deferBackoff: Duration = .seconds(5), reconcileBackoff: Duration = .seconds(2),
                    exitRetryBackoff: Duration = .seconds(5)) {
            self.owner = owner
            self.leaseDuration = leaseDuration
            self.batchSize = batchSize
            self.deferBackoff = deferBackoff
            self.reconcileBackoff = reconcileBackoff
            self.exitRetryBackoff = exitRetryBackoff
        }
    }

    /// Named points where tests inject a crash (the task dies there; a new engine resumes).
    public enum FaultPoint: String, Hashable, Sendable, CaseIterable {
        /// The signed order is stored; nothing has been sent.
        case afterPersist
        /// The order is marked SUBMITTED and its bytes are sent; the response is not yet read.
        case afterSend
        /// The venue's response is in hand; nothing about it is stored yet.
        case afterResponse
    }

    let store: any Store
    let exchange: any Exchange
    let vault: any KeyVault
    let wallClock: WallClock
    let ids: IDGenerator
    let settings: Settings
    let logger: Logger
    let faults: @Sendable (FaultPoint) async throws -> Void

    public init(store: any Store, exchange: any Exchange, vault: any KeyVault, wallClock: WallClock, ids: IDGenerator,
                settings: Settings, logger: Logger, faults: @escaping @Sendable (FaultPoint) async throws -> Void = { _ in }) {
        self.store = store
        self.exchange = exchange
        self.vault = vault
        self.wallClock = wallClock
        self.ids = ids
        self.settings = settings
        self.logger = logger
        self.faults = faults
    }

    /// Claims and processes one batch; returns how many attempts were claimed.
    @discardableResult
    public func runOnce() async throws -> Int {
        let claimed = try await self.store.claimAttempts(
            owner: self.settings.owner, now: self.wallClock.now(), leaseDuration: self.settings.leaseDuration,
            limit: self.settings.batchSize)
        for attempt in claimed {
            do {
                try await self.process(attempt)
            } catch let lost as LostLease {
                self.logger.notice("attempt lease lost; another worker owns it", metadata: ["attempt.id": "\(lost.attemptID)"])
            } catch let crash as SimulatedCrash {
                throw crash
            } catch {
                // Anything unexpected (a store hiccup): log it; the lease expires and the attempt
                // is claimed again, resuming from what is durable.
                self.logger.error("attempt processing failed", metadata: [
                    "attempt.id": "\(attempt.id)", "error": "\(String(describing: error))",
                ])
            }
        }
        return claimed.count
    }

    // MARK: Per attempt

    func process(_ claimed: CopyAttempt) async throws {
        var attempt = claimed
        if attempt.status == .deferred {
            attempt = try await self.write(attempt, event: .resume) { _ in }
        }
        switch attempt.status {
        case .pending: try await self.decide(attempt)
        case .placing: try await self.reconcile(attempt)
        case .deferred, .skipped, .done, .failed: try await self.release(attempt, dueIn: nil)
        }
    }

    private func decide(_ attempt: CopyAttempt) async throws {
        guard let profile = try await self.store.profile(id: attempt.profileID),
              let wallet = try await self.store.wallet(id: profile.walletID)
        else {
            _ = try await self.write(attempt, event: .fail) { $0.note = "profile or wallet missing" }
            return
        }
        let event = try await attempt.leaderEventID.asyncFlatMap { try await self.store.leaderEvent(id: $0) }
        switch (attempt.kind, event) {
        case (.entry, let event?): try await self.decideEntry(attempt, profile: profile, event: event, wallet: wallet)
        case (.exit, let event?): try await self.decideExit(attempt, profile: profile, leaderSale: event, wallet: wallet)
        case (.closeOut, _): try await self.decideExit(attempt, profile: profile, leaderSale: nil, wallet: wallet)
        case (.entry, nil), (.exit, nil):
            _ = try await self.write(attempt, event: .fail) { $0.note = "leader event missing" }
        }
    }

    private func decideEntry(_ attempt: CopyAttempt, profile: CopyProfile, event: LeaderEvent,
                             wallet: TradingWallet) async throws {
        let now = self.wallClock.now()
        let fill = event.fill
        let account = TradingAccount(wallet)
        // Cheap checks first: no venue call for a profile that is paused or a fill that is stale.
        if !profile.status.allowsEntries { return try await self.skip(attempt, .profileNotActive) }
        if now.since(fill.occurredAt) > profile.limits.maxFillAge { return try await self.skip(attempt, .fillTooOld) }

        let market: MarketInfo, book: OrderBook, balance: Collateral
        do {
            market = try await self.exchange.market(tokenID: fill.tokenID)
            book = try await self.exchange.orderBook(tokenID: fill.tokenID)
            balance = profile.mode == .paper ? .zero : try await self.exchange.collateralBalance(account: account)
        } catch let error as VenueError where error.isTransient {
            return try await self.deferAttempt(attempt, because: error)
        } catch let error as VenueError {
            _ = try await self.write(attempt, event: .fail) { $0.note = "the venue refused to describe the market: \(error)" }
            return
        }
        let exposure = try await self.exposure(of: profile, conditionID: market.conditionID, tokenID: fill.tokenID, now: now)
        if let reason = EntryChecks.firstFailure(profile: profile, fill: fill, market: market, bestAsk: book.bestAsk, now: now) {
            return try await self.skip(attempt, reason)
        }
        let limit = EntryChecks.limitPrice(leaderPrice: fill.price, maxSlippage: profile.limits.maxSlippage, tick: market.tickSize)
        let sizing = EntrySizing(
            sizing: profile.sizing, limits: profile.limits, leaderNotional: fill.notional,
            balance: profile.mode == .paper ? Self.paperBalance(profile, exposure) : balance, exposure: exposure,
            limitPrice: limit, feePrice: EntryChecks.worstFeePrice(low: book.bestAsk ?? limit, high: limit),
            fee: market.takerFee, depth: book.depth(for: .buy, within: limit), minOrderSize: market.minOrderSize)
        switch sizing.evaluate() {
        case .skip(let reason):
            try await self.skip(attempt, reason)
        case .buy(let shares, _):
            let intent = OrderIntent(tokenID: fill.tokenID, side: .buy, type: .fok, limitPrice: limit, shares: shares)
            // Paper orders are prepared too, so they carry the very amounts a live order would sign.
            let prepared: PreparedOrder
            do {
                prepared = try await self.exchange.prepareOrder(intent, account: account, at: now)
            } catch let error as VenueError where error.isTransient {
                return try await self.deferAttempt(attempt, because: error)
            } catch {
                // The venue's rules refuse this order as sized (not a transient failure).
                _ = try await self.write(attempt, event: .fail) { $0.note = "order refused before signing: \(error)" }
                return
            }
            let placing = try await self.write(attempt, event: .startPlacing) { _ in }
            if profile.mode == .paper {
                return try await self.paperFill(placing, prepared: prepared, book: book, market: market, wallet: wallet)
            }
            try await self.placeLive(placing, prepared: prepared, wallet: wallet, conditionID: market.conditionID)
        }
    }

    /// Paper profiles spend a notional bankroll: their total budget (or $1,000) less what they hold.
    static func paperBalance(_ profile: CopyProfile, _ exposure: EntrySizing.Exposure) -> Collateral {
        max(.zero, (profile.limits.totalBudget ?? .dollars(1_000)) - exposure.total)
    }

    /// Cost basis of positions plus open BUY orders, in this market and in total, and today's spend.
    private func exposure(of profile: CopyProfile, conditionID: String, tokenID: TokenID, now: Timestamp)
        async throws -> EntrySizing.Exposure
    {
        let positions = try await self.store.positions(profileID: profile.id)
        let dayStart = Timestamp(epochMilliseconds: now.epochMilliseconds - now.epochMilliseconds % 86_400_000)
        // Open orders are short-lived (FOK entries); a day's window covers them and today's spend.
        let recent = try await self.store.orders(profileID: profile.id, createdSince: dayStart - .seconds(86_400))
        let buys = recent.filter { $0.side == .buy }
        let openCost: (Order) -> Collateral = { $0.shares.value(at: $0.limitPrice, rounding: .up) }
        let open = buys.filter { !$0.status.isTerminal }
        let spent: (Order) -> Collateral = { $0.status.isTerminal ? $0.filledNotional + $0.fee : openCost($0) }
        return EntrySizing.Exposure(
            market: positions.filter { $0.conditionID == conditionID }.reduce(.zero) { $0 + $1.costBasis }
                + open.filter { $0.tokenID == tokenID }.reduce(.zero) { $0 + openCost($1) },
            total: positions.reduce(.zero) { $0 + $1.costBasis } + open.reduce(.zero) { $0 + openCost($1) },
            today: buys.filter { $0.createdAt >= dayStart }.reduce(.zero) { $0 + spent($1) })
    }

    // MARK: Sign once, persist, then send

    func placeLive(_ attempt: CopyAttempt, prepared: PreparedOrder, wallet: TradingWallet,
                           conditionID: String) async throws {
        let account = TradingAccount(wallet)
        let now = self.wallClock.now()
        let signature = try await self.vault.sign(
            digest: prepared.digest, with: wallet.sealedKey,
            binding: .tradingKey(userID: wallet.userID, address: wallet.signerAddress))
        let payload = try self.exchange.signedPayload(for: prepared, signature: signature, account: account)
        let order = Order(
            id: prepared.orderID, attemptID: attempt.id, profileID: attempt.profileID, walletID: wallet.id,
            tokenID: prepared.intent.tokenID, side: prepared.intent.side, type: prepared.intent.type,
            limitPrice: prepared.intent.limitPrice, shares: prepared.intent.shares,
            makerAmount: prepared.makerAmount, takerAmount: prepared.takerAmount, signedPayload: payload,
            createdAt: now, updatedAt: now)
        // Durable before the side effect it guards.
        try await self.store.insertOrder(order)
        try await self.faults(.afterPersist)
        try await self.send(order, attempt: attempt, wallet: wallet, conditionID: conditionID)
    }

    /// Sends a SIGNED order: re-reads the profile (a pause stops the send), marks the order
    /// SUBMITTED durably, sends, and applies the venue's answer.
    private func send(_ order: Order, attempt: CopyAttempt, wallet: TradingWallet, conditionID: String) async throws {
        guard let profile = try await self.store.profile(id: attempt.profileID), attempt.kind.isAllowed(by: profile.status) else {
            var canceled = order
            canceled.status = try order.status.applying(.cancel)
            canceled.note = "profile no longer active before send"
            canceled.updatedAt = self.wallClock.now()
            _ = try await self.store.updateOrder(canceled, from: order.status, booking: nil)
            return try await self.finishIfSettled(attempt, conditionID: conditionID)
        }
        let sentAt = self.wallClock.now()
        // Fence first: a worker that lost its claim must not send.
        var current = try await self.write(attempt, event: nil) { $0.sentAt = $0.sentAt ?? sentAt }
        var submitted = order
        submitted.status = try order.status.applying(order.status == .unknown ? .resend : .send)
        submitted.submittedAt = sentAt
        submitted.updatedAt = sentAt
        guard try await self.store.updateOrder(submitted, from: order.status, booking: nil) else {
            throw LostLease(attemptID: attempt.id)  // someone else is sending this order
        }
        let snapshot: OrderSnapshot
        do {
            snapshot = try await self.exchange.submitOrder(
                payload: order.signedPayload, orderID: order.id, account: TradingAccount(wallet))
            try await self.faults(.afterSend)
        } catch VenueError.refused(let status, let message) {
            // The venue read the order and turned it down: it is not on the book, and the same
            // bytes would be refused again.
            let refused = OrderSnapshot(orderID: order.id, state: .rejected(code: "HTTP \(status)", message: message))
            try await self.apply(refused, to: submitted, conditionID: conditionID)
            return try await self.finishIfSettled(current, conditionID: conditionID)
        } catch let error as VenueError {
            var unknown = submitted
            unknown.status = try submitted.status.applying(.loseResponse)
            unknown.note = "send outcome unknown: \(error)"
            unknown.updatedAt = self.wallClock.now()
            _ = try await self.store.updateOrder(unknown, from: submitted.status, booking: nil)
            return try await self.release(current, dueIn: self.settings.reconcileBackoff)
        }
        try await self.faults(.afterResponse)
        current = try await self.write(current, event: nil) { $0.acceptedAt = $0.acceptedAt ?? self.wallClock.now() }
        try await self.apply(snapshot, to: submitted, conditionID: conditionID)
        try await self.finishIfSettled(current, conditionID: conditionID)
    }

    /// Brings a stored order in line with the venue's view, booking any fill into the ledger in
    /// the same atomic step.
    func apply(_ snapshot: OrderSnapshot, to order: Order, conditionID: String,
               audit: ((Order) -> AuditEntry)? = nil) async throws {
        let event: Order.Event? = switch snapshot.state {
        case .live: order.status == .live ? nil : .accept
        case .filled: .fill
        case .partiallyFilled: .fillPartly
        case .killed: .kill
        case .canceled: snapshot.filledShares.baseUnits > 0 ? .fillPartly : .cancel
        case .rejected: .reject
        }
        guard let event else { return }
        var updated = order
        updated.status = try order.status.applying(event)
        updated.filledShares = snapshot.filledShares
        updated.filledNotional = snapshot.filledNotional
        updated.fee = snapshot.fee
        if case .rejected(let code, let message) = snapshot.state { updated.note = "\(code): \(message)" }
        updated.updatedAt = self.wallClock.now()
        let booking = try await self.booking(of: updated, previous: order, conditionID: conditionID)
        _ = try await self.store.updateOrder(updated, from: order.status, booking: booking, audit: audit?(updated))
    }

    /// The position after the fill difference between `order` and `previous` (nil: nothing had
    /// filled yet), or nil if nothing more filled.
    func booking(of order: Order, previous: Order?, conditionID: String) async throws -> Position? {
        let shares = order.filledShares - (previous?.filledShares ?? .zero)
        guard shares.baseUnits > 0 else { return nil }
        let notional = order.filledNotional - (previous?.filledNotional ?? .zero)
        let fee = order.fee - (previous?.fee ?? .zero)
        let position = try await self.store.position(profileID: order.profileID, tokenID: order.tokenID)
            ?? Position(profileID: order.profileID, tokenID: order.tokenID, conditionID: conditionID, updatedAt: order.updatedAt)
        return switch order.side {
        case .buy: position.bought(shares, notional: notional, fee: fee, at: order.updatedAt)
        case .sell: position.sold(shares, notional: notional, fee: fee, at: order.updatedAt)
        }
    }

    // MARK: Reconcile

    private func reconcile(_ attempt: CopyAttempt) async throws {
        guard let profile = try await self.store.profile(id: attempt.profileID),
              let wallet = try await self.store.wallet(id: profile.walletID)
        else {
            _ = try await self.write(attempt, event: .fail) { $0.note = "profile or wallet missing" }
            return
        }
        let conditionID = try await self.conditionID(of: attempt)
        for order in try await self.store.orders(attemptID: attempt.id) where !order.status.isTerminal {
            switch order.status {
            case .signed:
                // Crashed between persist and send: the bytes never left. Send them now (or cancel on pause).
                return try await self.send(order, attempt: attempt, wallet: wallet, conditionID: conditionID)
            case .submitted, .unknown, .live:
                let snapshot: OrderSnapshot?
                do {
                    snapshot = try await self.exchange.order(id: order.id, account: TradingAccount(wallet))
                } catch let error as VenueError {
                    self.logger.info("order lookup failed; will retry", metadata: ["order.id": "\(order.id)", "error": "\(error)"])
                    return try await self.release(attempt, dueIn: self.settings.deferBackoff)
                }
                if let snapshot {
                    try await self.apply(snapshot, to: order, conditionID: conditionID)
                } else {
                    // The venue never saw it: resend the very same bytes (same hash, so at most one order).
                    var unknown = order
                    if order.status != .unknown {
                        unknown.status = try order.status.applying(.loseResponse)
                        unknown.updatedAt = self.wallClock.now()
                        guard try await self.store.updateOrder(unknown, from: order.status, booking: nil) else {
                            throw LostLease(attemptID: attempt.id)
                        }
                    }
                    return try await self.send(unknown, attempt: attempt, wallet: wallet, conditionID: conditionID)
                }
            case .filled, .partiallyFilled, .killed, .rejected, .canceled:
                break
            }
        }
        try await self.finishIfSettled(attempt, conditionID: conditionID)
    }

    /// The market of the attempt's token, from its leader event or the profile's position
    /// (close-outs); empty when neither is known, which only a missing row can cause.
    private func conditionID(of attempt: CopyAttempt) async throws -> String {
        if let eventID = attempt.leaderEventID, let event = try await self.store.leaderEvent(id: eventID) {
            return event.fill.conditionID
        }
        return try await self.store.position(profileID: attempt.profileID, tokenID: attempt.tokenID)?.conditionID ?? ""
    }

    /// Completes the attempt when every order it owns is final, recording the fill; otherwise
    /// hands it back for a later look. An exit short of its target sells the rest (after
    /// ``Settings/exitRetryBackoff`` since its last order) while its profile still allows it.
    func finishIfSettled(_ attempt: CopyAttempt, conditionID: String) async throws {
        let orders = try await self.store.orders(attemptID: attempt.id)
        guard orders.allSatisfy(\.status.isTerminal) else {
            return try await self.release(attempt, dueIn: self.settings.reconcileBackoff)
        }
        if attempt.kind.sells, let target = attempt.targetShares, orders.last?.status != .rejected,
           orders.reduce(Shares.zero, { $0 + $1.filledShares }) + Shares.orderStep <= target,
           let profile = try await self.store.profile(id: attempt.profileID),
           attempt.kind.isAllowed(by: profile.status),
           let wallet = try await self.store.wallet(id: profile.walletID) {
            let now = self.wallClock.now()
            let due = (orders.map(\.updatedAt).max() ?? attempt.updatedAt) + self.settings.exitRetryBackoff
            if orders.isEmpty || now >= due {
                return try await self.sellRest(attempt, profile: profile, wallet: wallet, orders: orders)
            }
            return try await self.release(attempt, dueIn: due.since(now))
        }
        try await self.complete(attempt, orders: orders, note: nil)
    }

    /// Marks the attempt DONE (or FAILED when its only outcome was a rejection), recording what
    /// filled and at what average price.
    func complete(_ attempt: CopyAttempt, orders: [Order], note: String?) async throws {
        let filled = orders.reduce(Shares.zero) { $0 + $1.filledShares }
        let notional = orders.reduce(Collateral.zero) { $0 + $1.filledNotional }
        let rejected = orders.last.map { $0.status == .rejected } ?? false
        _ = try await self.write(attempt, event: rejected && filled.baseUnits == 0 ? .fail : .complete) {
            $0.filledShares = filled
            $0.fillPrice = filled.baseUnits > 0
                ? Price(baseUnits: Int64(Int128(notional.baseUnits) * 1_000_000 / Int128(filled.baseUnits))) : nil
            if rejected { $0.note = orders.last?.note }
            if let note { $0.note = note }
        }
    }

    // MARK: Paper

    /// Fills the prepared (never signed) order against the live book without sending anything,
    /// booked in the same ledger shape: a BUY takes the shares its market amounts buy from the
    /// asks up to its limit, a SELL hits bids down to it; FOK fills all or nothing, FAK what the
    /// book holds. So paper and live trade the same quantities.
    func paperFill(_ attempt: CopyAttempt, prepared: PreparedOrder, book: OrderBook, market: MarketInfo,
                   wallet: TradingWallet) async throws {
        let now = self.wallClock.now()
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
        let earlier = try await self.store.orders(attemptID: attempt.id).count
        let order = Order(
            id: OrderID("paper:\(attempt.id.rawValue)" + (earlier == 0 ? "" : ":\(earlier + 1)")), attemptID: attempt.id,
            profileID: attempt.profileID, walletID: wallet.id, tokenID: intent.tokenID, side: intent.side, type: intent.type,
            limitPrice: intent.limitPrice, shares: intent.shares, makerAmount: prepared.makerAmount,
            takerAmount: prepared.takerAmount,
            status: !fills ? .killed : shares == intent.shares ? .filled : .partiallyFilled, signedPayload: "",
            filledShares: shares, filledNotional: fills ? notional : .zero,
            fee: fills ? market.takerFee.takerFee(shares: shares, price: averagePrice) : .zero,
            paper: true, submittedAt: now, createdAt: now, updatedAt: now)
        try await self.store.insertOrder(order)
        if let position = try await self.booking(of: order, previous: nil, conditionID: market.conditionID) {
            try await self.store.savePosition(position)
        }
        try await self.finishIfSettled(attempt, conditionID: market.conditionID)
    }

    // MARK: Attempt writes (all fenced)

    func skip(_ attempt: CopyAttempt, _ reason: SkipReason) async throws {
        _ = try await self.write(attempt, event: .skip) { $0.skipReason = reason }
        Counter(label: "mirror.copy.skipped", dimensions: [("reason", reason.rawValue)]).increment()
    }

    func deferAttempt(_ attempt: CopyAttempt, because error: VenueError) async throws {
        _ = try await self.write(attempt, event: .deferBySystem) {
            $0.note = "deferred: \(error)"
            $0.dueAt = self.wallClock.now() + self.settings.deferBackoff
            $0.leaseOwner = nil
            $0.leaseExpiresAt = nil
        }
    }

    /// Gives the claim back so the attempt is due again after `dueIn` (now when nil).
    func release(_ attempt: CopyAttempt, dueIn: Duration?) async throws {
        _ = try await self.write(attempt, event: nil) {
            $0.leaseOwner = nil
            $0.leaseExpiresAt = nil
            $0.dueAt = self.wallClock.now() + (dueIn ?? .zero)
        }
    }

    /// Applies `event` (if any) and `change`, and writes under the claim's fencing token.
    /// Throws ``LostLease`` when the stored row moved on: the caller must stop.
    func write(_ attempt: CopyAttempt, event: CopyAttempt.Event?,
                       _ change: (inout CopyAttempt) -> Void) async throws -> CopyAttempt {
        var updated = attempt
        if let event { updated.status = try attempt.status.applying(event) }
        change(&updated)
        updated.updatedAt = self.wallClock.now()
        if updated.status.isTerminal {
            updated.leaseOwner = nil
            updated.leaseExpiresAt = nil
        }
        guard try await self.store.updateAttempt(updated, from: attempt.status) else {
            throw LostLease(attemptID: attempt.id)
        }
        if updated.status.isTerminal { self.logOutcome(updated) }
        return updated
    }

    private func logOutcome(_ attempt: CopyAttempt) {
        Counter(label: "mirror.copy.attempts", dimensions: [("status", attempt.status.rawValue)]).increment()
        var metadata: Logger.Metadata = [
            "attempt.id": "\(attempt.id)", "attempt.kind": "\(attempt.kind.rawValue)",
            "attempt.status": "\(attempt.status.rawValue)", "profile.id": "\(attempt.profileID)",
        ]
        if let price = attempt.leaderPrice { metadata["leader.price"] = "\(price)" }
        if let reason = attempt.skipReason { metadata["attempt.skip_reason"] = "\(reason.rawValue)" }
        if let note = attempt.note { metadata["attempt.note"] = "\(note)" }
        if attempt.filledShares.baseUnits > 0 {
            metadata["fill.shares"] = "\(attempt.filledShares)"
            metadata["fill.price"] = "\(attempt.fillPrice.map(\.description) ?? "-")"
        }
        if let sent = attempt.sentAt { metadata["latency.detect_to_send_ms"] = "\(sent.since(attempt.detectedAt).wholeMilliseconds)" }
        self.logger.info("copy attempt finished", metadata: metadata)
    }
}

/// Thrown by a test's fault hook to stand for the process dying at a ``CopyEngine/FaultPoint``.
public struct SimulatedCrash: Error, Hashable, Sendable {
    public let point: CopyEngine.FaultPoint
    public init(at point: CopyEngine.FaultPoint) { self.point = point }
}

/// The stored attempt no longer carries this claim's fencing token (or status): stop.
struct LostLease: Error {
    let attemptID: AttemptID
}
