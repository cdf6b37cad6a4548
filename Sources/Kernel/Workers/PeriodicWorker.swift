public import Logging
import Metrics
public import ServiceLifecycle

/// Runs one worker's `tick` every `interval` until graceful shutdown, recording the runbook's
/// heartbeat (`worker:<name>:last-ping`) after every tick, successful or not — the heartbeat says
/// the loop is alive; failures are logged and counted, and the next tick retries.
public struct PeriodicWorker<C: Clock<Duration>>: Service {
    public let name: WorkerName
    public let interval: Duration
    let clock: C
    let wallClock: WallClock
    let cache: any Cache
    let logger: Logger
    let tick: @Sendable () async throws -> Void
    private let failures: Counter
    private let heartbeatFailures: Counter

    public init(name: WorkerName, interval: Duration, clock: C, wallClock: WallClock, cache: any Cache,
                logger: Logger, tick: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.interval = interval
        self.clock = clock
        self.wallClock = wallClock
        self.cache = cache
        self.logger = logger
        self.tick = tick
        self.failures = Counter(label: "mirror_worker_tick_failures_total", dimensions: [("worker", name.rawValue)])
        self.heartbeatFailures = Counter(label: "mirror_worker_heartbeat_failures_total", dimensions: [("worker", name.rawValue)])
    }

    public func run() async throws {
        self.logger.info("worker started", metadata: ["worker.name": "\(self.name.rawValue)"])
        repeat {
            do {
                try await self.tick()
            } catch is CancellationError {
                break
            } catch {
                self.failures.increment()
                self.logger.error("worker tick failed", metadata: [
                    "worker.name": "\(self.name.rawValue)", "error": "\(String(describing: error))",
                ])
            }
            do {
                try await self.cache.recordHeartbeat(self.name, at: self.wallClock.now())
            } catch {
                // A cache outage must never stop a worker: it only blinds the heartbeat alert.
                self.heartbeatFailures.increment()
                self.logger.warning("heartbeat failed", metadata: [
                    "worker.name": "\(self.name.rawValue)", "error": "\(String(describing: error))",
                ])
            }
        } while (try? await cancelWhenGracefulShutdown { try await self.clock.sleep(for: self.interval) }) != nil
        self.logger.info("worker stopped", metadata: ["worker.name": "\(self.name.rawValue)"])
    }
}
