public import Kernel
public import KernelTesting
public import PolymarketAdapter

/// The adapter's clock on a test's ``ManualWallClock``: `now` is the manual time, and a sleeper
/// returns once the test has moved the clock past its deadline — the adapter's pollers and rate
/// limiter wait on test time, never on the wall.
public struct ManualAdapterClock: AdapterClock {
    public let clock: ManualWallClock

    public init(_ clock: ManualWallClock) {
        self.clock = clock
    }

    public func now() -> Timestamp { self.clock.now() }

    public func sleep(until deadline: Timestamp) async throws {
        // Checks the manual clock every few milliseconds; cancellation ends the wait.
        while self.clock.now() < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
