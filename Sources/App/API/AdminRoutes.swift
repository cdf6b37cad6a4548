import Foundation
import Hummingbird
import Kernel
import Logging

/// Lets a request through only with `Authorization: Bearer <ADMIN_TOKEN>`. The comparison takes
/// the same time whatever the token's content, so response timing never reveals a prefix.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let token: Secret

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let authorization = request.headers[.authorization],
              authorization.count > 7, authorization.prefix(7).lowercased() == "bearer ",
              Self.constantTimeEqual(Array(authorization.dropFirst(7).utf8), Array(self.token.revealed.utf8))
        else { throw APIError.unauthorized }
        return try await next(request, context)
    }

    /// Every byte of the longer input is visited whatever differs; only the length leaks.
    static func constantTimeEqual(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        guard !expected.isEmpty else { return false }
        var difference = UInt8(presented.count == expected.count ? 0 : 1)
        for index in 0..<max(presented.count, expected.count) {
            let left = index < presented.count ? presented[index] : 0
            let right = index < expected.count ? expected[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}

struct RetryRelayerRequest: Decodable {
    var txId: String
}

struct CountView: ResponseEncodable {
    var action: String
    var profilesChanged: Int
}

struct AdminRelayerTxView: ResponseEncodable {
    var id: String
    var kind: String
    var status: String
    var idempotencyKey: String
    var submitCount: Int
    var lastError: String?

    init(_ tx: RelayerTx) {
        self.id = tx.id.rawValue
        self.kind = tx.kind.rawValue
        self.status = tx.status.rawValue
        self.idempotencyKey = tx.idempotencyKey
        self.submitCount = tx.submitCount
        self.lastError = tx.lastError
    }
}

struct ChangeView: Codable {
    var id: String
    var from: String
    var to: String
}

struct ReconcileView: ResponseEncodable {
    var orders: [ChangeView]
    var relayerTxs: [ChangeView]
    var unchanged: Int
}

struct AuditView: Codable {
    var id: String
    var actor: String
    var action: String
    var subjectType: String?
    var subjectId: String?
    var details: String
    var createdAt: String
}

struct AuditList: ResponseEncodable {
    var entries: [AuditView]
}

struct SystemStatusView: ResponseEncodable {
    struct Worker: Codable {
        var name: String
        var lastPing: String?
        var up: Bool
    }

    struct Breaker: Codable {
        var service: String
        var state: String
        var consecutiveFailures: Int
    }

    var status: String
    /// The database, probed by this request (answering within 3 s or counted down), so an
    /// outage shows at once rather than at the next health check.
    var database: ProbeResult
    var workers: [Worker]
    var breakers: [Breaker]
    /// The last `system:health` report, `null` when none is fresh (or it cannot be read).
    var health: HealthReport?
}

/// What the admin and status routes need.
struct AdminDependencies: Sendable {
    var administration: Administration
    var store: any Store
    var cache: any Cache
    var breakers: [CircuitBreaker]
    var wallClock: WallClock
    /// Reads from the database once; `/system/status` runs it under ``databaseProbeTimeout``.
    var probeDatabase: @Sendable () async throws -> Void
    var databaseProbeTimeout: Duration = .seconds(3)
    /// How long an order or relayer tx must have been in flight before reconcile touches it.
    var reconcileThreshold: Duration = .seconds(60)
}

extension Router where Context == AppRequestContext {
    /// `GET /system/status` (open, like `/health`) and the runbook's `/admin/*` (ADMIN_TOKEN).
    func addAdminRoutes(_ admin: AdminDependencies, token: Secret) {
        self.get("/system/status") { _, _ -> SystemStatusView in
            try await admin.systemStatus()
        }
        let routes = self.group("/admin").add(middleware: AdminAuthMiddleware(token: token))
        routes.post("/pause-all") { _, _ -> CountView in
            CountView(action: "pause-all", profilesChanged: try await admin.administration.pauseAll())
        }
        routes.post("/resume-all") { _, _ -> CountView in
            CountView(action: "resume-all", profilesChanged: try await admin.administration.resumeAll())
        }
        routes.post("/retry-relayer") { request, context -> AdminRelayerTxView in
            let body = try await request.decodeJSON(as: RetryRelayerRequest.self, context: context)
            guard (1...100).contains(body.txId.count) else { throw APIError.invalid("txId", "txId must be 1 to 100 characters") }
            return AdminRelayerTxView(try await admin.administration.retryRelayer(RelayerTxID(body.txId)))
        }
        routes.post("/reconcile") { _, _ -> ReconcileView in
            let report = try await admin.administration.reconcile(olderThan: admin.reconcileThreshold)
            func views(_ changes: [Administration.Change]) -> [ChangeView] {
                changes.map { ChangeView(id: $0.id, from: $0.from, to: $0.to) }
            }
            return ReconcileView(orders: views(report.orders), relayerTxs: views(report.relayerTxs), unchanged: report.unchanged)
        }
        routes.get("/audit-logs") { request, _ -> AuditList in
            var limit = 50
            if let text = request.uri.queryParameters.get("limit") {
                guard let value = Int(text), (1...500).contains(value) else {
                    throw APIError.badRequest("limit", "limit must be a whole number from 1 to 500")
                }
                limit = value
            }
            return AuditList(entries: try await admin.store.recentAudit(limit: limit).map { entry in
                AuditView(id: entry.id.rawValue, actor: entry.actor, action: entry.action, subjectType: entry.subjectType,
                          subjectId: entry.subjectID, details: entry.details, createdAt: entry.createdAt.description)
            })
        }
    }
}

extension AdminDependencies {
    /// Heartbeats read now (a ping older than 2 minutes is down), breaker states, and the last
    /// health check's blob.
    func systemStatus() async throws -> SystemStatusView {
        let database: ProbeResult
        do {
            try await withDeadline(self.databaseProbeTimeout, clock: ContinuousClock(), self.probeDatabase)
            database = ProbeResult(name: "database", up: true, detail: nil)
        } catch {
            database = ProbeResult(name: "database", up: false, detail: redactingURLCredentials(in: String(describing: error)))
        }
        let now = self.wallClock.now()
        var workers: [SystemStatusView.Worker] = []
        for worker in WorkerName.allCases {
            let last = try? await self.cache.lastHeartbeat(worker)
            let up = last.map { now.since($0) <= HealthCheck.staleAfter } ?? false
            workers.append(.init(name: worker.rawValue, lastPing: last?.description, up: up))
        }
        var breakers: [SystemStatusView.Breaker] = []
        for breaker in self.breakers {
            let snapshot = breaker.snapshot
            breakers.append(.init(service: snapshot.service, state: snapshot.state.rawValue,
                                  consecutiveFailures: snapshot.consecutiveFailures))
        }
        let health = (try? await self.cache.value(forKey: CacheKey.systemHealth))
            .flatMap { try? JSONDecoder().decode(HealthReport.self, from: Data($0.utf8)) }
        let healthy = database.up && workers.allSatisfy(\.up) && breakers.allSatisfy { $0.state == CircuitBreaker.State.closed.rawValue }
            && health?.status == .ok
        return SystemStatusView(status: healthy ? "ok" : "degraded", database: database, workers: workers, breakers: breakers, health: health)
    }
}

extension Backends {
    /// The relayer-tx driver over these backends (withdrawals, redemptions, operator retries).
    func relayerTxDriver(wallClock: WallClock) -> RelayerTxDriver {
        RelayerTxDriver(store: self.store, vault: self.vault, relayer: self.venue.relayer, wallClock: wallClock, ids: self.ids,
                        leases: self.cache)
    }

    func withdrawals(wallClock: WallClock, policy: WithdrawalPolicy = .local) -> Withdrawals {
        Withdrawals(store: self.store, exchange: self.venue.exchange, relayerTxs: self.relayerTxDriver(wallClock: wallClock),
                    policy: policy)
    }

    func adminDependencies(wallClock: WallClock, logger: Logger) -> AdminDependencies {
        let store = self.store
        let feed = self.venue.feed
        let engine = CopyEngine(
            store: store, exchange: self.venue.exchange, vault: self.vault, wallClock: wallClock, ids: self.ids,
            settings: CopyEngine.Settings(owner: "admin-\(self.ids.next(String.self).rawValue.prefix(8))"), logger: logger)
        let administration = Administration(
            store: store, engine: engine, relayerTxs: self.relayerTxDriver(wallClock: wallClock),
            request: { tx in try await RelayerTxDriver.request(for: tx, store: store, feed: feed) },
            wallClock: wallClock, ids: self.ids)
        return AdminDependencies(administration: administration, store: store, cache: self.cache,
                                 breakers: self.venue.breakers, wallClock: wallClock, probeDatabase: self.probeDatabase)
    }
}
