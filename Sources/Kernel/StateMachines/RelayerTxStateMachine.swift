extension RelayerTx {
    /// `relayer_txs.status` (ARCHITECTURE §3): `PENDING` → `SUBMITTED` → `MINED` → `CONFIRMED` |
    /// `FAILED`. FAILED is final for the workers; only an operator's retry moves it back to
    /// PENDING — the same row and idempotency key, so one withdrawal never becomes two transfers.
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        case pending = "PENDING"
        case submitted = "SUBMITTED"
        case mined = "MINED"
        case confirmed = "CONFIRMED"
        case failed = "FAILED"

        public var isTerminal: Bool { self == .confirmed }
        /// Workers leave these alone.
        public var isFinalForWorkers: Bool { self == .confirmed || self == .failed }

        public func applying(_ event: Event) throws(IllegalTransition<Status, Event>) -> Status {
            switch (self, event) {
            case (.pending, .submit): return .submitted
            case (.submitted, .mine): return .mined
            case (.submitted, .confirm), (.mined, .confirm): return .confirmed
            case (.pending, .fail), (.submitted, .fail), (.mined, .fail): return .failed
            case (.failed, .operatorRetry): return .pending
            default: throw IllegalTransition(from: self, event: event)
            }
        }

        /// Maps a relayer state string (spec §11.2) to the status it means; `nil` for a state this
        /// code does not know, which callers log and leave alone rather than guess.
        public init?(relayerState: String) {
            switch relayerState {
            case "STATE_NEW", "STATE_EXECUTED": self = .submitted
            case "STATE_MINED": self = .mined
            case "STATE_CONFIRMED": self = .confirmed
            case "STATE_FAILED", "STATE_INVALID": self = .failed
            default: return nil
            }
        }
    }

    public enum Event: String, Hashable, Sendable, CaseIterable {
        case submit
        case mine
        case confirm
        case fail
        /// `POST /admin/retry-relayer`.
        case operatorRetry
    }
}
