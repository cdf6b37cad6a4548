import Kernel
import Logging
import ServiceLifecycle

/// The workers this build runs, as Services for `mirror serve` and `mirror workers`. A new
/// worker is one more entry here (and in `expected`, so the health check watches its heartbeat).
func makeWorkers(configuration: MirrorConfiguration, backends: Backends, wallClock: WallClock, logger: Logger) -> [any Service] {
    let expected: [WorkerName] = [.healthCheck]
    let healthCheck = HealthCheck(probes: backends.probes, expectedWorkers: expected, cache: backends.cache, wallClock: wallClock)
    return [
        PeriodicWorker(
            name: .healthCheck, interval: configuration.cadences.healthCheck, clock: ContinuousClock(),
            wallClock: wallClock, cache: backends.cache, logger: logger
        ) { try await healthCheck.run() },
    ]
}
