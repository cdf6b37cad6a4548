import Foundation
import Logging

/// A few dedicated threads, each owning one blocking hiredis connection, fed from one job queue.
///
/// Blocking calls never run on Swift concurrency's cooperative pool or on an event loop: a caller
/// enqueues a job and suspends on a continuation that a pool thread resumes. Threads start on
/// demand (up to `poolSize`) and open their connection lazily, so constructing the pool does no I/O.
/// Failures pass through a ``ReconnectGate``, which is what makes an outage cheap for callers.
final class ConnectionPool: @unchecked Sendable {
    // @unchecked: every mutable property below is read and written only while holding `condition`.

    private struct Job {
        let arguments: [String]
        let enqueuedAt: ContinuousClock.Instant
        let isTrial: Bool
        let complete: @Sendable (Result<RedisReply, RedisCacheError>) -> Void
    }

    private enum Assignment {
        case run(Job)
        case refuse(Job, RedisCacheError)
        case exit
    }

    let configuration: RedisConfiguration
    private let logger: Logger
    private let onConnectionOpened: @Sendable () -> Void
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var threadCount = 0
    private var idleThreads = 0
    private var threadsStarted = 0
    private var isShutDown = false
    private var gate: ReconnectGate
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []

    init(configuration: RedisConfiguration, logger: Logger, onConnectionOpened: @escaping @Sendable () -> Void) {
        self.configuration = configuration
        self.logger = logger
        self.onConnectionOpened = onConnectionOpened
        self.gate = ReconnectGate(initialBackoff: configuration.initialBackoff, maximumBackoff: configuration.maximumBackoff)
    }

    /// Runs one command on a pool thread. Returns at once with ``RedisCacheError/unavailable(endpoint:retryIn:)``
    /// while the gate is open, so an outage never makes callers wait.
    func execute(_ arguments: [String]) async -> Result<RedisReply, RedisCacheError> {
        await withCheckedContinuation { continuation in
            let refusal = self.locked { () -> RedisCacheError? in
                guard !self.isShutDown else { return .shutDown }
                switch self.gate.admit(at: .now) {
                case .refused(let retryIn):
                    return .unavailable(endpoint: self.configuration.endpoint, retryIn: retryIn)
                case .admitted(let trial):
                    self.jobs.append(Job(arguments: arguments, enqueuedAt: .now, isTrial: trial) {
                        continuation.resume(returning: $0)
                    })
                    if self.jobs.count > self.idleThreads, self.threadCount < self.configuration.poolSize {
                        self.startThread()
                    }
                    self.condition.signal()
                    return nil
                }
            }
            if let refusal { continuation.resume(returning: .failure(refusal)) }
        }
    }

    /// Stops taking jobs, fails the queued ones, and returns once every thread has closed its connection.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let (abandoned, allExited) = self.locked { () -> ([Job], Bool) in
                let abandoned = self.beginShutdownLocked()
                if self.threadCount > 0 { self.exitWaiters.append(continuation) }
                return (abandoned, self.threadCount == 0)
            }
            for job in abandoned { job.complete(.failure(.shutDown)) }
            if allExited { continuation.resume() }
        }
    }

    /// Like ``shutdown()`` without waiting, for `deinit`.
    func beginShutdown() {
        let abandoned = self.locked { self.beginShutdownLocked() }
        for job in abandoned { job.complete(.failure(.shutDown)) }
    }

    private func beginShutdownLocked() -> [Job] {
        self.isShutDown = true
        let abandoned = self.jobs
        self.jobs.removeAll()
        self.condition.broadcast()
        return abandoned
    }

    private func startThread() {
        self.threadCount += 1
        self.threadsStarted += 1
        let thread = Thread { self.serve() }
        thread.name = "redis-\(self.threadsStarted)"
        thread.start()
    }

    /// A pool thread's life: take jobs until shutdown, keeping one connection open between them.
    private func serve() {
        RedisConnection.blockBrokenPipeSignalOnThisThread()
        var connection: RedisConnection?
        while true {
            switch self.nextAssignment() {
            case .exit:
                connection = nil
                self.threadExited()
                return
            case .refuse(let job, let error):
                job.complete(.failure(error))
            case .run(let job):
                let result = self.perform(job.arguments, on: &connection)
                let outage = if case .failure(let error) = result { error.indicatesOutage } else { false }
                let transition = self.locked { self.gate.record(outage: outage, at: .now) }
                self.log(transition, after: result)
                job.complete(result)
            }
        }
    }

    private func nextAssignment() -> Assignment {
        self.locked {
            while self.jobs.isEmpty, !self.isShutDown {
                self.idleThreads += 1
                self.condition.wait()
                self.idleThreads -= 1
            }
            guard !self.jobs.isEmpty else { return .exit }
            let job = self.jobs.removeFirst()
            let now = ContinuousClock.Instant.now
            // The gate may have opened while this job waited: fail it now rather than add to the outage.
            if case .refused(let retryIn) = self.gate.mayStillRun(trial: job.isTrial, at: now) {
                return .refuse(job, .unavailable(endpoint: self.configuration.endpoint, retryIn: retryIn))
            }
            let waited = job.enqueuedAt.duration(to: now)
            // A trial always runs: the gate waits for its outcome.
            if !job.isTrial, waited > self.configuration.commandTimeout {
                return .refuse(job, .poolExhausted(endpoint: self.configuration.endpoint, waited: waited))
            }
            return .run(job)
        }
    }

    private func threadExited() {
        let waiters = self.locked { () -> [CheckedContinuation<Void, Never>] in
            self.threadCount -= 1
            guard self.threadCount == 0 else { return [] }
            defer { self.exitWaiters.removeAll() }
            return self.exitWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Runs a command, opening a connection first if this thread has none. A connection the server
    /// dropped while idle (restart, `CLIENT KILL`, idle timeout) gets one immediate retry on a new one.
    private func perform(_ arguments: [String], on connection: inout RedisConnection?) -> Result<RedisReply, RedisCacheError> {
        let wasOpen = connection.map { $0.answeredCommands > 0 } ?? false
        let first = self.attempt(arguments, on: &connection)
        guard wasOpen, case .failure(.connectionLost) = first else { return first }
        self.logger.info("Redis connection dropped; reconnecting", metadata: ["redis.endpoint": "\(self.configuration.endpoint)"])
        return self.attempt(arguments, on: &connection)
    }

    private func attempt(_ arguments: [String], on connection: inout RedisConnection?) -> Result<RedisReply, RedisCacheError> {
        do throws(RedisCacheError) {
            let open: RedisConnection
            if let connection {
                open = connection
            } else {
                open = try RedisConnection.open(self.configuration)
                connection = open
                self.onConnectionOpened()
            }
            return .success(try open.run(arguments))
        } catch {
            // A broken connection is useless; an error reply leaves it fine.
            if error.indicatesOutage { connection = nil }
            return .failure(error)
        }
    }

    private func log(_ transition: ReconnectGate.Transition, after result: Result<RedisReply, RedisCacheError>) {
        switch transition {
        case .unchanged:
            break
        case .opened(let backoff, let failures):
            var metadata: Logger.Metadata = [
                "redis.endpoint": "\(self.configuration.endpoint)",
                "redis.backoff": "\(backoff)",
                "redis.consecutive_failures": "\(failures)",
            ]
            if case .failure(let error) = result { metadata["error"] = "\(error)" }
            self.logger.error("Redis unreachable; cache calls fail fast until the next reconnect attempt", metadata: metadata)
        case .recovered:
            self.logger.info("Redis reachable again", metadata: ["redis.endpoint": "\(self.configuration.endpoint)"])
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        self.condition.lock()
        defer { self.condition.unlock() }
        return body()
    }
}
