import InMemoryAdapter
import Kernel
import KernelTesting
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing

@Suite struct PeriodicWorkerTests {
    let wallClock = ManualWallClock()

    @Test(.timeLimit(.minutes(1)))
    func beatsAfterEveryTickAndStopsOnGracefulShutdown() async throws {
        let cache: any Cache = InMemoryCache(clock: self.wallClock.wallClock)
        let ticks = Mutex(0)
        let worker = PeriodicWorker(
            name: .copyTrading, interval: .milliseconds(1), clock: ContinuousClock(), wallClock: self.wallClock.wallClock,
            cache: cache, logger: Logger(label: "test")
        ) {
            ticks.withLock { $0 += 1 }
        }
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                while try await cache.value(forKey: "worker:copy-trading:last-ping") == nil {
                    try await Task.sleep(for: .milliseconds(1))
                }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()   // run() returned: shutdown honoured
            }
        }
        #expect(ticks.withLock { $0 } >= 1)
        let ping = try await cache.value(forKey: "worker:copy-trading:last-ping")
        #expect(ping == String(self.wallClock.now().epochMilliseconds))
        #expect(try await cache.remainingTTL(forKey: "worker:copy-trading:last-ping") == nil)
    }

    @Test(.timeLimit(.minutes(1)))
    func aFailingTickStillBeatsAndTheLoopGoesOn() async throws {
        let cache: any Cache = InMemoryCache(clock: self.wallClock.wallClock)
        let ticks = Mutex(0)
        struct Boom: Error {}
        let worker = PeriodicWorker(
            name: .autoClaim, interval: .milliseconds(1), clock: ContinuousClock(), wallClock: self.wallClock.wallClock,
            cache: cache, logger: Logger(label: "test")
        ) {
            ticks.withLock { $0 += 1 }
            throw Boom()
        }
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                while ticks.withLock({ $0 }) < 3 { try await Task.sleep(for: .milliseconds(1)) }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(try await cache.lastHeartbeat(.autoClaim) == self.wallClock.now())
    }

    @Test(.timeLimit(.minutes(1)))
    func aCacheOutageNeverStopsTheWorker() async throws {
        let ticks = Mutex(0)
        let worker = PeriodicWorker(
            name: .positionSync, interval: .milliseconds(1), clock: ContinuousClock(),
            wallClock: self.wallClock.wallClock, cache: UnreachableCache(), logger: Logger(label: "test")
        ) {
            ticks.withLock { $0 += 1 }
        }
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                while ticks.withLock({ $0 }) < 3 { try await Task.sleep(for: .milliseconds(1)) }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(ticks.withLock { $0 } >= 3)
    }
}

@Suite struct HealthCheckTests {
    let wallClock = ManualWallClock()

    @Test func allUpIsOkAndTheReportIsStoredFor120Seconds() async throws {
        let cache: any Cache = InMemoryCache(clock: self.wallClock.wallClock)
        try await cache.recordHeartbeat(.copyTrading, at: self.wallClock.now())
        let check = HealthCheck(probes: [HealthProbe(name: "database") {}], expectedWorkers: [.copyTrading],
                                cache: cache, wallClock: self.wallClock.wallClock)
        let report = try await check.run()
        #expect(report.status == .ok)
        #expect(report.workers == [.init(name: "copy-trading", lastPing: self.wallClock.now().epochMilliseconds, up: true)])
        let stored = try #require(try await cache.value(forKey: "system:health"))
        #expect(stored == report.jsonText())
        let ttl = try #require(try await cache.remainingTTL(forKey: "system:health"))
        #expect(ttl > .seconds(119) && ttl <= .seconds(120))
    }

    @Test func aHeartbeatOlderThanTwoMinutesIsDown() async throws {
        let cache: any Cache = InMemoryCache(clock: self.wallClock.wallClock)
        try await cache.recordHeartbeat(.copyTrading, at: self.wallClock.now())
        try await cache.recordHeartbeat(.autoClaim, at: self.wallClock.now() + .seconds(2))
        self.wallClock.advance(by: .seconds(121))
        let check = HealthCheck(probes: [], expectedWorkers: [.copyTrading, .autoClaim, .positionSync],
                                cache: cache, wallClock: self.wallClock.wallClock)
        let report = await check.report()
        #expect(report.status == .degraded)
        #expect(report.workers.map(\.up) == [false, true, false])
        #expect(report.workers[2].lastPing == nil)
    }

    @Test func aWorkerThatStopsIsDownInTheFirstReportAfterItsPingTurnsTwoMinutesOld() async throws {
        let cache: any Cache = InMemoryCache(clock: self.wallClock.wallClock)
        let check = HealthCheck(probes: [], expectedWorkers: [.copyTrading, .healthCheck], cache: cache,
                                wallClock: self.wallClock.wallClock)
        try await cache.recordHeartbeat(.copyTrading, at: self.wallClock.now())
        let first = try await check.run()
        #expect(first.status == .ok, "the health check's own first run counts itself up")
        #expect(first.workers.map(\.up) == [true, true])
        // copy-trading stops beating; the health check keeps running every 30 s.
        var reports: [HealthReport] = []
        for _ in 0..<5 {
            self.wallClock.advance(by: .seconds(30))
            reports.append(try await check.run())
        }
        #expect(reports.map { $0.workers[0].up } == [true, true, true, true, false],
                "up at 30, 60, 90 and 120 s; down from the first run past 120 s")
        let stored = try #require(try await cache.value(forKey: CacheKey.systemHealth))
        #expect(stored.contains(#"{"name":"copy-trading","lastPing":"#) && stored.contains(#""up":false}"#))
        #expect(stored.contains(#""status":"degraded""#))
    }

    @Test func aFailingProbeIsReportedByNameAndDegradesTheStatus() async throws {
        struct Refused: Error, CustomStringConvertible { var description: String { "connection refused" } }
        let cache: any Cache = InMemoryCache(clock: self.wallClock.wallClock)
        let check = HealthCheck(
            probes: [HealthProbe(name: "database") {}, HealthProbe(name: "exchange") { throw Refused() }],
            expectedWorkers: [], cache: cache, wallClock: self.wallClock.wallClock)
        let report = await check.report()
        #expect(report.status == .degraded)
        #expect(report.components == [
            .init(name: "database", up: true, detail: nil),
            .init(name: "exchange", up: false, detail: "connection refused"),
        ])
        #expect(report.jsonText().contains(#"{"name":"exchange","up":false,"detail":"connection refused"}"#))
    }
}

/// A cache that is always down, as Redis might be.
struct UnreachableCache: Cache {
    struct Down: Error {}
    func recordHeartbeat(_ worker: WorkerName, at time: Timestamp) async throws { throw Down() }
    func lastHeartbeat(_ worker: WorkerName) async throws -> Timestamp? { throw Down() }
    func set(_ value: String, forKey key: String, ttl: Duration) async throws { throw Down() }
    func set(_ value: String, forKey key: String) async throws { throw Down() }
    func value(forKey key: String) async throws -> String? { throw Down() }
    func removeValue(forKey key: String) async throws { throw Down() }
    func remainingTTL(forKey key: String) async throws -> Duration? { throw Down() }
    func acquireLease(_ name: String, holder: String, ttl: Duration) async throws -> Bool { throw Down() }
    func releaseLease(_ name: String, holder: String) async throws -> Bool { throw Down() }
}
