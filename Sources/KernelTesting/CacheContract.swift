public import Kernel
public import Testing

/// A cache under test plus a way to move its time forward: an in-memory cache advances its
/// injected clock; a server-backed one sleeps real time. A wait a loaded machine lengthens must
/// not flip an outcome: a check before an expiry leaves it at least 2.9 s (a stall of a second
/// under the full suite has been seen), a check after one comes at least 800 ms past it; cases
/// advance at most 5 s in total and run in parallel.
public struct CacheHarness: Sendable {
    public let cache: any Cache
    private let advanceTime: @Sendable (Duration) async throws -> Void

    public init(cache: any Cache, advance: @escaping @Sendable (Duration) async throws -> Void) {
        self.cache = cache
        self.advanceTime = advance
    }

    /// Lets `duration` pass for the cache.
    public func advance(by duration: Duration) async throws { try await self.advanceTime(duration) }
}

/// The specification of ``Cache``. Cases use disjoint keys, lease names and workers, so they may
/// run in parallel against one server; a server-backed harness should still start each run empty.
public struct CacheContract: Sendable, CustomTestStringConvertible {
    public let name: String
    private let body: @Sendable (CacheHarness) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (CacheHarness) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var testDescription: String { self.name }

    /// Runs this case against the harness's cache, which must not hold this case's keys.
    public func run(on harness: CacheHarness) async throws { try await self.body(harness) }
}

extension CacheContract {
    public static let cases: [CacheContract] = [
        .init("a heartbeat writes worker:<name>:last-ping as epoch milliseconds with no TTL") { harness async throws in
            let cache = harness.cache
            let time = Timestamp(epochMilliseconds: 1_764_379_800_123)
            try await cache.recordHeartbeat(.copyTrading, at: time)
            let raw = try await cache.value(forKey: "worker:copy-trading:last-ping")
            let ttl = try await cache.remainingTTL(forKey: "worker:copy-trading:last-ping")
            let last = try await cache.lastHeartbeat(.copyTrading)
            #expect(raw == "1764379800123")
            #expect(ttl == nil)
            #expect(last == time)
        },
        .init("a later heartbeat replaces the earlier; a worker that never beat reads nil") { harness async throws in
            let cache = harness.cache
            try await cache.recordHeartbeat(.positionSync, at: .fixture)
            try await cache.recordHeartbeat(.positionSync, at: .fixture + .milliseconds(30_007))
            let last = try await cache.lastHeartbeat(.positionSync)
            let raw = try await cache.value(forKey: WorkerName.positionSync.heartbeatKey)
            let never = try await cache.lastHeartbeat(.autoClaim)
            #expect(last == .fixture + .milliseconds(30_007))
            #expect(raw == String(Timestamp.fixture.epochMilliseconds + 30_007))
            #expect(never == nil)
        },
        .init("a value set with a 120 s TTL reads back with 120 s less at most the time since") { harness async throws in
            let cache = harness.cache
            let key = "contract:ttl-120:system-health"
            let json = #"{"status":"ok","workers":[{"name":"copy-trading","up":true}]}"#
            let started = ContinuousClock.now
            try await cache.set(json, forKey: key, ttl: .seconds(120))
            let value = try await cache.value(forKey: key)
            let ttl = try #require(try await cache.remainingTTL(forKey: key))
            // At most the time spent since the set is gone (a server counts in whole milliseconds),
            // however long a loaded machine stalled; a stall never flips the check.
            let spent = ContinuousClock.now - started
            #expect(value == json)
            #expect(ttl >= .seconds(120) - spent - .milliseconds(1) && ttl <= .seconds(120), "remaining TTL \(ttl) after \(spent)")
        },
        .init("increment counts in a fixed window that later counts do not extend, then starts over") { harness async throws in
            let cache = harness.cache
            let key = "contract:window:counter"
            let window = Duration.milliseconds(1_500)
            let first = try await cache.increment(key, window: window)
            let second = try await cache.increment(key, window: window)
            #expect(first.count == 1 && second.count == 2)
            #expect(first.remaining <= window && second.remaining <= first.remaining, "\(first.remaining), \(second.remaining)")
            // Only waits that a slow machine can lengthen, never one it could make too short.
            try await harness.advance(by: .milliseconds(2_300))
            let fresh = try await cache.increment(key, window: window)
            #expect(fresh.count == 1, "a new window")
            #expect(fresh.remaining <= window)
        },
        .init("a value is gone once its TTL has passed") { harness async throws in
            let cache = harness.cache
            let key = "contract:expiry:value"
            try await cache.set("short-lived", forKey: key, ttl: .seconds(4))
            try await harness.advance(by: .seconds(1))
            let halfway = try await cache.value(forKey: key)
            let halfwayTTL = try #require(try await cache.remainingTTL(forKey: key))
            #expect(halfway == "short-lived")
            #expect(halfwayTTL <= .seconds(3) && halfwayTTL > .zero, "remaining TTL \(halfwayTTL)")
            try await harness.advance(by: .milliseconds(3_800))
            let after = try await cache.value(forKey: key)
            let afterTTL = try await cache.remainingTTL(forKey: key)
            #expect(after == nil)
            #expect(afterTTL == nil)
        },
        .init("a value set without a TTL never expires, and replaces an earlier TTL") { harness async throws in
            let cache = harness.cache
            let plain = "contract:no-ttl:plain"
            let replaced = "contract:no-ttl:replaced"
            try await cache.set("forever", forKey: plain)
            try await cache.set("temporary", forKey: replaced, ttl: .milliseconds(500))
            try await cache.set("now permanent", forKey: replaced)
            try await harness.advance(by: .milliseconds(1_300))
            let plainValue = try await cache.value(forKey: plain)
            let plainTTL = try await cache.remainingTTL(forKey: plain)
            let replacedValue = try await cache.value(forKey: replaced)
            let replacedTTL = try await cache.remainingTTL(forKey: replaced)
            #expect(plainValue == "forever")
            #expect(plainTTL == nil)
            #expect(replacedValue == "now permanent")
            #expect(replacedTTL == nil)
        },
        .init("setting a TTL'd key again replaces its value and its TTL") { harness async throws in
            let cache = harness.cache
            let key = "contract:reset-ttl:value"
            try await cache.set("first", forKey: key, ttl: .seconds(5))
            try await cache.set("second", forKey: key, ttl: .seconds(60))
            let value = try await cache.value(forKey: key)
            let ttl = try #require(try await cache.remainingTTL(forKey: key))
            #expect(value == "second")
            #expect(ttl > .seconds(59) && ttl <= .seconds(60), "remaining TTL \(ttl)")
        },
        .init("a missing key has no value and no TTL") { harness async throws in
            let value = try await harness.cache.value(forKey: "contract:missing:nothing-here")
            let ttl = try await harness.cache.remainingTTL(forKey: "contract:missing:nothing-here")
            #expect(value == nil)
            #expect(ttl == nil)
        },
        .init("a lease has one holder at a time; the holder may take it again") { harness async throws in
            let cache = harness.cache
            let lease = "contract:lease-one-holder"
            let first = try await cache.acquireLease(lease, holder: "worker-a", ttl: .seconds(30))
            let other = try await cache.acquireLease(lease, holder: "worker-b", ttl: .seconds(30))
            let again = try await cache.acquireLease(lease, holder: "worker-a", ttl: .seconds(30))
            #expect(first)
            #expect(!other)
            #expect(again)
        },
        .init("renewal by the holder extends the lease past its first expiry") { harness async throws in
            let cache = harness.cache
            let lease = "contract:lease-renewal"
            let first = try await cache.acquireLease(lease, holder: "worker-a", ttl: .seconds(2))
            try await harness.advance(by: .seconds(1))
            let renewed = try await cache.acquireLease(lease, holder: "worker-a", ttl: .seconds(4))
            try await harness.advance(by: .seconds(1))
            // 2.1 s after the first acquisition (past its expiry, ahead of the renewal's by ~2.9 s):
            // only the renewal keeps it held.
            try await harness.advance(by: .milliseconds(100))
            let other = try await cache.acquireLease(lease, holder: "worker-b", ttl: .seconds(2))
            #expect(first)
            #expect(renewed)
            #expect(!other)
        },
        .init("another holder is refused until the lease expires, then takes it") { harness async throws in
            let cache = harness.cache
            let lease = "contract:lease-expiry"
            let first = try await cache.acquireLease(lease, holder: "worker-a", ttl: .seconds(4))
            try await harness.advance(by: .seconds(1))
            let early = try await cache.acquireLease(lease, holder: "worker-b", ttl: .seconds(2))
            try await harness.advance(by: .milliseconds(3_800))
            let afterExpiry = try await cache.acquireLease(lease, holder: "worker-b", ttl: .seconds(30))
            let formerHolder = try await cache.acquireLease(lease, holder: "worker-a", ttl: .seconds(30))
            #expect(first)
            #expect(!early)
            #expect(afterExpiry)
            #expect(!formerHolder)
        },
        .init("release by a non-holder is refused; release by the holder frees the lease") { harness async throws in
            let cache = harness.cache
            let lease = "contract:lease-release"
            let acquired = try await cache.acquireLease(lease, holder: "worker-a", ttl: .seconds(30))
            let byOther = try await cache.releaseLease(lease, holder: "worker-b")
            let stillHeld = try await cache.acquireLease(lease, holder: "worker-b", ttl: .seconds(30))
            let byHolder = try await cache.releaseLease(lease, holder: "worker-a")
            let twice = try await cache.releaseLease(lease, holder: "worker-a")
            let takenOver = try await cache.acquireLease(lease, holder: "worker-b", ttl: .seconds(30))
            let neverHeld = try await cache.releaseLease("contract:lease-release:never", holder: "worker-a")
            #expect(acquired)
            #expect(!byOther)
            #expect(!stillHeld)
            #expect(byHolder)
            #expect(!twice)
            #expect(takenOver)
            #expect(!neverHeld)
        },
        .init("16 concurrent acquirers: exactly one holds the lease") { harness async throws in
            let cache = harness.cache
            let lease = "contract:lease-race"
            let winners = try await race { index in
                try await cache.acquireLease(lease, holder: "worker-\(Fixtures.padded(index))", ttl: .seconds(30))
            }
            #expect(winners.count == 1)
            let winner = try #require(winners.first)
            let renewed = try await cache.acquireLease(lease, holder: "worker-\(Fixtures.padded(winner))", ttl: .seconds(30))
            #expect(renewed)
        },
        .init("a removed value reads nil; removing a missing key is no error") { harness async throws in
            let cache = harness.cache
            let timed = "contract:remove:timed"
            let plain = "contract:remove:plain"
            try await cache.set("session", forKey: timed, ttl: .seconds(60))
            try await cache.set("kept", forKey: plain)
            try await cache.removeValue(forKey: timed)
            try await cache.removeValue(forKey: "contract:remove:never-set")
            let removed = try await cache.value(forKey: timed)
            let removedTTL = try await cache.remainingTTL(forKey: timed)
            let kept = try await cache.value(forKey: plain)
            #expect(removed == nil)
            #expect(removedTTL == nil)
            #expect(kept == "kept")
        },
    ]
}
