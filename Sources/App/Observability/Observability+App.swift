import Hummingbird
import Kernel
import Logging
import ServiceLifecycle
import UnixSignals

extension Router where Context == AppRequestContext {
    /// What every service's router starts with: request ids and HTTP metrics first (so even the
    /// error mapping's log lines carry the id), the one error mapping, then `/ready` and `/metrics`.
    func addObservability(configuration: MirrorConfiguration, backends: Backends) {
        self.middlewares.add(RequestObservabilityMiddleware())
        self.middlewares.add(JSONErrorMiddleware())
        self.addObservabilityRoutes(
            ObservabilityDependencies(probes: backends.probes, breakers: backends.venue.breakers, store: backends.store,
                                      cache: backends.cache, metricsToken: configuration.operations.metricsToken,
                                      mode: configuration.mode),
            clock: ContinuousClock())
    }
}

extension Backends {
    /// The database probe alone (the workers' liveness check): can the store answer a read?
    var probeDatabase: @Sendable () async throws -> Void {
        let store = self.store
        return { _ = try await store.recentAudit(limit: 1) }
    }
}

extension WorkerCadences {
    /// How long each worker may go without completing a loop before `mirror workers` gives up.
    var stallLimits: [WorkerName: Duration] {
        [
            .copyTrading: LivenessPolicy.stallLimit(interval: self.copyPoll),
            .positionSync: LivenessPolicy.stallLimit(interval: self.positionSync),
            .autoClaim: LivenessPolicy.stallLimit(interval: self.autoClaim),
            .healthCheck: LivenessPolicy.stallLimit(interval: self.healthCheck),
            .onboarding: LivenessPolicy.stallLimit(interval: self.onboarding),
        ]
    }
}

/// Runs a command's services until SIGTERM or SIGINT, then stops them in reverse order within
/// `OPERATIONS`' drain: three quarters of it for a graceful stop (the server finishes its
/// requests, each worker its tick), then whatever still runs — a venue call hanging — is
/// cancelled, and if even that does not end it the process stops anyway. Work cut off this way
/// was made durable before its side effect, so the next start reconciles it.
func runServices(_ services: [any Service], operations: OperationsSettings, logger: Logger,
                 signals: [UnixSignal] = [.sigterm, .sigint]) async throws {
    try await ServiceGroup(configuration: serviceGroupConfiguration(services, operations: operations, logger: logger,
                                                                   signals: signals)).run()
}

/// The group configuration ``runServices(_:operations:logger:signals:)`` runs; tests use it without signals.
func serviceGroupConfiguration(_ services: [any Service], operations: OperationsSettings, logger: Logger,
                               signals: [UnixSignal]) -> ServiceGroupConfiguration {
    var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: signals, logger: logger)
    configuration.maximumGracefulShutdownDuration = operations.gracefulShutdown
    configuration.maximumCancellationDuration = operations.cancellation
    return configuration
}
