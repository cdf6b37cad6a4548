import Logging

/// Carrying out the planner's actions on a batch's working state, in memory: each becomes part
/// of the attempt's next durable step (``AttemptStep``). No I/O and no decisions here — the
/// planner decides, the commits write.
extension CopyEngine {
    /// A fact the planner asked for.
    enum FactRequest: Hashable, Sendable {
        case market(TokenID)
        case balance(WalletID)
        case lookUp(Order)
    }

    /// Plans `index` and carries the actions out until it waits for a fact, an order's
    /// preparation or send, or is decided for this batch.
    func advance(_ batch: inout Batch, _ index: Int) -> FactRequest? {
        let now = self.wallClock.now()
        // Settling an order, cancelling one or filling on paper lead to another plan; a handful
        // of rounds covers every path (settle → complete is the longest).
        for _ in 0..<8 where batch.works[index].need.isOpen {
            let facts = batch.facts(for: batch.works[index], now: now)
            let action = AttemptPlanner.next(batch.works[index].attempt, facts, settings: self.settings.planner)
            // Copy quality: q* and p_d as the first decision saw them (issue #22).
            batch.works[index].attempt = DecisionRecord.recorded(batch.works[index].attempt, action: action, facts: facts)
            switch action {
            case .readMarket(let token): return .market(token)
            case .readBalance(let wallet): return .balance(wallet)
            case .lookUp(let order): return .lookUp(order)
            default:
                do {
                    try self.carryOut(action, &batch, index, at: now)
                } catch {
                    // An illegal transition means the stored row moved under us: leave it alone.
                    self.logger.error("attempt action not applicable", metadata: [
                        "attempt.id": "\(batch.works[index].attempt.id)", "error": "\(error)",
                    ])
                    batch.works[index].lost = true
                    batch.works[index].need = .settled
                }
            }
        }
        return nil
    }

    /// Applies one planned action to the attempt's working state.
    func carryOut(_ action: AttemptAction, _ batch: inout Batch, _ index: Int, at now: Timestamp) throws {
        var work = batch.works[index]
        defer { batch.works[index] = work }
        let planner = self.settings.planner
        switch action {
        case .skip(let reason):
            try work.apply(.skip)
            work.attempt.skipReason = reason
            CopyMetrics.skipped(reason)
        case .fail(let note):
            try work.apply(.fail)
            work.attempt.note = note
        case .deferAttempt(let note):
            if work.attempt.status == .deferred { try work.apply(.resume) }
            try work.apply(.deferBySystem)
            work.attempt.note = "deferred: \(note)"
            work.release(dueIn: planner.deferBackoff, now: now)
        case .place(let intent, let target, let cost):
            if work.attempt.status != .placing {
                try work.apply(.startPlacing)
                work.attempt.targetShares = target
            }
            work.sizedAgainst = batch.fanOut.market(for: intent.tokenID).known
            if let wallet = work.wallet {
                batch.fanOut.planned(intent, cost: cost, attempt: work.attempt, walletID: wallet.id)
            }
            work.need = .prepare(intent)
        case .signAndPersist(let prepared):
            work.need = .sign(prepared)
        case .fillOnPaper(let prepared):
            guard let sized = work.sizedAgainst, let wallet = work.wallet else { throw MissingFacts() }
            let order = PaperFill.order(prepared, attempt: work.attempt, walletID: wallet.id, index: work.orders.count,
                                        book: sized.book, fee: sized.market.takerFee, at: now)
            work.insert(order)
            if order.filledShares.baseUnits > 0 {
                work.bookings.append(Booking(
                    walletID: nil, profileID: order.profileID, tokenID: order.tokenID, conditionID: work.attempt.conditionID ?? "",
                    side: order.side, shares: order.filledShares, notional: order.filledNotional, fee: order.fee, at: now))
            }
            work.need = .open
        case .send(let order):
            // SUBMITTED durably (this batch's first commit) before the bytes leave.
            var submitted = order
            if order.status != .submitted {
                submitted.status = try order.status.applying(order.status == .unknown ? .resend : .send)
                submitted.submittedAt = now
                submitted.updatedAt = now
                work.replace(submitted, from: order)
            }
            work.attempt.sentAt = work.attempt.sentAt ?? now
            work.dirty = true
            work.need = .send(submitted)
        case .cancelUnsent(let order, let note):
            var canceled = order
            canceled.status = try order.status.applying(.cancel)
            canceled.note = note
            canceled.updatedAt = now
            work.replace(canceled, from: order)
            work.need = .open
        case .settle(let order, let snapshot):
            work.lookups[order.id] = .known(snapshot)
            guard let settlement = AttemptPlanner.settlement(
                of: order, snapshot: snapshot, conditionID: work.attempt.conditionID ?? "", at: now)
            else {
                // The venue's view is what we hold (an order still resting): look again later.
                work.release(dueIn: planner.reconcileBackoff, now: now)
                return
            }
            work.replace(settlement.order, from: order)
            if let booking = settlement.booking { work.bookings.append(booking) }
            work.need = .open
        case .markUnknown(let order, let note):
            var unknown = order
            unknown.status = try order.status.applying(.loseResponse)
            unknown.note = note
            unknown.updatedAt = now
            work.replace(unknown, from: order)
            work.release(dueIn: planner.reconcileBackoff, now: now)
        case .complete(let completion, let target):
            if work.attempt.status != .placing {
                try work.apply(.startPlacing)
                work.attempt.targetShares = target
            }
            try work.apply(completion.failed ? .fail : .complete)
            work.attempt.filledShares = completion.filledShares
            work.attempt.fillPrice = completion.fillPrice
            if let note = completion.note { work.attempt.note = note }
        case .waitForBids(let target):
            if work.attempt.status != .placing {
                try work.apply(.startPlacing)
                work.attempt.targetShares = target
            }
            self.logger.info("exit waits for bids", metadata: ["attempt.id": "\(work.attempt.id)"])
            work.release(dueIn: planner.exitRetryBackoff, now: now)
        case .release(let dueIn):
            work.release(dueIn: dueIn, now: now)
        case .readMarket, .readBalance, .lookUp:
            preconditionFailure("facts are read by the engine, not carried out")
        }
        work.attempt.updatedAt = now
    }

    /// A prepared order (or the venue's refusal) goes back to the planner.
    func afterPrepare(_ batch: inout Batch, _ index: Int, _ prepared: VenueFact<PreparedOrder>) {
        let work = batch.works[index]
        let action = AttemptPlanner.afterPrepare(work.attempt, prepared: prepared, mode: work.profile?.mode ?? .live,
                                                 settings: self.settings.planner)
        batch.works[index].need = .open
        do {
            try self.carryOut(action, &batch, index, at: self.wallClock.now())
        } catch {
            batch.works[index].lost = true
            batch.works[index].need = .settled
        }
    }

    /// The signed order, SUBMITTED and stored with the attempt in the batch's first commit, before
    /// any of its bytes leave.
    func persistBeforeSend(_ batch: inout Batch, _ index: Int, prepared: PreparedOrder, payload: String,
                           at now: Timestamp) {
        var work = batch.works[index]
        defer { batch.works[index] = work }
        guard let wallet = work.wallet else { return }
        let intent = prepared.intent
        let order = Order(
            id: prepared.orderID, attemptID: work.attempt.id, profileID: work.attempt.profileID, walletID: wallet.id,
            tokenID: intent.tokenID, side: intent.side, type: intent.type, limitPrice: intent.limitPrice,
            shares: intent.shares, makerAmount: prepared.makerAmount, takerAmount: prepared.takerAmount,
            status: .submitted, signedPayload: payload, submittedAt: now, createdAt: now, updatedAt: now)
        work.insert(order)
        work.attempt.sentAt = work.attempt.sentAt ?? now
        work.attempt.updatedAt = now
        work.need = .send(order)
    }
}

/// The planner asked for a paper fill without the market it was sized against (cannot happen).
struct MissingFacts: Error {}

extension VenueFact {
    var known: Value? {
        if case .known(let value) = self { return value }
        return nil
    }
}
