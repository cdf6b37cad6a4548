@testable import RedisAdapter
import Testing

@Suite struct ReconnectGateTests {
    let start = ContinuousClock.Instant.now
    var gate = ReconnectGate(initialBackoff: .milliseconds(100), maximumBackoff: .milliseconds(350))

    @Test mutating func aClosedGateAdmitsEveryCall() {
        #expect(self.gate.admit(at: self.start) == .admitted(trial: false))
        #expect(self.gate.admit(at: self.start) == .admitted(trial: false))
        #expect(self.gate.record(outage: false, at: self.start) == .unchanged)
    }

    @Test mutating func aFailureRefusesCallsForTheBackoffThenAdmitsOneTrial() {
        #expect(self.gate.record(outage: true, at: self.start) == .opened(backoff: .milliseconds(100), consecutiveFailures: 1))
        #expect(self.gate.admit(at: self.start + .milliseconds(40)) == .refused(retryIn: .milliseconds(60)))
        #expect(self.gate.admit(at: self.start + .milliseconds(100)) == .admitted(trial: true))
        // While the trial runs, everyone else still fails fast.
        #expect(self.gate.admit(at: self.start + .milliseconds(101)) == .refused(retryIn: .zero))
        #expect(self.gate.record(outage: false, at: self.start + .milliseconds(102)) == .recovered)
        #expect(self.gate.admit(at: self.start + .milliseconds(103)) == .admitted(trial: false))
    }

    @Test mutating func theBackoffDoublesPerFailedTrialUpToTheMaximum() {
        var now = self.start
        var backoffs: [Duration] = []
        for _ in 0..<4 {
            guard case .opened(let backoff, _) = self.gate.record(outage: true, at: now) else { break }
            backoffs.append(backoff)
            now += backoff
            #expect(self.gate.admit(at: now) == .admitted(trial: true))
        }
        #expect(backoffs == [.milliseconds(100), .milliseconds(200), .milliseconds(350), .milliseconds(350)])
        #expect(self.gate.consecutiveFailures == 4)
    }

    @Test mutating func aQueuedCallIsRefusedOnceTheGateOpensButTheTrialRuns() {
        #expect(self.gate.admit(at: self.start) == .admitted(trial: false))
        _ = self.gate.record(outage: true, at: self.start)
        #expect(self.gate.mayStillRun(trial: false, at: self.start + .milliseconds(10)) == .refused(retryIn: .milliseconds(90)))
        #expect(self.gate.admit(at: self.start + .milliseconds(100)) == .admitted(trial: true))
        #expect(self.gate.mayStillRun(trial: true, at: self.start + .milliseconds(100)) == .admitted(trial: true))
        #expect(self.gate.mayStillRun(trial: false, at: self.start + .milliseconds(100)) == .refused(retryIn: .zero))
    }
}
