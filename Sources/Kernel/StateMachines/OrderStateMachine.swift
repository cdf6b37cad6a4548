extension Order {
    /// `orders.status` (ARCHITECTURE §3): `SIGNED` (persisted, not sent) → `SUBMITTED` (marked
    /// before the bytes leave) → `LIVE` → a terminal; `UNKNOWN` when a send's outcome was lost,
    /// resolved by looking the hash up (or resending the same bytes when the venue never saw it).
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        case signed = "SIGNED"
        case submitted = "SUBMITTED"
        case live = "LIVE"
        case unknown = "UNKNOWN"
        case filled = "FILLED"
        case partiallyFilled = "PARTIALLY_FILLED"
        case killed = "KILLED"
        case rejected = "REJECTED"
        case canceled = "CANCELED"

        public var isTerminal: Bool {
            switch self {
            case .filled, .partiallyFilled, .killed, .rejected, .canceled: true
            case .signed, .submitted, .live, .unknown: false
            }
        }

        /// Only an order that provably cannot fill any more lets its attempt sign another.
        public var provablyCannotFill: Bool { self.isTerminal }

        public func applying(_ event: Event) throws(IllegalTransition<Status, Event>) -> Status {
            switch (self, event) {
            case (.signed, .send), (.unknown, .resend): return .submitted
            case (.submitted, .accept), (.unknown, .accept): return .live
            case (.submitted, .loseResponse), (.live, .loseResponse): return .unknown
            case (.submitted, .fill), (.live, .fill), (.unknown, .fill): return .filled
            case (.submitted, .fillPartly), (.live, .fillPartly), (.unknown, .fillPartly): return .partiallyFilled
            case (.submitted, .kill), (.live, .kill), (.unknown, .kill): return .killed
            case (.submitted, .reject), (.unknown, .reject): return .rejected
            case (.signed, .cancel), (.submitted, .cancel), (.live, .cancel), (.unknown, .cancel): return .canceled
            default: throw IllegalTransition(from: self, event: event)
            }
        }
    }

    public enum Event: String, Hashable, Sendable, CaseIterable {
        /// Marked durable just before the signed bytes are sent.
        case send
        /// An UNKNOWN order the venue never saw is sent again — the same bytes.
        case resend
        /// The venue holds it on the book.
        case accept
        /// The response was lost (timeout, crash, dropped connection).
        case loseResponse
        case fill
        /// Some filled, the rest can never fill (FAK remainder killed, or canceled after a partial fill).
        case fillPartly
        /// Nothing filled and nothing can (FOK/FAK without liquidity).
        case kill
        case reject
        /// Canceled with nothing filled — including a signed order never sent because the profile paused.
        case cancel
    }
}
