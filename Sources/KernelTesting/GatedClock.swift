import Synchronization

/// A clock whose sleeps end only when the test opens the gate (``wake()``), whatever their
/// deadline; time itself does not matter to what it drives. Cancellation ends a sleep at once.
public final class GatedClock: Clock, Sendable {
    public typealias Duration = Swift.Duration

    public struct Instant: InstantProtocol {
        public var offset: Swift.Duration
        public func advanced(by duration: Swift.Duration) -> Instant { Instant(offset: self.offset + duration) }
        public func duration(to other: Instant) -> Swift.Duration { other.offset - self.offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct State {
        var next = 0
        var sleepers: [Int: CheckedContinuation<Void, any Error>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public var now: Instant { Instant(offset: .zero) }
    public var minimumResolution: Swift.Duration { .nanoseconds(1) }

    /// How many sleeps are waiting for the gate.
    public var sleeping: Int { self.state.withLock { $0.sleepers.count } }

    public func sleep(until deadline: Instant, tolerance: Swift.Duration?) async throws {
        let id = self.state.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelled = self.state.withLock { state -> Bool in
                    if Task.isCancelled { return true }
                    state.sleepers[id] = continuation
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            self.state.withLock { $0.sleepers.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
    }

    /// Ends every sleep now waiting.
    public func wake() {
        let woken = self.state.withLock { state in
            defer { state.sleepers = [:] }
            return Array(state.sleepers.values)
        }
        for sleeper in woken { sleeper.resume() }
    }

    /// Returns once at least `count` sleeps wait for the gate.
    public func untilSleeping(_ count: Int) async {
        while self.sleeping < count { await Task.yield() }
    }
}
