public import Logging
public import ServiceLifecycle

/// The `copy-trading` worker: every `interval` it polls the feed (backstop and backfill),
/// processes due attempts (retries, reconciliation, anything a dead worker left) until none are left, and beats `worker:copy-trading:last-ping`; beside
/// it, the live stream records fills as they happen and is restarted when it ends.
public struct CopyTradingWorker<C: Clock<Duration>>: Service {
    let ingestor: FeedIngestor
    let engine: CopyEngine
    let cache: any Cache
    let interval: Duration
    let clock: C
    let wallClock: WallClock
    let logger: Logger

    public init(ingestor: FeedIngestor, engine: CopyEngine, cache: any Cache, interval: Duration, clock: C,
                wallClock: WallClock, logger: Logger) {
        // Fills the worker records are copied at once, claimed in the recording commit.
        self.ingestor = ingestor.handingOff(to: engine)
        self.engine = engine
        self.cache = cache
        self.interval = interval
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
    }

    public func run() async throws {
        let loop = PeriodicWorker(
            name: .copyTrading, interval: self.interval, clock: self.clock, wallClock: self.wallClock,
            cache: self.cache, logger: self.logger
        ) {
            try await self.ingestor.poll()
            // Drain: a full batch means more may be due right now.
            while try await self.engine.runOnce() >= self.engine.settings.batchSize {}
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await loop.run() }
            group.addTask { await self.keepStreaming() }
            // The periodic loop ends on graceful shutdown; then stop the stream too.
            try await group.next()
            group.cancelAll()
        }
    }

    private func keepStreaming() async {
        while !Task.isCancelled {
            do {
                try await self.ingestor.consumeLiveStream()
            } catch is CancellationError {
                return
            } catch {
                self.logger.warning("live leader stream ended; polling covers the gap", metadata: [
                    "error": "\(String(describing: error))",
                ])
            }
            try? await self.clock.sleep(for: self.interval * 5)
        }
    }
}
