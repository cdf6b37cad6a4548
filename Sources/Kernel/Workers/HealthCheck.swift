public import Logging
import Metrics

/// One dependency the health check probes (database, cache, exchange, relayer).
public struct HealthProbe: Sendable {
    public let name: String
    public let check: @Sendable () async throws -> Void

    public init(name: String, check: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.check = check
    }
}

/// What the health-check worker writes to `system:health` and `GET /system/status` shows.
public struct HealthReport: Hashable, Sendable, Codable {
    public enum Status: String, Hashable, Sendable, Codable {
        case ok, degraded
    }

    public struct Component: Hashable, Sendable, Codable {
        public var name: String
        public var up: Bool
        /// Why it is down; an error's type and message, never a secret.
        public var detail: String?

        public init(name: String, up: Bool, detail: String?) {
            self.name = name
            self.up = up
            self.detail = detail
        }
    }

    public struct Worker: Hashable, Sendable, Codable {
        public var name: String
        /// The last heartbeat, epoch milliseconds; `nil` if it never beat.
        public var lastPing: Int64?
        public var up: Bool

        public init(name: String, lastPing: Int64?, up: Bool) {
            self.name = name
            self.lastPing = lastPing
            self.up = up
        }
    }

    public var status: Status
    public var checkedAt: Timestamp
    public var components: [Component]
    public var workers: [Worker]
}

/// Probes every dependency and reads every expected worker's heartbeat, then stores the report
/// under `system:health` for 120 s. A heartbeat older than `staleAfter` (2 minutes) means down.
public struct HealthCheck: Sendable {
    public static let staleAfter: Duration = .seconds(120)

    let probes: [HealthProbe]
    let expectedWorkers: [WorkerName]
    let cache: any Cache
    let wallClock: WallClock
    let logger: Logger

    public init(probes: [HealthProbe], expectedWorkers: [WorkerName], cache: any Cache, wallClock: WallClock,
                logger: Logger = Logger(label: "mirror.health-check")) {
        self.probes = probes
        self.expectedWorkers = expectedWorkers
        self.cache = cache
        self.wallClock = wallClock
        self.logger = logger
    }

    /// Runs every probe concurrently and reads heartbeats; never throws — a failure is a finding.
    public func report() async -> HealthReport {
        let components = await withTaskGroup(of: (Int, HealthReport.Component).self) { group in
            for (index, probe) in self.probes.enumerated() {
                group.addTask {
                    do {
                        try await probe.check()
                        return (index, .init(name: probe.name, up: true, detail: nil))
                    } catch {
                        return (index, .init(name: probe.name, up: false, detail: String(describing: error)))
                    }
                }
            }
            var results: [(Int, HealthReport.Component)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let now = self.wallClock.now()
        var workers: [HealthReport.Worker] = []
        var cacheUp = true
        for worker in self.expectedWorkers {
            var last: Timestamp?
            do {
                last = try await self.cache.lastHeartbeat(worker)
            } catch {
                cacheUp = false
                last = nil
            }
            // The health-check worker is running right now: this report is its ping (its first
            // heartbeat is only written after its first report).
            if worker == .healthCheck { last = now }
            let up = last.map { now.since($0) <= Self.staleAfter } ?? false
            if !up {
                // The runbook's alert: a ping more than 2 minutes stale.
                Counter(label: "mirror_worker_stale_total", dimensions: [("worker", worker.rawValue)]).increment()
                self.logger.warning("worker heartbeat stale", metadata: [
                    "worker.name": "\(worker.rawValue)", "worker.last_ping": "\(last.map(\.description) ?? "never")",
                ])
            }
            workers.append(.init(name: worker.rawValue, lastPing: last?.epochMilliseconds, up: up))
        }
        let healthy = components.allSatisfy(\.up) && workers.allSatisfy(\.up) && cacheUp
        return HealthReport(status: healthy ? .ok : .degraded, checkedAt: now, components: components, workers: workers)
    }

    /// Builds a report and stores it as JSON under `system:health` with its 120 s TTL.
    @discardableResult
    public func run() async throws -> HealthReport {
        let report = await self.report()
        try await self.cache.set(report.jsonText(), forKey: CacheKey.systemHealth, ttl: CacheKey.systemHealthTTL)
        return report
    }
}

extension HealthReport {
    /// Compact JSON with stable key order, written by hand so the Kernel needs no JSON encoder.
    public func jsonText() -> String {
        let quoted = JSONScalar.quoted
        let components = self.components.map { component in
            "{\"name\":\(quoted(component.name)),\"up\":\(component.up)"
                + (component.detail.map { ",\"detail\":\(quoted($0))" } ?? "") + "}"
        }
        let workers = self.workers.map { worker in
            "{\"name\":\(quoted(worker.name)),\"lastPing\":\(worker.lastPing.map(String.init) ?? "null"),\"up\":\(worker.up)}"
        }
        return "{\"status\":\(quoted(self.status.rawValue)),\"checkedAt\":\(quoted(self.checkedAt.description)),"
            + "\"components\":[\(components.joined(separator: ","))],\"workers\":[\(workers.joined(separator: ","))]}"
    }
}
