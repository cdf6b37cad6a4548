import Kernel
import KernelTesting
import Synchronization
import Testing

@Suite struct CircuitBreakerTests {
    let clock = ManualWallClock()
    let breaker: CircuitBreaker

    init() {
        self.breaker = CircuitBreaker(
            service: "exchange",
            policy: CircuitBreaker.Policy(failureThreshold: 3, slowCallThreshold: .seconds(10), openDuration: .seconds(60)),
            wallClock: self.clock.wallClock)
    }

    func fail(_ error: VenueError = .unavailable("HTTP 503")) async {
        await #expect(throws: error) { try await self.breaker.run { () async throws -> Int in throw error } }
    }

    func succeed() async throws {
        #expect(try await self.breaker.run { 1 } == 1)
    }

    /// Opens the breaker with three outages; returns when it opened.
    func open() async -> Timestamp {
        for _ in 0..<3 { await self.fail() }
        return self.clock.now()
    }

    @Test func opensAfterTheThresholdOfConsecutiveOutages() async throws {
        await self.fail()
        await self.fail(.timeout)
        #expect(self.breaker.snapshot.state == .closed && self.breaker.snapshot.consecutiveFailures == 2)
        await self.fail(.rateLimited(retryAfter: nil))
        let snapshot = self.breaker.snapshot
        #expect(snapshot.service == "exchange" && snapshot.state == .open)
        #expect(snapshot.consecutiveFailures == 3 && snapshot.openedAt == self.clock.now())
    }

    @Test func aSuccessResetsTheCount() async throws {
        await self.fail()
        await self.fail()
        try await self.succeed()
        await self.fail()
        await self.fail()
        #expect(self.breaker.snapshot.state == .closed && self.breaker.snapshot.consecutiveFailures == 2)
    }

    @Test func slowCallsCountAsFailuresEvenWhenTheySucceed() async throws {
        for _ in 0..<2 {
            let value = try await self.breaker.run { () async throws -> Int in
                self.clock.advance(by: .seconds(10))
                return 7
            }
            #expect(value == 7, "a slow call still returns its result")
        }
        _ = try await self.breaker.run { () async throws -> Int in
            self.clock.advance(by: .milliseconds(9_999))
            return 7
        }
        #expect(self.breaker.snapshot.consecutiveFailures == 0, "just under the threshold is not slow")
        for _ in 0..<3 {
            _ = try await self.breaker.run { () async throws -> Int in
                self.clock.advance(by: .seconds(11))
                return 7
            }
        }
        #expect(self.breaker.snapshot.state == .open)
    }

    @Test func refusalsAndOtherErrorsDoNotCount() async throws {
        struct Unrelated: Error {}
        for _ in 0..<5 {
            await self.fail(.refused(status: 400, message: "bad request"))
            await #expect(throws: Unrelated.self) {
                try await self.breaker.run { () async throws -> Int in throw Unrelated() }
            }
            await #expect(throws: CancellationError.self) {
                try await self.breaker.run { () async throws -> Int in throw CancellationError() }
            }
        }
        #expect(self.breaker.snapshot.state == .closed && self.breaker.snapshot.consecutiveFailures == 0)
    }

    @Test func anOpenBreakerThrowsWithoutCalling() async throws {
        _ = await self.open()
        let calls = Counter()
        for _ in 0..<3 {
            await #expect(throws: VenueError.circuitOpen(service: "exchange")) {
                try await self.breaker.run { calls.increment() }
            }
        }
        #expect(calls.value == 0)
        #expect(VenueError.circuitOpen(service: "exchange").indicatesOutage == false)
    }

    @Test func halfOpensAfterTheWaitAndLetsExactlyOneTrialThrough() async throws {
        let openedAt = await self.open()
        self.clock.advance(by: .milliseconds(59_999))
        #expect(self.breaker.snapshot.state == .open)
        await #expect(throws: VenueError.circuitOpen(service: "exchange")) { try await self.succeed() }
        self.clock.advance(by: .milliseconds(1))
        let waited = self.breaker.snapshot
        #expect(waited.state == .halfOpen && waited.consecutiveFailures == 3 && waited.openedAt == openedAt)

        // The trial waits inside the service while a second call arrives.
        let (started, startedSignal) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
        let trial = Task {
            try await self.breaker.run { () async throws -> Int in
                startedSignal.yield()
                for await _ in release { break }
                return 1
            }
        }
        for await _ in started { break }
        let calls = Counter()
        await #expect(throws: VenueError.circuitOpen(service: "exchange")) {
            try await self.breaker.run { calls.increment() }
        }
        #expect(calls.value == 0)
        releaseSignal.yield()
        #expect(try await trial.value == 1)
        let closed = self.breaker.snapshot
        #expect(closed.state == .closed && closed.consecutiveFailures == 0 && closed.openedAt == nil)
        try await self.succeed()
    }

    @Test func aFailedTrialReopensForAnotherFullWait() async throws {
        _ = await self.open()
        self.clock.advance(by: .seconds(60))
        await self.fail()
        let reopened = self.breaker.snapshot
        #expect(reopened.state == .open && reopened.openedAt == self.clock.now())
        self.clock.advance(by: .seconds(59))
        await #expect(throws: VenueError.circuitOpen(service: "exchange")) { try await self.succeed() }
        self.clock.advance(by: .seconds(1))
        try await self.succeed()
        #expect(self.breaker.snapshot.state == .closed)
    }

    @Test func aTrialEndedByARefusalClosesTheBreaker() async throws {
        _ = await self.open()
        self.clock.advance(by: .seconds(60))
        await self.fail(.refused(status: 404, message: "no such order"))
        #expect(self.breaker.snapshot.state == .closed)
    }
}

/// A thread-safe call counter.
private final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { self.count.withLock { $0 += 1 } }
    var value: Int { self.count.withLock { $0 } }
}
