/// A follow's recorded history as drag entries (issue #22): pure, so what counts and how exits are
/// replayed is tested without a store.
public enum QualityHistory {
    /// The note an entry skipped `PROFILE_NOT_ACTIVE` carries when the user had paused the follow:
    /// such attempts are left out of quality (the user chose not to copy), unlike an operator's pause.
    public static let userPausedNote = "skipped: the user paused this follow"

    /// Drag entries for one follow: `attempts` (all of it since the follow was created, any order)
    /// with their `orders` and leader `events`, counting those created at or after `since` (all
    /// when `nil`). Only finished attempts count (DONE, SKIPPED, FAILED); ones skipped because the
    /// user had paused are left out. An exit's q* is the leader's sold fraction of the *ideal*
    /// holding, replayed from the follow's first attempt (entries add their q*, exits take theirs
    /// away); an entry decided before q* was recorded counts its filled shares as q*.
    public static func entries(attempts: [CopyAttempt], orders: [Order], events: [LeaderEventID: LeaderEvent],
                               since: Timestamp?) -> [CopyDrag.Entry] {
        var filled: [AttemptID: (shares: Shares, notional: Collateral, fees: Collateral)] = [:]
        for order in orders where order.filledShares.baseUnits > 0 || order.fee.baseUnits > 0 {
            let sum = filled[order.attemptID] ?? (.zero, .zero, .zero)
            filled[order.attemptID] = (sum.shares + order.filledShares, sum.notional + order.filledNotional, sum.fees + order.fee)
        }
        var holding: [TokenID: Shares] = [:]
        var entries: [CopyDrag.Entry] = []
        let ordered = attempts.sorted { ($0.createdAt, $0.id.rawValue) < ($1.createdAt, $1.id.rawValue) }
        for attempt in ordered where !Self.leftOut(attempt) {
            let fill = filled[attempt.id] ?? (.zero, .zero, .zero)
            let ideal: Shares
            switch attempt.kind {
            case .entry:
                ideal = attempt.idealShares ?? fill.shares
                holding[attempt.tokenID, default: .zero] += ideal
            case .exit:
                let held = holding[attempt.tokenID] ?? .zero
                ideal = Self.soldFraction(of: held, event: attempt.leaderEventID.flatMap { events[$0] })
                holding[attempt.tokenID] = held - ideal
            case .closeOut:
                ideal = .zero
            }
            guard attempt.status.isTerminal, since.map({ attempt.createdAt >= $0 }) ?? true else { continue }
            entries.append(CopyDrag.Entry(
                attemptID: attempt.id, tokenID: attempt.tokenID, side: attempt.kind == .entry ? .buy : .sell,
                leaderPrice: attempt.kind == .closeOut ? nil : attempt.leaderPrice, idealShares: ideal,
                filledShares: fill.shares, filledNotional: fill.notional, decisionPrice: attempt.decisionPrice,
                fees: fill.fees, skipReason: attempt.status == .skipped ? attempt.skipReason : nil,
                failed: attempt.status == .failed))
        }
        return entries
    }

    /// Attempts quality ignores: skipped because the user had paused the follow.
    public static func leftOut(_ attempt: CopyAttempt) -> Bool {
        attempt.status == .skipped && attempt.skipReason == .profileNotActive && attempt.note == Self.userPausedNote
    }

    /// The leader's sold fraction (size / position before, at most all) of `held`, rounded down;
    /// all of it when the leader's position was not tracked.
    static func soldFraction(of held: Shares, event: LeaderEvent?) -> Shares {
        guard held.baseUnits > 0 else { return .zero }
        guard let event, let before = event.leaderPositionBefore, before > event.fill.size else { return held }
        return Shares(baseUnits: Int64(Int128(held.baseUnits) * Int128(event.fill.size.baseUnits) / Int128(before.baseUnits)))
    }
}
