import Kernel
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// What this process knows first-hand about its own workers and its database: each worker's
/// last loop pass (seen as it writes its heartbeat, whether or not the cache takes it) and since
/// when the database has failed its probes.
final class LivenessBoard: Sendable {
    private struct State {
        var beats: [WorkerName: Timestamp] = [:]
        var databaseDownSince: Timestamp?
    }

    private let state = Mutex(State())

    init() {}

    func beat(_ worker: WorkerName, at time: Timestamp) {
        self.state.withLock { $0.beats[worker] = time }
        Gauge(label: "mirror_worker_heartbeat_timestamp_seconds", dimensions: [("worker", worker.rawValue)])
            .record(Double(time.epochMilliseconds) / 1000)
    }

    func databaseAnswered() {
        self.state.withLock { $0.databaseDownSince = nil }
    }

    func databaseFailed(at time: Timestamp) {
        self.state.withLock { $0.databaseDownSince = $0.databaseDownSince ?? time }
    }

    var beats: [WorkerName: Timestamp] { self.state.withLock { $0.beats } }
    var databaseDownSince: Timestamp? { self.state.withLock { $0.databaseDownSince } }
}

/// The cache with every heartbeat also noted on a ``LivenessBoard`` before it is written, so a
/// Redis outage blinds neither the workers' own liveness check nor their `/metrics`.
struct HeartbeatNotingCache: Cache {
    let base: any Cache
    let board: LivenessBoard

    func recordHeartbeat(_ worker: WorkerName, at time: Timestamp) async throws {
        self.board.beat(worker, at: time)
        try await self.base.recordHeartbeat(worker, at: time)
    }

    func lastHeartbeat(_ worker: WorkerName) async throws -> Timestamp? { try await self.base.lastHeartbeat(worker) }
    func set(_ value: String, forKey key: String, ttl: Duration) async throws { try await self.base.set(value, forKey: key, ttl: ttl) }
    func set(_ value: String, forKey key: String) async throws { try await self.base.set(value, forKey: key) }
    func value(forKey key: String) async throws -> String? { try await self.base.value(forKey: key) }
    func removeValue(forKey key: String) async throws { try await self.base.removeValue(forKey: key) }
    func remainingTTL(forKey key: String) async throws -> Duration? { try await self.base.remainingTTL(forKey: key) }
    func acquireLease(_ name: String, holder: String, ttl: Duration) async throws -> Bool {
        try await self.base.acquireLease(name, holder: holder, ttl: ttl)
    }
    func releaseLease(_ name: String, holder: String) async throws -> Bool {
        try await self.base.releaseLease(name, holder: holder)
    }
    func increment(_ key: String, window: Duration) async throws -> WindowCount {
        try await self.base.increment(key, window: window)
    }
}

/// When `mirror workers` should give up so the platform restarts it. Pure: tested with made-up times.
struct LivenessPolicy: Hashable, Sendable {
    /// Each worker's longest acceptable silence.
    var stallLimits: [WorkerName: Duration]
    var databaseUnreachableLimit: Duration
    /// A worker gets this long from start-up for its first beat.
    var startedAt: Timestamp

    enum Verdict: Hashable, Sendable {
        case alive
        case stalled(WorkerName, silentFor: Duration)
        case databaseUnreachable(for: Duration)
    }

    /// A loop is stalled when its last beat (or start-up, before its first) is older than its
    /// limit; the database is given up on once it has failed every probe for the limit.
    func verdict(now: Timestamp, beats: [WorkerName: Timestamp], databaseDownSince: Timestamp?) -> Verdict {
        if let since = databaseDownSince, now.since(since) >= self.databaseUnreachableLimit {
            return .databaseUnreachable(for: now.since(since))
        }
        for (worker, limit) in self.stallLimits.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let silent = now.since(beats[worker] ?? self.startedAt)
            if silent > limit { return .stalled(worker, silentFor: silent) }
        }
        return .alive
    }

    /// Three of the worker's intervals, and never less than the runbook's two minutes: a slow
    /// tick (a long sync) is not a stall.
    static func stallLimit(interval: Duration) -> Duration {
        max(.seconds(120), interval * 3)
    }
}

/// Why `mirror workers` stopped itself.
struct LivenessFailure: Error, CustomStringConvertible {
    let verdict: LivenessPolicy.Verdict
    var description: String {
        switch self.verdict {
        case .alive: "alive"
        case .stalled(let worker, let silent): "worker \(worker.rawValue) has not completed a loop for \(silent); exiting for a restart"
        case .databaseUnreachable(let duration): "the database has been unreachable for \(duration); exiting for a restart"
        }
    }
}

/// Probes the database every `interval` (with a short deadline) and checks the policy; throws
/// ``LivenessFailure`` — which ends the service group and the process with a failure — when a
/// loop stalled or the database stayed unreachable too long. Stops quietly on graceful shutdown.
struct LivenessWatchdog<C: Clock<Duration>>: Service {
    let policy: LivenessPolicy
    let board: LivenessBoard
    let probeDatabase: @Sendable () async throws -> Void
    let interval: Duration
    let probeTimeout: Duration
    let clock: C
    let wallClock: WallClock
    let logger: Logger

    func run() async throws {
        repeat {
            try await self.check()
        } while (try? await cancelWhenGracefulShutdown { try await self.clock.sleep(for: self.interval) }) != nil
    }

    /// One probe and one verdict.
    func check() async throws {
        do {
            try await withDeadline(self.probeTimeout, clock: self.clock, self.probeDatabase)
            self.board.databaseAnswered()
        } catch is CancellationError {
            return
        } catch {
            self.board.databaseFailed(at: self.wallClock.now())
            self.logger.warning("database probe failed", metadata: ["error": "\(redactingURLCredentials(in: String(describing: error)))"])
        }
        let verdict = self.policy.verdict(now: self.wallClock.now(), beats: self.board.beats,
                                          databaseDownSince: self.board.databaseDownSince)
        guard verdict == .alive else {
            let failure = LivenessFailure(verdict: verdict)
            self.logger.critical("\(failure.description)")
            throw failure
        }
    }
}
