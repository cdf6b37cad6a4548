extension CopyAttempt {
    /// `copy_attempts.status` (ARCHITECTURE §3): `PENDING` → `DEFERRED` ⇄ `PENDING`,
    /// `PENDING` → `SKIPPED` | `PLACING` | `FAILED`, `PLACING` → `DONE` | `FAILED`.
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        case pending = "PENDING"
        /// The breaker is open or the exchange unreachable; returns to PENDING when due.
        case deferred = "DEFERRED"
        /// Terminal: a risk check said no; `skipReason` says which.
        case skipped = "SKIPPED"
        /// Owns one or more orders that are being sent or reconciled.
        case placing = "PLACING"
        /// Terminal: every order is final (the filled amount may be zero).
        case done = "DONE"
        /// Terminal: rejected for a reason retrying cannot fix.
        case failed = "FAILED"

        public var isTerminal: Bool { self == .skipped || self == .done || self == .failed }

        /// The status after `event`, or an error naming the illegal move.
        public func applying(_ event: Event) throws(IllegalTransition<Status, Event>) -> Status {
            switch (self, event) {
            case (.pending, .deferBySystem): return .deferred
            case (.deferred, .resume): return .pending
            case (.pending, .skip): return .skipped
            case (.pending, .startPlacing): return .placing
            case (.placing, .complete): return .done
            case (.pending, .fail), (.placing, .fail): return .failed
            default: throw IllegalTransition(from: self, event: event)
            }
        }
    }

    public enum Event: String, Hashable, Sendable, CaseIterable {
        /// Breaker open or exchange unreachable.
        case deferBySystem
        /// A deferred attempt is due again.
        case resume
        /// A risk check refused it.
        case skip
        /// An order is about to be signed for it.
        case startPlacing
        /// Every order it owns is final.
        case complete
        /// A permanent failure.
        case fail
    }
}
