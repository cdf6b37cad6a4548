public import Logging
public import ServiceLifecycle
import Synchronization

/// A singleton worker's tick, run only by the process that holds the worker's lease
/// (``LeaseStore``), so several `mirror workers` processes on one database run it once between
/// them. The lease is kept from tick to tick (its time to live outlasts the interval), so one
/// process stays the runner while it lives; when it dies or stalls past the lease, another takes
/// over at its next tick. While a tick runs the lease is renewed every third of its time to live;
/// a renewal that finds it gone — another process took it over — cancels the tick: a lost lease
/// stops the work.
public final class LeasedWork<C: Clock<Duration>>: Sendable {
    /// What one ``tick(_:)`` did.
    public enum Outcome: Hashable, Sendable {
        /// This process held the lease and the work ran to its end.
        case ran
        /// Another process holds the lease: nothing ran.
        case heldElsewhere
        /// The lease was lost while the work ran, and the work was cancelled.
        case lost
    }

    public let name: String
    public let holder: String
    let store: any LeaseStore
    let ttl: Duration
    let clock: C
    let wallClock: WallClock
    let logger: Logger
    private let held = Mutex<WorkerLease?>(nil)

    public init(name: String, holder: String, store: any LeaseStore, ttl: Duration, clock: C, wallClock: WallClock,
                logger: Logger) {
        self.name = name
        self.holder = holder
        self.store = store
        self.ttl = ttl
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
    }

    /// Runs `work` if this process holds the lease or can take it, renewing it meanwhile.
    @discardableResult
    public func tick(_ work: @escaping @Sendable () async throws -> Void) async throws -> Outcome {
        guard let lease = try await self.store.acquireLease(self.name, holder: self.holder, now: self.wallClock.now(),
                                                            ttl: self.ttl)
        else {
            self.held.withLock { $0 = nil }
            return .heldElsewhere
        }
        let previous = self.held.withLock { held in
            defer { held = lease }
            return held
        }
        if previous?.token != lease.token {
            self.logger.info("worker lease taken", metadata: ["lease.name": "\(self.name)", "lease.token": "\(lease.token)"])
        }
        return try await withThrowingTaskGroup(of: Outcome.self) { group in
            group.addTask {
                try await work()
                return .ran
            }
            group.addTask {
                try await self.keep(lease)
                return .lost
            }
            // The work's end (or error) cancels the renewals; a lost lease cancels the work.
            let outcome = try await group.next() ?? .ran
            group.cancelAll()
            if outcome == .lost {
                self.held.withLock { $0 = nil }
                self.logger.warning("worker lease lost; its work stopped", metadata: ["lease.name": "\(self.name)"])
            }
            return outcome
        }
    }

    /// Renews `lease` every third of its time to live; returns when it is lost (another token
    /// took it, or no renewal succeeded before it expired), throws when cancelled.
    private func keep(_ lease: WorkerLease) async throws {
        var expiresAt = lease.expiresAt
        while true {
            try await self.clock.sleep(for: self.ttl / 3)
            do {
                guard let renewed = try await self.store.acquireLease(
                    self.name, holder: self.holder, now: self.wallClock.now(), ttl: self.ttl),
                    renewed.token == lease.token
                else { return }
                expiresAt = renewed.expiresAt
            } catch {
                self.logger.warning("worker lease renewal failed", metadata: [
                    "lease.name": "\(self.name)", "error": "\(String(describing: error))",
                ])
                if self.wallClock.now() >= expiresAt { return }
            }
        }
    }

    /// Gives the lease up, if held, so another process can take over at once (graceful shutdown).
    public func release() async {
        guard let lease = self.held.withLock({ held in defer { held = nil }; return held }) else { return }
        do {
            try await self.store.releaseLease(self.name, holder: self.holder, token: lease.token)
        } catch {
            self.logger.warning("worker lease release failed; it expires by itself", metadata: [
                "lease.name": "\(self.name)", "error": "\(String(describing: error))",
            ])
        }
    }
}

/// A ``PeriodicWorker`` whose ticks run under a ``LeasedWork``: a singleton among the processes
/// sharing the database. Its heartbeat is beaten by every process, holder or not — the loop is
/// alive either way — and the lease is given up when the loop ends.
public struct SingletonWorker<C: Clock<Duration>>: Service {
    let loop: PeriodicWorker<C>
    let lease: LeasedWork<C>

    public init(name: WorkerName, interval: Duration, holder: String, store: any LeaseStore, clock: C,
                wallClock: WallClock, cache: any Cache, logger: Logger, tick: @escaping @Sendable () async throws -> Void) {
        let lease = LeasedWork(name: "worker:\(name.rawValue)", holder: holder, store: store,
                               ttl: Self.ttl(interval: interval), clock: clock, wallClock: wallClock, logger: logger)
        self.lease = lease
        self.loop = PeriodicWorker(name: name, interval: interval, clock: clock, wallClock: wallClock, cache: cache,
                                   logger: logger) {
            _ = try await lease.tick(tick)
        }
    }

    /// Twice the interval, and at least 30 s: the holder renews it at every tick, so it lapses
    /// only when the holder is gone or stalled for two ticks.
    public static func ttl(interval: Duration) -> Duration {
        max(interval * 2, .seconds(30))
    }

    public func run() async throws {
        try await self.loop.run()
        await self.lease.release()
    }
}
