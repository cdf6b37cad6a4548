public import Kernel

/// The notification tables of the in-memory store (one stored property of the actor).
struct NotificationTables {
    struct OutboxRow {
        var id: Int64
        var event: OutboxEvent
        var dispatchedAt: Timestamp?
    }

    struct Lease {
        var owner: String
        var expiresAt: Timestamp
    }

    var outbox: [Int64: OutboxRow] = [:]
    var nextOutboxID: Int64 = 1
    var endpoints: [WebhookEndpointID: WebhookEndpoint] = [:]
    var deliveries: [Int64: WebhookDelivery] = [:]
    var leases: [Int64: Lease] = [:]
    var nextDeliveryID: Int64 = 1
    /// The follow statuses last seen, so a change made outside Mirror is found.
    var knownFollowStatus: [ProfileID: ProfileStatus] = [:]
    var lastHealthDegraded: Bool?
    var lastDigestAt: [UserID: Timestamp] = [:]
    var digestInterval: [UserID: Duration] = [:]
    var telegramLinks: [UserID: TelegramLink] = [:]
    var telegramMessages: [Int64: TelegramMessage] = [:]
    var telegramLeases: [Int64: Lease] = [:]
    var nextTelegramID: Int64 = 1

    /// The outbox rows some PENDING delivery or Telegram message still waits on.
    var pendingOutboxIDs: Set<Int64> {
        Set(self.deliveries.values.filter { $0.status == .pending }.map(\.outboxID))
            .union(self.telegramMessages.values.filter { $0.status == .pending }.map(\.outboxID))
    }
}

extension InMemoryStore {
    /// Writes `event` (when there is one) into the outbox: called inside the write it reports.
    func recordOutbox(_ event: OutboxEvent?) {
        guard let event else { return }
        let id = self.notifications.nextOutboxID
        self.notifications.nextOutboxID += 1
        self.notifications.outbox[id] = NotificationTables.OutboxRow(id: id, event: event, dispatchedAt: nil)
    }

    /// A follow's status changed through Mirror: its event, and the status remembered as seen.
    func recordFollowChange(_ profile: CopyProfile, from: ProfileStatus, audit: AuditEntry?, at time: Timestamp) {
        self.notifications.knownFollowStatus[profile.id] = profile.status
        self.recordOutbox(OutboxEvent.followChanged(
            profileID: profile.id, userID: profile.userID, leaderID: profile.leaderID, from: from, to: profile.status,
            by: OutboxEvent.actor(of: audit, to: profile.status), at: time))
    }
}

// MARK: - NotificationStore

extension InMemoryStore {
    public func insertWebhookEndpoint(_ endpoint: WebhookEndpoint, limit: Int) throws -> Bool {
        guard self.notifications.endpoints[endpoint.id] == nil else {
            throw StoreError.duplicate(entity: "webhook_endpoints", key: endpoint.id.rawValue)
        }
        guard self.notifications.endpoints.values.count(where: { $0.userID == endpoint.userID }) < limit else { return false }
        self.notifications.endpoints[endpoint.id] = endpoint
        return true
    }

    public func webhookEndpoint(id: WebhookEndpointID) -> WebhookEndpoint? { self.notifications.endpoints[id] }

    public func webhookEndpoints(userID: UserID) -> [WebhookEndpoint] {
        self.notifications.endpoints.values.filter { $0.userID == userID }
            .sorted { ($0.createdAt, $0.id.rawValue) < ($1.createdAt, $1.id.rawValue) }
    }

    public func deleteWebhookEndpoint(id: WebhookEndpointID, userID: UserID) -> Bool {
        guard self.notifications.endpoints[id]?.userID == userID else { return false }
        self.notifications.endpoints[id] = nil
        self.notifications.deliveries = self.notifications.deliveries.filter { $0.value.endpointID != id }
        return true
    }

    public func rotateWebhookSecret(id: WebhookEndpointID, userID: UserID, sealed: SealedSecret, previous: SealedSecret,
                                    previousUntil: Timestamp, at time: Timestamp) -> Bool {
        guard var endpoint = self.notifications.endpoints[id], endpoint.userID == userID else { return false }
        endpoint.sealedSecret = sealed
        endpoint.previousSealedSecret = previous
        endpoint.previousSecretUntil = previousUntil
        endpoint.updatedAt = time
        self.notifications.endpoints[id] = endpoint
        return true
    }

    public func webhookEndpoints(sealedUnderOtherThan keyVersion: Int, limit: Int) -> [WebhookEndpoint] {
        Array(self.notifications.endpoints.values.filter {
            $0.sealedSecret.keyVersion != keyVersion || ($0.previousSealedSecret.map { $0.keyVersion != keyVersion } ?? false)
        }.sorted { $0.id.rawValue < $1.id.rawValue }.prefix(max(limit, 0)))
    }

    public func resealWebhookSecrets(id: WebhookEndpointID, expected: SealedSecret, sealed: SealedSecret,
                                     previous: SealedSecret?) -> Bool {
        guard var endpoint = self.notifications.endpoints[id], endpoint.sealedSecret == expected else { return false }
        endpoint.sealedSecret = sealed
        endpoint.previousSealedSecret = previous
        if previous == nil { endpoint.previousSecretUntil = nil }
        self.notifications.endpoints[id] = endpoint
        return true
    }

    public func recordEndpointHealth(id: WebhookEndpointID, consecutiveFailures: Int, breakerOpenUntil: Timestamp?,
                                     opened: OutboxEvent?, at time: Timestamp) {
        guard var endpoint = self.notifications.endpoints[id] else { return }
        endpoint.consecutiveFailures = consecutiveFailures
        endpoint.breakerOpenUntil = breakerOpenUntil
        endpoint.updatedAt = time
        self.notifications.endpoints[id] = endpoint
        self.recordOutbox(opened)
    }

    public func appendOutbox(_ events: [OutboxEvent]) {
        for event in events { self.recordOutbox(event) }
    }

    public func dispatchOutbox(limit: Int, at time: Timestamp) -> Int {
        let due = self.notifications.outbox.values.filter { $0.dispatchedAt == nil }.sorted { $0.id < $1.id }.prefix(max(limit, 0))
        for row in due {
            for endpoint in self.webhookEndpoints(userID: row.event.userID)
            where endpoint.receives(row.event.type, target: row.event.target) {
                let id = self.notifications.nextDeliveryID
                self.notifications.nextDeliveryID += 1
                self.notifications.deliveries[id] = WebhookDelivery(
                    id: id, outboxID: row.id, endpointID: endpoint.id, userID: row.event.userID, type: row.event.type,
                    payload: row.event.payload, status: .pending, attempts: 0, nextAttemptAt: time, lastStatusCode: nil,
                    lastError: nil, createdAt: time, updatedAt: time, deliveredAt: nil)
            }
            if let link = self.notifications.telegramLinks[row.event.userID], link.receives(row.event.type, target: row.event.target) {
                let id = self.notifications.nextTelegramID
                self.notifications.nextTelegramID += 1
                self.notifications.telegramMessages[id] = TelegramMessage(
                    id: id, outboxID: row.id, userID: link.userID, chatID: link.chatID, type: row.event.type,
                    payload: row.event.payload, status: .pending, attempts: 0, nextAttemptAt: time, lastError: nil,
                    createdAt: time, updatedAt: time)
            }
            self.notifications.outbox[row.id]?.dispatchedAt = time
        }
        return due.count
    }

    public func claimDeliveries(owner: String, now: Timestamp, leaseDuration: Duration, limit: Int) -> [WebhookDelivery] {
        let due = self.notifications.deliveries.values.filter { delivery in
            guard delivery.status == .pending, delivery.nextAttemptAt <= now else { return false }
            if let lease = self.notifications.leases[delivery.id], lease.expiresAt > now { return false }
            if let open = self.notifications.endpoints[delivery.endpointID]?.breakerOpenUntil, open > now { return false }
            return true
        }.sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }.prefix(max(limit, 0))
        for delivery in due {
            self.notifications.leases[delivery.id] = NotificationTables.Lease(owner: owner, expiresAt: now + leaseDuration)
        }
        return Array(due)
    }

    public func finishDelivery(_ delivery: WebhookDelivery, owner: String) -> Bool {
        guard self.notifications.leases[delivery.id]?.owner == owner,
              var stored = self.notifications.deliveries[delivery.id], stored.status == .pending
        else { return false }
        stored.status = delivery.status
        stored.attempts = delivery.attempts
        stored.nextAttemptAt = delivery.nextAttemptAt
        stored.lastStatusCode = delivery.lastStatusCode
        stored.lastError = delivery.lastError
        stored.updatedAt = delivery.updatedAt
        stored.deliveredAt = delivery.deliveredAt
        self.notifications.deliveries[delivery.id] = stored
        self.notifications.leases[delivery.id] = nil
        return true
    }

    public func deliveries(endpointID: WebhookEndpointID, limit: Int) -> [WebhookDelivery] {
        Array(self.notifications.deliveries.values.filter { $0.endpointID == endpointID }
            .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.prefix(max(limit, 0)))
    }

    public func retryDelivery(id: Int64, endpointID: WebhookEndpointID, at time: Timestamp) -> Bool {
        guard var stored = self.notifications.deliveries[id], stored.endpointID == endpointID, stored.status == .failed
        else { return false }
        stored.status = .pending
        stored.attempts = 0
        stored.nextAttemptAt = time
        stored.updatedAt = time
        self.notifications.deliveries[id] = stored
        return true
    }

    public func oldestUndeliveredOutbox() -> Timestamp? {
        let pendingOutboxIDs = self.notifications.pendingOutboxIDs
        return self.notifications.outbox.values
            .filter { $0.dispatchedAt == nil || pendingOutboxIDs.contains($0.id) }
            .map(\.event.createdAt).min()
    }

    public func purgeOutbox(before cutoff: Timestamp) -> Int {
        let pendingOutboxIDs = self.notifications.pendingOutboxIDs
        let gone = self.notifications.outbox.values.filter {
            $0.dispatchedAt != nil && $0.event.createdAt < cutoff && !pendingOutboxIDs.contains($0.id)
        }.map(\.id)
        for id in gone { self.notifications.outbox[id] = nil }
        let goneSet = Set(gone)
        self.notifications.deliveries = self.notifications.deliveries.filter { !goneSet.contains($0.value.outboxID) }
        self.notifications.telegramMessages = self.notifications.telegramMessages.filter { !goneSet.contains($0.value.outboxID) }
        return gone.count
    }

    public func recordExternalFollowChanges(at time: Timestamp) -> Int {
        var recorded = 0
        for profile in self.profilesByID.values.sorted(by: { $0.id.rawValue < $1.id.rawValue }) {
            guard let known = self.notifications.knownFollowStatus[profile.id] else {
                self.notifications.knownFollowStatus[profile.id] = profile.status
                continue
            }
            guard known != profile.status else { continue }
            self.notifications.knownFollowStatus[profile.id] = profile.status
            if let event = OutboxEvent.followChanged(profileID: profile.id, userID: profile.userID, leaderID: profile.leaderID,
                                                     from: known, to: profile.status, by: "operator", at: time) {
                self.recordOutbox(event)
                recorded += 1
            }
        }
        return recorded
    }

    public func recordCopyingHealth(degraded: Bool, down: [String], at time: Timestamp) -> Int {
        let last = self.notifications.lastHealthDegraded
        self.notifications.lastHealthDegraded = degraded
        // The first verdict is remembered only: "recovered" from nothing tells no one anything.
        guard let last, last != degraded else { return 0 }
        let users = Set(self.profilesByID.values.filter { $0.status != .stopped }.map(\.userID))
        for userID in users.sorted(by: { $0.rawValue < $1.rawValue }) {
            self.recordOutbox(OutboxEvent.copyingHealth(userID: userID, degraded: degraded, down: down, at: time))
        }
        return users.count
    }

    public func recordCopyDigests(at time: Timestamp, defaultInterval: Duration) -> Int {
        let subscribers = Set(self.notifications.endpoints.values
            .filter { $0.events?.contains(.copyDigest) ?? true }.map(\.userID))
            .union(self.notifications.telegramLinks.values.filter { $0.events?.contains(.copyDigest) ?? true }.map(\.userID))
        var written = 0
        for userID in subscribers.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard let since = DeliveryPolicy.digestDue(
                lastDigestAt: self.notifications.lastDigestAt[userID], interval: self.notifications.digestInterval[userID],
                defaultInterval: defaultInterval, now: time) else { continue }
            var counts = DigestCounts()
            for attempt in self.attempts(userID: userID, limit: Int.max)
            where attempt.updatedAt > since && attempt.updatedAt <= time
                && attempt.createdAt >= since - DeliveryPolicy.digestCreationWindow {
                counts.count(attempt.status)
            }
            self.notifications.lastDigestAt[userID] = time
            guard !counts.isEmpty else { continue }
            self.recordOutbox(OutboxEvent.copyDigest(userID: userID, counts: counts, since: since, until: time))
            written += 1
        }
        return written
    }

    public func setDigestInterval(userID: UserID, interval: Duration?) {
        self.notifications.digestInterval[userID] = interval
    }

    public func saveTelegramLink(_ link: TelegramLink) {
        self.notifications.telegramLinks[link.userID] = link
    }

    public func telegramLink(userID: UserID) -> TelegramLink? { self.notifications.telegramLinks[userID] }

    public func unlinkTelegram(userID: UserID) -> Bool {
        guard self.notifications.telegramLinks.removeValue(forKey: userID) != nil else { return false }
        self.notifications.telegramMessages = self.notifications.telegramMessages.filter {
            !($0.value.userID == userID && $0.value.status == .pending)
        }
        return true
    }

    public func claimTelegramMessages(owner: String, now: Timestamp, leaseDuration: Duration, limit: Int) -> [TelegramMessage] {
        let due = self.notifications.telegramMessages.values.filter { message in
            guard message.status == .pending, message.nextAttemptAt <= now else { return false }
            if let lease = self.notifications.telegramLeases[message.id], lease.expiresAt > now { return false }
            return true
        }.sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }.prefix(max(limit, 0))
        for message in due {
            self.notifications.telegramLeases[message.id] = NotificationTables.Lease(owner: owner, expiresAt: now + leaseDuration)
        }
        return Array(due)
    }

    public func finishTelegramMessage(_ message: TelegramMessage, owner: String) -> Bool {
        guard self.notifications.telegramLeases[message.id]?.owner == owner,
              var stored = self.notifications.telegramMessages[message.id], stored.status == .pending
        else { return false }
        stored.status = message.status
        stored.attempts = message.attempts
        stored.nextAttemptAt = message.nextAttemptAt
        stored.lastError = message.lastError
        stored.updatedAt = message.updatedAt
        self.notifications.telegramMessages[message.id] = stored
        self.notifications.telegramLeases[message.id] = nil
        return true
    }
}
