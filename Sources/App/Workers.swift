import Kernel
import Logging
import ServiceLifecycle

/// The workers this build runs, as Services for `mirror serve` and `mirror workers`. A new
/// worker is one more entry here (and in `expected`, so the health check watches its heartbeat).
func makeWorkers(configuration: MirrorConfiguration, backends: Backends, wallClock: WallClock, logger: Logger) -> [any Service] {
    let expected: [WorkerName] = [.copyTrading, .positionSync, .autoClaim, .healthCheck, .onboarding, .notifications]
    // The exchange and the relayer are judged by their circuit breakers: open means down, with no
    // extra call spent on the venue's rate limits.
    let breakerProbes = backends.venue.breakers.map { breaker in
        HealthProbe(name: breaker.service) {
            let snapshot = breaker.snapshot
            if snapshot.state == .open {
                throw VenueError.circuitOpen(service: "\(snapshot.service) after \(snapshot.consecutiveFailures) failures")
            }
        }
    }
    let healthCheck = HealthCheck(probes: backends.probes + breakerProbes, expectedWorkers: expected, cache: backends.cache,
                                  wallClock: wallClock, logger: logger)
    let engine = CopyEngine(
        store: backends.store, exchange: backends.venue.exchange, vault: backends.vault, wallClock: wallClock,
        ids: backends.ids, settings: CopyEngine.Settings(owner: "copy-trading-\(backends.ids.next(String.self).rawValue.prefix(8))"),
        logger: logger)
    // Local mode: the simulated leaders are on every user's list, so each is polled at least slowly.
    let ingestor = FeedIngestor(store: backends.store, feed: backends.venue.feed, wallClock: wallClock, ids: backends.ids,
                                logger: logger, everyLeaderWatched: configuration.mode == .local)
    let relayerTxs = backends.relayerTxDriver(wallClock: wallClock)
    let autoClaim = AutoClaim(store: backends.store, feed: backends.venue.feed, relayerTxs: relayerTxs, wallClock: wallClock,
                              logger: logger)
    let withdrawals = backends.withdrawals(wallClock: wallClock)
    let autoPause = AutoPauseGuard(store: backends.store,
                                   marks: QualityReader.venueMarks(exchange: backends.venue.exchange, feed: backends.venue.feed),
                                   wallClock: wallClock, ids: backends.ids, logger: logger)
    let onboarder = backends.onboarder(wallClock: wallClock)
    let positionSync = PositionSync(store: backends.store, feed: backends.venue.feed, exchange: backends.venue.exchange,
                                    cache: backends.cache, clock: ContinuousClock(), wallClock: wallClock, ids: backends.ids,
                                    logger: logger, holder: "position-sync-\(backends.ids.next(String.self).rawValue.prefix(8))")
    // Every worker but copy-trading (whose queue is shared safely through fenced claims) is a
    // singleton among the processes on this database: it runs in the one holding its lease.
    let holder = "workers-\(backends.ids.next(String.self).rawValue.prefix(8))"
    func singleton(_ name: WorkerName, every interval: Duration,
                   _ tick: @escaping @Sendable () async throws -> Void) -> SingletonWorker<ContinuousClock> {
        SingletonWorker(name: name, interval: interval, holder: holder, store: backends.store, clock: ContinuousClock(),
                        wallClock: wallClock, cache: backends.cache, logger: logger, tick: tick)
    }
    let notifications = backends.notificationWorker(configuration: configuration, wallClock: wallClock, logger: logger)
    let telegramPoller = backends.telegramPoller(configuration: configuration, wallClock: wallClock, logger: logger)
    return [
        CopyTradingWorker(ingestor: ingestor, engine: engine, cache: backends.cache, interval: configuration.cadences.copyPoll,
                          clock: ContinuousClock(), wallClock: wallClock, logger: logger),
        singleton(.positionSync, every: configuration.cadences.positionSync) { _ = try await positionSync.sweep() },
        singleton(.autoClaim, every: configuration.cadences.autoClaim) {
            _ = try await autoClaim.run()
            try await withdrawals.pollInFlight()
            // Copy quality's auto-pause rules (issue #22): judged once a tick, failures logged per follow.
            try await autoPause.run()
        },
        singleton(.onboarding, every: configuration.cadences.onboarding) { try await onboarder.advanceQueued() },
        singleton(.healthCheck, every: configuration.cadences.healthCheck) { try await healthCheck.run() },
        // Notifications (issue #23): one leased worker detects, digests, dispatches and delivers.
        singleton(.notifications, every: configuration.notifications.pollInterval) { try await notifications.tick() },
    ] + (telegramPoller.map { [TelegramPollerService(poller: $0)] } ?? [])
}
