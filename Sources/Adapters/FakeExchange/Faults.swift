import Kernel

/// How a call to the fake venue fails before (or instead of) reaching it.
public enum FakeTransportFault: Hashable, Sendable {
    /// The call succeeds after this extra delay.
    case latency(Duration)
    /// HTTP 5xx: ``VenueError/unavailable(_:)``.
    case serverError(status: Int)
    /// HTTP 429: ``VenueError/rateLimited(retryAfter:)``.
    case rateLimited(retryAfter: Duration?)
    /// No answer: ``VenueError/timeout``.
    case timeout

    /// The error the call throws, if this fault makes it fail.
    var error: VenueError? {
        switch self {
        case .latency: nil
        case .serverError(let status): .unavailable("HTTP \(status) from the fake venue")
        case .rateLimited(let retryAfter): .rateLimited(retryAfter: retryAfter)
        case .timeout: .timeout
        }
    }
}

/// Which face of the venue a call uses.
public enum FakeService: String, Hashable, Sendable, CaseIterable {
    case exchange, relayer, feed
}

/// A fault the fake venue can be told to show; see `VenueFault` in KernelTesting, which this mirrors.
public enum FakeFault: Hashable, Sendable {
    /// Calls to `service` fail or lag; one occasion per call.
    case transport(FakeService, FakeTransportFault)
    /// Order submissions are carried out, then throw ``VenueError/timeout``; one per submission.
    case orderResponseLost
    /// Live streams stay connected and deliver nothing; one occasion per fill swallowed.
    case feedSilent
    /// Live streams deliver every fill twice; one occasion per fill.
    case feedDeliversTwice
    /// Live streams deliver each transaction's fills in reverse order; one per transaction.
    case feedDeliversOutOfOrder
    /// Relayer transactions are accepted, then fail without effect; one per transaction.
    case relayerTransactionFails
}

/// The faults in force, each with the occasions it has left (`nil`: until cleared).
struct FaultBoard: Sendable {
    private var entries: [(fault: FakeFault, remaining: Int?)] = []

    mutating func add(_ fault: FakeFault, times: Int?) {
        guard times.map({ $0 > 0 }) ?? true else { return }
        self.entries.append((fault, times))
    }

    mutating func clear() {
        self.entries.removeAll()
    }

    /// Uses up one occasion of the first fault `matches` accepts, and returns it.
    mutating func consume(_ matches: (FakeFault) -> Bool) -> FakeFault? {
        guard let index = self.entries.firstIndex(where: { matches($0.fault) }) else { return nil }
        let fault = self.entries[index].fault
        if let remaining = self.entries[index].remaining {
            if remaining <= 1 {
                self.entries.remove(at: index)
            } else {
                self.entries[index].remaining = remaining - 1
            }
        }
        return fault
    }

    /// Uses up one occasion of `fault` if it is in force.
    mutating func consume(_ fault: FakeFault) -> Bool {
        self.consume { $0 == fault } != nil
    }

    /// The transport fault for a call to `service`, if any, using up one occasion.
    mutating func transportFault(for service: FakeService) -> FakeTransportFault? {
        let fault = self.consume { fault in
            if case .transport(service, _) = fault { return true }
            return false
        }
        guard case .transport(_, let transport) = fault else { return nil }
        return transport
    }
}
