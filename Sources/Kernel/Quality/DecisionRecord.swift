/// What an attempt records for copy quality when it is first decided (issue #22): q* and p_d,
/// and whether a skip was the user's own pause. Pure; the engine applies it to the attempt before
/// carrying the planner's action out, so the planner's decisions are unchanged.
public enum DecisionRecord {
    /// `attempt` with q*, p_d and the user-pause note filled in, when `action` is its first
    /// decision (a skip, an order, a completion or a wait while PENDING or DEFERRED); unchanged
    /// otherwise, so retries never move what the first decision saw.
    public static func recorded(_ attempt: CopyAttempt, action: AttemptAction, facts: AttemptFacts) -> CopyAttempt {
        guard attempt.status == .pending || attempt.status == .deferred else { return attempt }
        switch action {
        case .skip, .place, .complete, .waitForBids: break
        default: return attempt
        }
        var recorded = attempt
        if case .skip(.profileNotActive) = action, facts.profile?.status == .userPaused {
            recorded.note = QualityHistory.userPausedNote
        }
        if attempt.kind == .entry, let profile = facts.profile, let event = facts.event {
            recorded.idealShares = Self.idealShares(profile, fill: event.fill, facts: facts)
        }
        if case .known(let book) = facts.market {
            recorded.decisionPrice = attempt.kind == .entry ? book.book.bestAsk : book.book.bestBid
        }
        return recorded
    }

    /// q* of an entry: what the sizing asks for, in shares at the leader's price, before caps,
    /// balance, minimums and step rounding. A percent-of-balance follow needs the balance: known
    /// for paper (its notional bankroll) and once read for live; `nil` when decided before that.
    public static func idealShares(_ profile: CopyProfile, fill: LeaderFill, facts: AttemptFacts) -> Shares? {
        guard fill.price.baseUnits > 0 else { return nil }
        let wanted: Collateral
        switch profile.sizing {
        case .fixedUSD(let amount): wanted = amount
        case .proportional(let ratio): wanted = fill.notional.scaled(by: ratio)
        case .percentOfBalance(let ratio):
            if profile.mode == .paper {
                wanted = AttemptPlanner.paperBalance(profile, facts.exposure).scaled(by: ratio)
            } else if case .known(let balance) = facts.balance {
                wanted = balance.scaled(by: ratio)
            } else {
                return nil
            }
        }
        return wanted.shares(at: fill.price)
    }
}
