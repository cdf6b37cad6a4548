import Hummingbird
import Kernel
import Metrics

/// Who may read `GET /metrics`: anyone presenting `METRICS_TOKEN` when it is set; without a
/// token, anyone in local mode and no one in production (the route then answers 404, as if
/// it did not exist). Pure, so each case is tested directly.
enum MetricsAccess: Equatable {
    case allowed, unauthorized, hidden

    static func decide(token: Secret?, mode: MirrorConfiguration.Mode, authorization: String?) -> MetricsAccess {
        guard let token else { return mode == .local ? .allowed : .hidden }
        guard let authorization, authorization.count > 7, authorization.prefix(7).lowercased() == "bearer ",
              AdminAuthMiddleware.constantTimeEqual(Array(authorization.dropFirst(7).utf8), Array(token.revealed.utf8))
        else { return .unauthorized }
        return .allowed
    }
}

/// What `/ready` and `/metrics` look at besides the recorded metrics.
struct ObservabilityDependencies: Sendable {
    /// The database and the cache, each answering within `probeTimeout` or counted down.
    var probes: [HealthProbe]
    var probeTimeout: Duration = .seconds(2)
    var breakers: [CircuitBreaker]
    var store: any Store
    var cache: any Cache
    var metricsToken: Secret?
    var mode: MirrorConfiguration.Mode

    /// Runs every probe under its deadline; a probe that throws or hangs is down.
    func probeAll<C: Clock<Duration>>(clock: C) async -> [ProbeResult] {
        await withTaskGroup(of: (Int, ProbeResult).self) { group in
            for (index, probe) in self.probes.enumerated() {
                group.addTask {
                    do {
                        try await withDeadline(self.probeTimeout, clock: clock) { try await probe.check() }
                        return (index, ProbeResult(name: probe.name, up: true, detail: nil))
                    } catch {
                        return (index, ProbeResult(name: probe.name, up: false,
                                                   detail: redactingURLCredentials(in: String(describing: error))))
                    }
                }
            }
            var results: [(Int, ProbeResult)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// Values read at scrape time rather than recorded as they change: each breaker's state
    /// (`mirror_breaker_state{service}`: 0 closed, 1 half-open, 2 open), relayer transactions
    /// not yet CONFIRMED by state (`mirror_relayer_transactions{state}`, counted up to 1000), and
    /// each worker's heartbeat as the shared cache holds it.
    func collect<C: Clock<Duration>>(clock: C) async {
        for breaker in self.breakers {
            let snapshot = breaker.snapshot
            let value: Double = switch snapshot.state {
            case .closed: 0
            case .halfOpen: 1
            case .open: 2
            }
            Gauge(label: "mirror_breaker_state", dimensions: [("service", snapshot.service)]).record(value)
            Gauge(label: "mirror_breaker_consecutive_failures", dimensions: [("service", snapshot.service)])
                .record(Double(snapshot.consecutiveFailures))
        }
        let store = self.store
        for status in RelayerTx.Status.allCases where !status.isTerminal {
            if let count = try? await withDeadline(self.probeTimeout, clock: clock, {
                try await store.relayerTxs(statuses: [status], limit: 1000).count
            }) {
                Gauge(label: "mirror_relayer_transactions", dimensions: [("state", status.rawValue)]).record(Double(count))
            }
        }
        let cache = self.cache
        for worker in WorkerName.allCases {
            if let beat = try? await withDeadline(self.probeTimeout, clock: clock, { try await cache.lastHeartbeat(worker) }) {
                Gauge(label: "mirror_worker_heartbeat_timestamp_seconds", dimensions: [("worker", worker.rawValue)])
                    .record(Double(beat.epochMilliseconds) / 1000)
            }
        }
    }
}

/// One dependency's answer in `/ready`.
struct ProbeResult: Codable, Equatable, Sendable {
    var name: String
    var up: Bool
    var detail: String?
}

/// `GET /ready`'s body: 200 with `ready` once every probe answers, 503 with `unavailable` until then.
struct ReadinessView: ResponseEncodable, Decodable, Equatable {
    var status: String
    var components: [ProbeResult]
}

extension Router {
    /// `/ready` (readiness: database and cache answer) and `/metrics` (Prometheus text), on
    /// every service: the API, the web app and the workers' own small server.
    func addObservabilityRoutes<C: Clock<Duration>>(_ dependencies: ObservabilityDependencies, clock: C) {
        self.get("/ready") { _, _ -> EditedResponse<ReadinessView> in
            let components = await dependencies.probeAll(clock: clock)
            let ready = components.allSatisfy(\.up)
            return EditedResponse(status: ready ? .ok : .serviceUnavailable,
                                  response: ReadinessView(status: ready ? "ready" : "unavailable", components: components))
        }
        self.get("/metrics") { request, _ -> Response in
            switch MetricsAccess.decide(token: dependencies.metricsToken, mode: dependencies.mode,
                                        authorization: request.headers[.authorization]) {
            case .hidden:
                throw HTTPError(.notFound, message: "Not Found")
            case .unauthorized:
                throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "a bearer METRICS_TOKEN is required")
            case .allowed:
                await dependencies.collect(clock: clock)
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: MirrorMetrics.render())))
            }
        }
    }
}
