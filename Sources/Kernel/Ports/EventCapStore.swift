/// The account-wide event cap (issue #22): `PATCH /me {"maxEventExposure"}` caps what all of a
/// user's live follows together may have committed across every outcome market of one event.
///
/// Every conformer must pass `AccountEventCapContract` (module `KernelTesting`). The cap is enforced twice:
/// the planner reduces an entry against ``accountEventExposure(userIDs:)``, and
/// ``CopyEventStore/commitAttemptSteps(_:)`` checks each step's ``AttemptStep/eventCap`` again under
/// the lock that persists its orders, counting the batch's earlier steps, so two workers can
/// never both pass it. The store learns which event a token is in from the steps it commits
/// (every new BUY under a check records its token's event), so a racing worker that never read
/// the other's market still counts it.
public protocol EventCapStore: Sendable {
    /// Sets the user's account-wide event cap (`nil` clears it) with its audit line, in one
    /// transaction. Throws ``StoreError/notFound(entity:key:)`` for an unknown user.
    func setMaxEventExposure(userID: UserID, _ cap: Collateral?, audit: AuditEntry?) async throws
    /// For each of `userIDs` that has an account-wide event cap: the cap and what the user's live
    /// follows have committed, per token (``EventCommitment``). Users without a cap are absent.
    func accountEventExposure(userIDs: Set<UserID>) async throws -> [UserID: AccountEventExposure]
}

/// A user's account-wide event cap and what their live follows have committed, per token.
public struct AccountEventExposure: Hashable, Sendable {
    public var cap: Collateral
    public var committed: [TokenID: Collateral]

    public init(cap: Collateral, committed: [TokenID: Collateral]) {
        self.cap = cap
        self.committed = committed
    }
}

/// What an account-wide event cap counts, in the planner and under the commit's lock alike: a
/// live position's cost basis, and an open live BUY's remaining shares at its limit (rounded up).
/// The fee is left out, so what the planner sized with its fee always fits when nothing raced it.
public enum EventCommitment {
    public static func of(positions: [Position], openBuys: [Order]) -> [TokenID: Collateral] {
        var committed: [TokenID: Collateral] = [:]
        for position in positions where position.costBasis.baseUnits > 0 {
            committed[position.tokenID, default: .zero] += position.costBasis
        }
        for order in openBuys where order.side == .buy && !order.paper && order.status.holdsReservation {
            committed[order.tokenID, default: .zero] += Self.of(OpenBuy(order))
        }
        return committed
    }

    /// An open BUY's share: its remaining shares at its limit, rounded up.
    public static func of(_ buy: OpenBuy) -> Collateral {
        buy.remaining.value(at: buy.limitPrice, rounding: .up)
    }
}

/// What ``AttemptStep/eventCap`` asks the commit to check: the user's committed in the event's
/// tokens plus the step's new live BUYs must stay within `cap`.
public struct EventCapCheck: Hashable, Sendable {
    public var userID: UserID
    public var eventID: String
    public var cap: Collateral
    /// The tokens the engine counts in the event: those it read to be in it, those whose event it
    /// could not read, and the step's own. The store adds the tokens it has recorded in the event.
    public var tokens: Set<TokenID>

    public init(userID: UserID, eventID: String, cap: Collateral, tokens: Set<TokenID>) {
        self.userID = userID
        self.eventID = eventID
        self.cap = cap
        self.tokens = tokens
    }

    /// Whether `step`'s new live BUYs fit: `committed` is the user's per token as stored (with
    /// the batch's earlier steps), `recorded` the tokens the store knows to be in the event.
    public func fits(_ step: AttemptStep, committed: [TokenID: Collateral], recorded: Set<TokenID>) -> Bool {
        let tokens = self.tokens.union(recorded)
        let inEvent = committed.reduce(Collateral.zero) { tokens.contains($1.key) ? $0 + $1.value : $0 }
        return inEvent + step.eventSpend <= self.cap
    }
}

extension AttemptStep {
    /// The new live BUY orders' share of an event cap (``EventCommitment/of(_:)``), per token.
    public var eventBuys: [TokenID: Collateral] {
        var buys: [TokenID: Collateral] = [:]
        for order in self.newOrders where order.side == .buy && !order.paper && order.status.holdsReservation {
            buys[order.tokenID, default: .zero] += EventCommitment.of(OpenBuy(order))
        }
        return buys
    }

    /// The sum of ``eventBuys``.
    public var eventSpend: Collateral { self.eventBuys.values.reduce(.zero, +) }
}
