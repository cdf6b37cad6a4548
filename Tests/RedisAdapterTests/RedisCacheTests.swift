import Kernel
import KernelTesting
import Logging
import RedisAdapter
import Synchronization
import Testing

/// What the contract cannot see: the keys as Redis itself holds them, the connection's life,
/// and how the cache behaves when Redis is down or hung.
@Suite(.enabled(if: IntegrationEnvironment.shouldRun(IntegrationEnvironment.redisVariable)), .timeLimit(.minutes(1)))
struct RedisCacheTests {
    /// Tests that list every key of their database, so they run one after the other on an emptied one.
    @Suite(.serialized) struct RunbookKeys {
        @Test func heartbeatsAndHealthAreStoredUnderTheRunbooksExactKeys() async throws {
            let cache = try TestRedis.cache(database: TestRedis.runbookDatabase)
            _ = try await cache.send(["FLUSHDB"])
            let time = Timestamp(epochMilliseconds: 1_764_379_800_123)
            for worker in WorkerName.allCases { try await cache.recordHeartbeat(worker, at: time) }
            try await cache.set(#"{"healthy":true}"#, forKey: CacheKey.systemHealth, ttl: CacheKey.systemHealthTTL)

            let keys = try await cache.send(["KEYS", "*"])
            let copyTradingPing = try await cache.send(["GET", "worker:copy-trading:last-ping"])
            let pingTTL = try await cache.send(["TTL", "worker:copy-trading:last-ping"])
            let health = try await cache.send(["GET", "system:health"])
            await cache.shutdown()

            guard case .array(let elements) = keys else { throw UnexpectedReply(reply: keys) }
            // Spelled out as the runbook writes them, not derived from the code under test.
            #expect(Set(elements) == [
                .string("worker:copy-trading:last-ping"), .string("worker:auto-claim:last-ping"),
                .string("worker:health-check:last-ping"), .string("worker:position-sync:last-ping"),
                .string("worker:onboarding:last-ping"), .string("worker:notifications:last-ping"), .string("system:health"),
            ])
            #expect(copyTradingPing == .string("1764379800123"))
            #expect(pingTTL == .integer(-1))
            #expect(health == .string(#"{"healthy":true}"#))
        }

        @Test func redisOwnTTLOfSystemHealthIs120Seconds() async throws {
            let cache = try TestRedis.cache(database: TestRedis.runbookDatabase)
            _ = try await cache.send(["FLUSHDB"])
            try await cache.set(#"{"healthy":true}"#, forKey: CacheKey.systemHealth, ttl: CacheKey.systemHealthTTL)
            let ttl = try await cache.send(["TTL", "system:health"])
            await cache.shutdown()
            #expect(ttl == .integer(120) || ttl == .integer(119), "TTL system:health = \(ttl)")
        }
    }

    @Test func leasesLiveUnderLeaseKeysAndNobodyElsesIsEverDeleted() async throws {
        let cache = try TestRedis.cache(database: TestRedis.scratchDatabase)
        let lease = TestRedis.unique("lease")
        let acquired = try await cache.acquireLease(lease, holder: "worker-a", ttl: .seconds(30))
        let stored = try await cache.send(["GET", "lease:\(lease)"])
        let ttl = try await cache.send(["PTTL", "lease:\(lease)"])
        // worker-a's lease lapses (simulated by deleting it) and worker-b takes it; a late release
        // by worker-a must leave worker-b's lease alone.
        _ = try await cache.send(["DEL", "lease:\(lease)"])
        let takenOver = try await cache.acquireLease(lease, holder: "worker-b", ttl: .seconds(30))
        let lateRelease = try await cache.releaseLease(lease, holder: "worker-a")
        let lateRenewal = try await cache.acquireLease(lease, holder: "worker-a", ttl: .seconds(30))
        let holder = try await cache.send(["GET", "lease:\(lease)"])
        await cache.shutdown()

        #expect(acquired)
        #expect(stored == .string("worker-a"))
        guard case .integer(let milliseconds) = ttl else { throw UnexpectedReply(reply: ttl) }
        // The lease's own 30 s (not another TTL, not none), with room for a busy machine between
        // SET and PTTL.
        #expect(milliseconds > 20_000 && milliseconds <= 30_000)
        #expect(takenOver)
        #expect(!lateRelease)
        #expect(!lateRenewal)
        #expect(holder == .string("worker-b"))
    }

    @Test func theDatabaseIsSelectedOnEveryConnection() async throws {
        let key = TestRedis.unique("select")
        let writer = try TestRedis.cache(database: TestRedis.otherDatabase)
        let sameDatabase = try TestRedis.cache(database: TestRedis.otherDatabase)
        let otherDatabase = try TestRedis.cache(database: TestRedis.scratchDatabase)
        try await writer.set("in 12", forKey: key, ttl: .seconds(30))
        let seen = try await sameDatabase.value(forKey: key)
        let unseen = try await otherDatabase.value(forKey: key)
        for cache in [writer, sameDatabase, otherDatabase] { await cache.shutdown() }
        #expect(seen == "in 12")
        #expect(unseen == nil)
    }

    @Test func aKilledConnectionIsReplacedAndTheCallStillSucceeds() async throws {
        var configuration = try TestRedis.configuration(database: TestRedis.scratchDatabase)
        configuration.poolSize = 1
        configuration.clientName = "mirror-kill-\(UInt32.random(in: 0 ... .max))"
        let logs = LogCapture()
        let cache = RedisCache(configuration: configuration, logger: logs.logger)
        let admin = try TestRedis.cache(database: TestRedis.scratchDatabase)
        let key = TestRedis.unique("kill")
        try await cache.set("kept", forKey: key, ttl: .seconds(30))
        let before = try await Self.clientIDs(named: configuration.clientName, admin: admin)

        let killed = try await admin.send(["CLIENT", "KILL", "ID", String(try #require(before.first))])
        let afterKill = try await cache.value(forKey: key)
        let after = try await Self.clientIDs(named: configuration.clientName, admin: admin)
        await cache.shutdown()
        await admin.shutdown()

        #expect(before.count == 1)
        #expect(killed == .integer(1))
        #expect(afterKill == "kept")
        #expect(after.count == 1)
        #expect(after != before)
        #expect(logs.messages(at: .info).contains { $0.contains("reconnecting") })
    }

    @Test func aServerThatIsDownFailsFastAndThenWithoutTrying() async throws {
        let refusing = try LoopbackSocket(listening: false)
        let logs = LogCapture()
        let cache = RedisCache(
            configuration: RedisConfiguration(
                host: "127.0.0.1", port: refusing.port, connectTimeout: .seconds(2), initialBackoff: .seconds(30),
                maximumBackoff: .seconds(30)
            ),
            logger: logs.logger
        )
        let (first, _) = await timed { try await cache.recordHeartbeat(.copyTrading, at: .fixture) }
        let (second, _) = await timed { try await cache.value(forKey: "system:health") }
        await cache.shutdown()

        guard case .failure(RedisCacheError.connectFailed) = first else { throw UnexpectedOutcome(outcome: "\(first)") }
        guard case .failure(RedisCacheError.unavailable(_, let retryIn)) = second else {
            throw UnexpectedOutcome(outcome: "\(second)")
        }
        // Outcomes, not wall time: the refusal is a connect failure (not the connect timeout), and
        // the next call is turned away by the reconnect gate without touching the network.
        #expect(retryIn > .seconds(25))
        #expect(logs.messages(at: .error).count == 1)
        #expect(logs.messages(at: .error).first?.contains("Redis unreachable") == true)
    }

    @Test func aHungServerTimesOutOnceAndLaterCallsFailAtOnce() async throws {
        let hung = try LoopbackSocket(listening: true)
        let cache = RedisCache(
            configuration: RedisConfiguration(
                host: "127.0.0.1", port: hung.port, connectTimeout: .seconds(20), commandTimeout: .milliseconds(300),
                initialBackoff: .seconds(30), maximumBackoff: .seconds(30)
            ),
            logger: .quiet
        )
        let (first, firstTook) = await timed { try await cache.value(forKey: "system:health") }
        let (second, _) = await timed { try await cache.acquireLease("singleton", holder: "worker-a", ttl: .seconds(5)) }
        await cache.shutdown()

        guard case .failure(RedisCacheError.timedOut) = first else { throw UnexpectedOutcome(outcome: "\(first)") }
        guard case .failure(RedisCacheError.unavailable) = second else { throw UnexpectedOutcome(outcome: "\(second)") }
        // Bounded by the command timeout, not the (longer) connect timeout: the socket connects at once.
        #expect(firstTook >= .milliseconds(300) && firstTook < .seconds(15), "a hung server took \(firstTook)")
    }

    @Test func aWorkerKeepsTickingWhileRedisHangsAndOnlyItsFirstHeartbeatWaits() async throws {
        let hung = try LoopbackSocket(listening: true)
        let redis = RedisCache(
            configuration: RedisConfiguration(
                host: "127.0.0.1", port: hung.port, commandTimeout: .milliseconds(300),
                initialBackoff: .seconds(30), maximumBackoff: .seconds(30)
            ),
            logger: .quiet
        )
        let cache = HeartbeatOutcomes(redis)
        let (ticks, tick) = AsyncStream<Void>.makeStream()
        let worker = PeriodicWorker(
            name: .copyTrading, interval: .milliseconds(10), clock: ContinuousClock(),
            wallClock: WallClock { .fixture }, cache: cache, logger: .quiet
        ) { tick.yield() }
        let running = Task { try await worker.run() }
        var count = 0
        for await _ in ticks {
            count += 1
            if count == 10 { break }
        }
        running.cancel()
        _ = await running.result
        await redis.shutdown()
        // Only the first heartbeat waits out the command timeout; every later one is refused at
        // once by the reconnect gate (asserted by outcome, not by wall time).
        let outcomes = cache.outcomes.withLock { $0 }
        #expect(count == 10)
        #expect(outcomes.count >= 9)
        #expect(outcomes.first == "timedOut")
        #expect(outcomes.dropFirst().allSatisfy { $0 == "unavailable" }, "\(outcomes)")
    }

    @Test func aCallQueuedLongerThanTheCommandTimeoutFailsInsteadOfWaitingOn() async throws {
        var configuration = try TestRedis.configuration(database: TestRedis.scratchDatabase)
        configuration.poolSize = 1
        configuration.commandTimeout = .seconds(1)
        let cache = RedisCache(configuration: configuration, logger: .quiet)
        try await cache.ping()
        let emptyList = TestRedis.unique("blocking")
        // Three calls that each hold the only connection for 0.6 s: in whatever order they queue,
        // one starts at once, one after 0.6 s (within the limit), and the last, after 1.2 s, is refused.
        let outcomes = await withTaskGroup(of: Result<RedisReply, any Error>.self) { group in
            for _ in 0..<3 {
                group.addTask { await timed { try await cache.send(["BLPOP", emptyList, "0.6"]) }.0 }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let stillWorks = try await cache.send(["GET", emptyList])
        await cache.shutdown()

        let answered = outcomes.filter { if case .success(.null) = $0 { true } else { false } }
        let waits = outcomes.compactMap { outcome -> Duration? in
            guard case .failure(RedisCacheError.poolExhausted(_, let waited)) = outcome else { return nil }
            return waited
        }
        #expect(answered.count == 2, "\(outcomes)")
        #expect(waits.count == 1, "\(outcomes)")
        #expect(waits.allSatisfy { $0 > .seconds(1) })
        #expect(stillWorks == .null)
    }

    @Test func thePasswordNeverAppearsInErrorsOrLogs() async throws {
        let canary = "CANARY-redis-pw-\(UInt32.random(in: 0 ... .max))"
        let server = try TestRedis.configuration(database: TestRedis.scratchDatabase)
        let refusing = try LoopbackSocket(listening: false)
        let logs = LogCapture()
        var errors: [String] = []
        // An unknown user: the server refuses AUTH. A down server: connect fails. Both with the canary.
        for endpoint in [server.endpoint, "127.0.0.1:\(refusing.port)"] {
            let cache = try RedisCache(url: "redis://nobody-\(canary.suffix(4)):\(canary)@\(endpoint)/11", logger: logs.logger)
            let (result, _) = await timed { try await cache.ping() }
            let (retried, _) = await timed { try await cache.set("x", forKey: "y") }
            for case .failure(let error) in [result, retried] {
                errors.append(String(describing: error))
                errors.append(String(reflecting: error))
            }
            errors.append(cache.configuration.description)
            await cache.shutdown()
        }

        #expect(errors.count == 10)
        #expect(errors.contains { $0.contains("AUTH refused (WRONGPASS)") })
        #expect(!errors.contains { $0.contains(canary) }, "\(errors)")
        #expect(!logs.text.isEmpty)
        #expect(!logs.text.contains(canary), "\(logs.text)")
    }

    @Test func anACLUserAuthenticatesWithUserAndPassword() async throws {
        let admin = try TestRedis.cache(database: TestRedis.scratchDatabase)
        let user = "mirror-test-\(UInt32.random(in: 0 ... .max))"
        let password = "pw-\(UInt64.random(in: 0 ... .max))"
        _ = try await admin.send(["ACL", "SETUSER", user, "on", ">\(password)", "~*", "&*", "+@all"])
        let server = try TestRedis.configuration(database: TestRedis.scratchDatabase)
        let cache = try RedisCache(url: "redis://\(user):\(password)@\(server.endpoint)/11", logger: .quiet)
        let (whoami, _) = await timed { try await cache.send(["ACL", "WHOAMI"]) }
        await cache.shutdown()
        _ = try await admin.send(["ACL", "DELUSER", user])
        await admin.shutdown()
        #expect(try whoami.get() == .string(user))
    }

    @Test func callsAfterShutdownFailAndShutdownWaitsForTheThreads() async throws {
        let cache = try TestRedis.cache(database: TestRedis.scratchDatabase)
        try await cache.ping()
        await cache.shutdown()
        await #expect(throws: RedisCacheError.shutDown) { try await cache.ping() }
    }

    /// The ids of the server's connections with this client name.
    static func clientIDs(named name: String, admin: RedisCache) async throws -> [Int] {
        let list = try await admin.send(["CLIENT", "LIST"])
        guard case .string(let text) = list else { throw UnexpectedReply(reply: list) }
        return text.split(separator: "\n").compactMap { line -> Int? in
            let fields = line.split(separator: " ")
            guard fields.contains(Substring("name=\(name)")) else { return nil }
            return fields.first { $0.hasPrefix("id=") }.flatMap { Int($0.dropFirst(3)) }
        }
    }
}

struct UnexpectedReply: Error, CustomStringConvertible {
    let reply: RedisReply
    var description: String { "unexpected reply \(self.reply)" }
}

struct UnexpectedOutcome: Error, CustomStringConvertible {
    let outcome: String
    var description: String { "unexpected outcome \(self.outcome)" }
}

/// Forwards to a cache and records how each heartbeat ended: "ok" or the error's case name.
final class HeartbeatOutcomes: Cache {
    let base: any Cache
    let outcomes = Mutex<[String]>([])

    init(_ base: any Cache) { self.base = base }

    func recordHeartbeat(_ worker: WorkerName, at time: Timestamp) async throws {
        do {
            try await self.base.recordHeartbeat(worker, at: time)
            self.outcomes.withLock { $0.append("ok") }
        } catch {
            let name = switch error as? RedisCacheError {
            case .timedOut: "timedOut"
            case .unavailable: "unavailable"
            default: "other: \(error)"
            }
            self.outcomes.withLock { $0.append(name) }
            throw error
        }
    }
    func lastHeartbeat(_ worker: WorkerName) async throws -> Timestamp? { try await self.base.lastHeartbeat(worker) }
    func removeValue(forKey key: String) async throws { try await self.base.removeValue(forKey: key) }
    func set(_ value: String, forKey key: String, ttl: Duration) async throws { try await self.base.set(value, forKey: key, ttl: ttl) }
    func set(_ value: String, forKey key: String) async throws { try await self.base.set(value, forKey: key) }
    func value(forKey key: String) async throws -> String? { try await self.base.value(forKey: key) }
    func remainingTTL(forKey key: String) async throws -> Duration? { try await self.base.remainingTTL(forKey: key) }
    func acquireLease(_ name: String, holder: String, ttl: Duration) async throws -> Bool {
        try await self.base.acquireLease(name, holder: holder, ttl: ttl)
    }
    func releaseLease(_ name: String, holder: String) async throws -> Bool { try await self.base.releaseLease(name, holder: holder) }
    func increment(_ key: String, window: Duration) async throws -> WindowCount { try await self.base.increment(key, window: window) }
}
