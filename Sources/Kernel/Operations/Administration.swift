/// The operator's actions behind `/admin/*`, each audited in the same atomic step as its change
/// (a bulk action's single row; reconcile one row per row it changed, or one saying nothing did).
public struct Administration: Sendable {
    public enum Failure: Error, Hashable, Sendable {
        case notFound
        /// The transaction is not FAILED; only a FAILED one can be retried.
        case notRetryable(status: RelayerTx.Status)
        /// A FAILED withdrawal no longer fits in its wallet's available balance: retrying it
        /// would reserve more than is there.
        case insufficientBalance(available: Collateral)
    }

    /// One row reconcile moved.
    public struct Change: Hashable, Sendable {
        public var id: String
        public var from: String
        public var to: String

        public init(id: String, from: String, to: String) {
            self.id = id
            self.from = from
            self.to = to
        }
    }

    /// What `POST /admin/reconcile` changed.
    public struct ReconcileReport: Hashable, Sendable {
        public var orders: [Change] = []
        public var relayerTxs: [Change] = []
        /// Rows looked at but left as they were (the venue has no news, or the lookup failed).
        public var unchanged: Int = 0
    }

    let store: any Store
    let engine: CopyEngine
    let relayerTxs: RelayerTxDriver
    let request: @Sendable (RelayerTx) async throws -> RelayerRequest
    let wallClock: WallClock
    let ids: IDGenerator

    /// `request` rebuilds what a relayer transaction does, for re-signing after a retry.
    public init(store: any Store, engine: CopyEngine, relayerTxs: RelayerTxDriver,
                request: @escaping @Sendable (RelayerTx) async throws -> RelayerRequest,
                wallClock: WallClock, ids: IDGenerator) {
        self.store = store
        self.engine = engine
        self.relayerTxs = relayerTxs
        self.request = request
        self.wallClock = wallClock
        self.ids = ids
    }

    /// The runbook's `UPDATE copy_profiles SET status = 'PAUSED' WHERE status = 'ENABLED'`.
    public func pauseAll() async throws -> Int {
        try await self.moveAll(from: .enabled, to: .paused, action: "admin.pause_all")
    }

    /// The runbook's `UPDATE copy_profiles SET status = 'ENABLED' WHERE status = 'PAUSED'`;
    /// USER_PAUSED (the user's own pause) is never touched.
    public func resumeAll() async throws -> Int {
        try await self.moveAll(from: .paused, to: .enabled, action: "admin.resume_all")
    }

    private func moveAll(from: ProfileStatus, to: ProfileStatus, action: String) async throws -> Int {
        let now = self.wallClock.now()
        return try await self.store.transitionAllProfiles(
            from: from, to: to, at: now,
            audit: AuditEntry(id: self.ids.next(), actor: "admin", action: action, subjectType: "copy_profile",
                              details: "\(from.rawValue) -> \(to.rawValue)", createdAt: now))
    }

    /// FAILED → PENDING on the same row and idempotency key, its reference and payload cleared so
    /// its turn signs it again with a fresh nonce; never a new row. A withdrawal is reserved again
    /// under its wallet's lock, so a retry never reserves more than is available.
    public func retryRelayer(_ id: RelayerTxID) async throws -> RelayerTx {
        guard let tx = try await self.store.relayerTx(id: id) else { throw Failure.notFound }
        var retried = tx
        do {
            retried.status = try tx.status.applying(.operatorRetry)
        } catch {
            throw Failure.notRetryable(status: tx.status)
        }
        let now = self.wallClock.now()
        retried.relayerReference = nil
        retried.transactionHash = nil
        retried.payload = ""
        retried.updatedAt = now
        let audit = AuditEntry(id: self.ids.next(), actor: "admin", action: "admin.retry_relayer", subjectType: "relayer_tx",
                               subjectID: tx.id.rawValue,
                               details: "FAILED -> PENDING (\(tx.kind.rawValue), was: \(tx.lastError ?? "no error recorded"))",
                               createdAt: now)
        if tx.kind == .withdraw {
            switch try await self.store.reReserveWithdrawal(retried, audit: audit) {
            case .reserved(let reserved): return reserved
            case .insufficient(let available): throw Failure.insufficientBalance(available: available)
            case .existing(let current): throw Failure.notRetryable(status: current.status)
            case .overDailyLimit: throw Failure.notRetryable(status: tx.status)
            }
        }
        guard try await self.store.updateRelayerTx(retried, from: .failed, audit: audit) else {
            let current = try await self.store.relayerTx(id: id)
            throw Failure.notRetryable(status: current?.status ?? tx.status)
        }
        return retried
    }

    /// Orders stuck in SUBMITTED or UNKNOWN for longer than `threshold` are looked up by hash at
    /// the venue and the answer applied (fills booked); relayer transactions in flight for longer
    /// than `threshold` are polled (or submitted, when PENDING). Each change is audited.
    public func reconcile(olderThan threshold: Duration, limit: Int = 500) async throws -> ReconcileReport {
        let now = self.wallClock.now()
        var report = ReconcileReport()
        for order in try await self.store.orders(statuses: [.submitted, .unknown], limit: limit)
        where now.since(order.updatedAt) >= threshold {
            let after = try? await self.engine.reconcileStale(order) { moved in
                self.reconcileAudit(subjectType: "order", id: order.id.rawValue, from: order.status.rawValue,
                                    to: moved.status.rawValue)
            }
            guard let after, after.status != order.status else {
                report.unchanged += 1
                continue
            }
            report.orders.append(Change(id: order.id.rawValue, from: order.status.rawValue, to: after.status.rawValue))
        }
        for tx in try await self.store.relayerTxs(statuses: [.pending, .submitted, .mined], limit: limit)
        where now.since(tx.updatedAt) >= threshold {
            let audit: (RelayerTx) -> AuditEntry = { moved in
                self.reconcileAudit(subjectType: "relayer_tx", id: tx.id.rawValue, from: tx.status.rawValue,
                                    to: moved.status.rawValue)
            }
            let after = try? await self.relayerTxs.advance(tx, audit: audit, request: self.request)
            guard let after, after.status != tx.status else {
                report.unchanged += 1
                continue
            }
            report.relayerTxs.append(Change(id: tx.id.rawValue, from: tx.status.rawValue, to: after.status.rawValue))
        }
        if report.orders.isEmpty && report.relayerTxs.isEmpty {
            try await self.store.appendAudit(AuditEntry(
                id: self.ids.next(), actor: "admin", action: "admin.reconcile", details: "nothing changed (\(report.unchanged) looked at)",
                createdAt: self.wallClock.now()))
        }
        return report
    }

    private func reconcileAudit(subjectType: String, id: String, from: String, to: String) -> AuditEntry {
        AuditEntry(id: self.ids.next(), actor: "admin", action: "admin.reconcile", subjectType: subjectType, subjectID: id,
                   details: "\(from) -> \(to)", createdAt: self.wallClock.now())
    }
}
