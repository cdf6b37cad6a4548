public import Kernel
public import Logging
import Metrics

/// The cache port on Redis, through hiredis on a small pool of dedicated threads.
///
/// Keys are the runbook's, byte for byte: `worker:<name>:last-ping` (epoch milliseconds, no TTL),
/// `system:health` and any other key as given. Leases live under `lease:<name>`, apart from
/// values, and are taken with `SET NX PX` and renewed or released by Lua scripts that first check
/// the holder, so nobody else's lease is ever extended or deleted.
///
/// Redis being down never blocks trading: after a failure calls fail at once with a
/// ``RedisCacheError`` until a reconnect attempt is due (backoff up to
/// ``RedisConfiguration/maximumBackoff``); each failure is counted in
/// `mirror_cache_redis_failures_total{reason}` and logged.
///
/// Constructing it does no I/O; call ``ping()`` to check the server at start-up, and
/// ``shutdown()`` when done (dropping the last reference also stops its threads).
public final class RedisCache: Cache {
    public let configuration: RedisConfiguration
    private let pool: ConnectionPool
    private let logger: Logger
    private let failureCounters: [String: Counter]

    /// Prefix of lease keys, keeping lease names apart from cache keys.
    public static let leaseKeyPrefix = "lease:"

    public init(configuration: RedisConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let opened = Counter(label: "mirror_cache_redis_connections_opened_total")
        self.pool = ConnectionPool(configuration: configuration, logger: logger) { opened.increment() }
        self.failureCounters = Dictionary(uniqueKeysWithValues: RedisCacheError.metricReasons.map { reason in
            (reason, Counter(label: "mirror_cache_redis_failures_total", dimensions: [("reason", reason)]))
        })
    }

    /// From `REDIS_URL`, e.g. `redis://:secret@cache.internal:6379/2`, with default timeouts.
    public convenience init(url: String, logger: Logger) throws(RedisCacheError) {
        self.init(configuration: try RedisConfiguration(url: url), logger: logger)
    }

    deinit { self.pool.beginShutdown() }

    /// Closes every connection; calls made afterwards fail with ``RedisCacheError/shutDown``.
    public func shutdown() async { await self.pool.shutdown() }

    /// `PING`: throws when the server cannot be reached, for start-up checks and health probes.
    public func ping() async throws(RedisCacheError) {
        let reply = try await self.send(["PING"])
        guard reply == .status("PONG") else { throw .unexpectedReply(command: "PING", reply: reply.description) }
    }

    /// Runs any command, e.g. `["DBSIZE"]`, for operator tools and tests. An error reply throws
    /// ``RedisCacheError/serverError(_:)``.
    public func send(_ arguments: [String]) async throws(RedisCacheError) -> RedisReply {
        let result = await self.pool.execute(arguments)
        if case .failure(let error) = result { self.recordFailure(error, command: arguments.first ?? "") }
        return try result.get()
    }

    // MARK: Cache

    public func recordHeartbeat(_ worker: WorkerName, at time: Timestamp) async throws {
        // A plain SET also clears any TTL, so a stale ping stays readable.
        try await self.expectOK(["SET", worker.heartbeatKey, String(time.epochMilliseconds)])
    }

    public func lastHeartbeat(_ worker: WorkerName) async throws -> Timestamp? {
        guard let text = try await self.value(forKey: worker.heartbeatKey) else { return nil }
        guard let milliseconds = Int64(text) else {
            throw self.unexpected(command: "GET", reply: .string(text))
        }
        return Timestamp(epochMilliseconds: milliseconds)
    }

    public func set(_ value: String, forKey key: String, ttl: Duration) async throws {
        // Redis refuses PX 0; a TTL already over means the value is gone at once.
        guard ttl > .zero else {
            _ = try await self.send(["DEL", key])
            return
        }
        try await self.expectOK(["SET", key, value, "PX", String(Self.milliseconds(ttl))])
    }

    public func set(_ value: String, forKey key: String) async throws {
        try await self.expectOK(["SET", key, value])
    }

    public func value(forKey key: String) async throws -> String? {
        switch try await self.send(["GET", key]) {
        case .null: return nil
        case .string(let text): return text
        case let reply: throw self.unexpected(command: "GET", reply: reply)
        }
    }

    public func removeValue(forKey key: String) async throws {
        _ = try await self.send(["DEL", key])
    }

    public func remainingTTL(forKey key: String) async throws -> Duration? {
        switch try await self.send(["PTTL", key]) {
        // -2: no such key; -1: no expiry.
        case .integer(let milliseconds): return milliseconds < 0 ? nil : .milliseconds(milliseconds)
        case let reply: throw self.unexpected(command: "PTTL", reply: reply)
        }
    }

    public func acquireLease(_ name: String, holder: String, ttl: Duration) async throws -> Bool {
        let arguments = [Self.leaseKeyPrefix + name, holder, String(max(1, Self.milliseconds(ttl)))]
        return try await self.runScript(Self.acquireScript, keyAndArguments: arguments)
    }

    public func releaseLease(_ name: String, holder: String) async throws -> Bool {
        try await self.runScript(Self.releaseScript, keyAndArguments: [Self.leaseKeyPrefix + name, holder])
    }

    // MARK: Helpers

    /// Takes a free lease with `SET NX PX`, or renews it when `holder` already has it.
    public func increment(_ key: String, window: Duration) async throws -> WindowCount {
        let reply = try await self.send(["EVAL", Self.incrementScript, "1", key, String(max(1, Self.milliseconds(window)))])
        guard case .array(let parts) = reply, parts.count == 2, case .integer(let count) = parts[0],
              case .integer(let left) = parts[1]
        else { throw self.unexpected(command: "EVAL", reply: reply) }
        return WindowCount(count: Int(count), remaining: .milliseconds(max(0, left)))
    }

    /// INCR, the window's expiry set by the increment that created the counter, and its PTTL.
    static let incrementScript = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return {n, redis.call('PTTL', KEYS[1])}
        """

    static let acquireScript = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        return 0
        """

    /// Deletes the lease only when `holder` has it.
    static let releaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """

    private func runScript(_ script: String, keyAndArguments: [String]) async throws(RedisCacheError) -> Bool {
        switch try await self.send(["EVAL", script, "1"] + keyAndArguments) {
        case .integer(1): return true
        case .integer(0): return false
        case let reply: throw self.unexpected(command: "EVAL", reply: reply)
        }
    }

    private func expectOK(_ arguments: [String]) async throws(RedisCacheError) {
        let reply = try await self.send(arguments)
        guard reply == .status("OK") else { throw self.unexpected(command: arguments[0], reply: reply) }
    }

    private func unexpected(command: String, reply: RedisReply) -> RedisCacheError {
        let error = RedisCacheError.unexpectedReply(command: command, reply: reply.description)
        self.recordFailure(error, command: command)
        return error
    }

    /// Counts every failure; logs it, quietly while the gate is refusing calls (the pool already
    /// logged the outage once when the gate opened).
    private func recordFailure(_ error: RedisCacheError, command: String) {
        self.failureCounters[error.metricReason]?.increment()
        let metadata: Logger.Metadata = [
            "redis.endpoint": "\(self.configuration.endpoint)", "redis.command": "\(command)", "error": "\(error)",
        ]
        switch error {
        case .unavailable, .shutDown: self.logger.debug("Redis cache call failed", metadata: metadata)
        default: self.logger.warning("Redis cache call failed", metadata: metadata)
        }
    }

    /// Whole milliseconds, rounded up so a TTL is never shortened.
    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let whole = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return attoseconds % 1_000_000_000_000_000 > 0 ? whole + 1 : whole
    }
}
