/// Decides which calls may reach Redis after connection failures, so an outage costs each call
/// nothing instead of a full timeout: after a failure calls are refused for a backoff (doubling
/// per consecutive failure, capped), then one trial call may try; its outcome closes the gate
/// or opens it again for longer. A pure value: the pool holds it under its lock.
struct ReconnectGate: Sendable {
    typealias Instant = ContinuousClock.Instant

    enum State: Hashable, Sendable {
        case closed
        case open(until: Instant)
        /// The backoff is over and one call is trying the server.
        case trialInFlight
    }

    enum Admission: Hashable, Sendable {
        case admitted(trial: Bool)
        case refused(retryIn: Duration)
    }

    enum Transition: Hashable, Sendable {
        case unchanged
        /// The first failure after success, or a failed trial: calls are refused for `backoff`.
        case opened(backoff: Duration, consecutiveFailures: Int)
        /// A call succeeded after failures.
        case recovered
    }

    let initialBackoff: Duration
    let maximumBackoff: Duration
    private(set) var state: State = .closed
    private(set) var consecutiveFailures = 0

    init(initialBackoff: Duration, maximumBackoff: Duration) {
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
    }

    /// Whether a new call may go ahead now; the first call after the backoff becomes the trial.
    mutating func admit(at now: Instant) -> Admission {
        switch self.state {
        case .closed:
            return .admitted(trial: false)
        case .open(let until) where now < until:
            return .refused(retryIn: until - now)
        case .open:
            self.state = .trialInFlight
            return .admitted(trial: true)
        case .trialInFlight:
            return .refused(retryIn: .zero)
        }
    }

    /// Whether a call admitted earlier (and queued since) may still run: not once the gate has
    /// opened in the meantime, unless it is the trial.
    func mayStillRun(trial: Bool, at now: Instant) -> Admission {
        switch self.state {
        case .closed: .admitted(trial: false)
        case _ where trial: .admitted(trial: true)
        case .open(let until): .refused(retryIn: max(.zero, until - now))
        case .trialInFlight: .refused(retryIn: .zero)
        }
    }

    /// Records how a call that ran ended: `outage` when the server or network failed it.
    mutating func record(outage: Bool, at now: Instant) -> Transition {
        guard outage else {
            let hadFailed = self.consecutiveFailures > 0 || self.state != .closed
            self.consecutiveFailures = 0
            self.state = .closed
            return hadFailed ? .recovered : .unchanged
        }
        self.consecutiveFailures += 1
        let doublings = min(self.consecutiveFailures - 1, 30)
        let backoff = min(self.initialBackoff * (1 << doublings), self.maximumBackoff)
        self.state = .open(until: now + backoff)
        return .opened(backoff: backoff, consecutiveFailures: self.consecutiveFailures)
    }
}
