import Foundation
import GRDB
public import Kernel
import StoreSupport

extension SQLiteStore {
    /// Writes `event` (when there is one) into the outbox, inside the caller's transaction: the
    /// write it reports.
    static func insertOutbox(_ event: OutboxEvent?, _ db: Database) throws {
        guard let event else { return }
        try db.execute(
            sql: """
                INSERT INTO notification_outbox (user_id, type, payload, only_endpoint_id, except_endpoint_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [event.userID.rawValue, event.type.rawValue, event.payload, event.target.only?.rawValue,
                        event.target.except?.rawValue, event.createdAt.sql])
    }

    /// A follow's status moved through Mirror (inside that write's transaction): its event, and
    /// the new status remembered, so the worker does not report it again as an outside change.
    static func recordFollowChange(_ db: Database, id: ProfileID, from: ProfileStatus, to next: ProfileStatus,
                                   audit: AuditEntry?, at time: Timestamp) throws {
        guard let (userID, leaderID) = try db.fetchOne(
            "SELECT user_id, leader_id FROM copy_profiles WHERE id = ?", [id.rawValue], table: "copy_profiles",
            { row -> (UserID, LeaderID) in (try row.id("user_id"), try row.id("leader_id")) })
        else { return }
        try Self.rememberFollowStatus(db, id: id, status: next)
        try Self.insertOutbox(OutboxEvent.followChanged(
            profileID: id, userID: userID, leaderID: leaderID, from: from, to: next,
            by: OutboxEvent.actor(of: audit, to: next), at: time), db)
    }

    private static func rememberFollowStatus(_ db: Database, id: ProfileID, status: ProfileStatus) throws {
        try db.execute(
            sql: """
                INSERT INTO notification_follow_states (profile_id, status) VALUES (?, ?)
                ON CONFLICT (profile_id) DO UPDATE SET status = excluded.status
                """,
            arguments: [id.rawValue, status.rawValue])
    }
}

extension SQLiteStore: NotificationStore {
    public func insertWebhookEndpoint(_ endpoint: WebhookEndpoint, limit: Int) async throws -> Bool {
        try await self.write { db in
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM webhook_endpoints WHERE user_id = ?",
                                         arguments: [endpoint.userID.rawValue]) ?? 0
            guard count < limit else { return false }
            try db.insert(
                into: "webhook_endpoints",
                sql: """
                    INSERT INTO webhook_endpoints (id, user_id, url, events, secret_key_version, secret_ciphertext,
                                                   consecutive_failures, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)
                    """,
                arguments: [
                    endpoint.id.rawValue, endpoint.userID.rawValue, endpoint.url, endpoint.eventsText,
                    endpoint.sealedSecret.keyVersion, endpoint.sealedSecret.sqlBytes, endpoint.createdAt.sql,
                    endpoint.updatedAt.sql,
                ],
                keys: ["id": endpoint.id.rawValue])
            return true
        }
    }

    public func webhookEndpoint(id: WebhookEndpointID) async throws -> WebhookEndpoint? {
        try await self.read { db in
            try db.fetchOne("SELECT * FROM webhook_endpoints WHERE id = ?", [id.rawValue], table: "webhook_endpoints",
                            WebhookEndpoint.init(row:))
        }
    }

    public func webhookEndpoints(userID: UserID) async throws -> [WebhookEndpoint] {
        try await self.read { db in try Self.endpoints(db, userID: userID) }
    }

    private static func endpoints(_ db: Database, userID: UserID) throws -> [WebhookEndpoint] {
        try db.fetch("SELECT * FROM webhook_endpoints WHERE user_id = ? ORDER BY created_at, id", [userID.rawValue],
                     table: "webhook_endpoints", WebhookEndpoint.init(row:))
    }

    public func deleteWebhookEndpoint(id: WebhookEndpointID, userID: UserID) async throws -> Bool {
        try await self.write { db in
            try db.execute(sql: "DELETE FROM webhook_deliveries WHERE endpoint_id = ? AND user_id = ?",
                           arguments: [id.rawValue, userID.rawValue])
            return try db.update(sql: "DELETE FROM webhook_endpoints WHERE id = ? AND user_id = ?",
                                 arguments: [id.rawValue, userID.rawValue])
        }
    }

    public func rotateWebhookSecret(id: WebhookEndpointID, userID: UserID, sealed: SealedSecret, previous: SealedSecret,
                                    previousUntil: Timestamp, at time: Timestamp) async throws -> Bool {
        try await self.write { db in
            try db.update(
                sql: """
                    UPDATE webhook_endpoints
                    SET secret_key_version = ?, secret_ciphertext = ?, previous_secret_key_version = ?,
                        previous_secret_ciphertext = ?, previous_secret_until = ?, updated_at = ?
                    WHERE id = ? AND user_id = ?
                    """,
                arguments: [sealed.keyVersion, sealed.sqlBytes, previous.keyVersion, previous.sqlBytes, previousUntil.sql,
                            time.sql, id.rawValue, userID.rawValue])
        }
    }

    public func webhookEndpoints(sealedUnderOtherThan keyVersion: Int, limit: Int) async throws -> [WebhookEndpoint] {
        try await self.read { db in
            try db.fetch(
                """
                SELECT * FROM webhook_endpoints
                WHERE secret_key_version <> ? OR (previous_secret_key_version IS NOT NULL AND previous_secret_key_version <> ?)
                ORDER BY id LIMIT ?
                """, [keyVersion, keyVersion, max(limit, 0)], table: "webhook_endpoints", WebhookEndpoint.init(row:))
        }
    }

    public func resealWebhookSecrets(id: WebhookEndpointID, expected: SealedSecret, sealed: SealedSecret,
                                     previous: SealedSecret?) async throws -> Bool {
        try await self.write { db in
            try db.update(
                sql: """
                    UPDATE webhook_endpoints
                    SET secret_key_version = ?, secret_ciphertext = ?, previous_secret_key_version = ?,
                        previous_secret_ciphertext = ?,
                        previous_secret_until = CASE WHEN ? IS NULL THEN NULL ELSE previous_secret_until END
                    WHERE id = ? AND secret_key_version = ? AND secret_ciphertext = ?
                    """,
                arguments: [sealed.keyVersion, sealed.sqlBytes, previous?.keyVersion, previous?.sqlBytes, previous?.keyVersion,
                            id.rawValue, expected.keyVersion, expected.sqlBytes])
        }
    }

    public func recordEndpointHealth(id: WebhookEndpointID, consecutiveFailures: Int, breakerOpenUntil: Timestamp?,
                                     opened: OutboxEvent?, at time: Timestamp) async throws {
        try await self.write { db in
            guard try db.update(
                sql: """
                    UPDATE webhook_endpoints SET consecutive_failures = ?, breaker_open_until = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [consecutiveFailures, breakerOpenUntil.sql, time.sql, id.rawValue])
            else { return }
            try Self.insertOutbox(opened, db)
        }
    }

    public func appendOutbox(_ events: [OutboxEvent]) async throws {
        try await self.write { db in
            for event in events { try Self.insertOutbox(event, db) }
        }
    }

    public func dispatchOutbox(limit: Int, at time: Timestamp) async throws -> Int {
        try await self.write { db in
            let rows = try db.fetch(
                "SELECT * FROM notification_outbox WHERE dispatched_at IS NULL ORDER BY id LIMIT ?", [max(limit, 0)],
                table: "notification_outbox", StoredOutboxRow.init(row:))
            var endpointsByUser: [UserID: [WebhookEndpoint]] = [:]
            for row in rows {
                let userID = row.event.userID
                if endpointsByUser[userID] == nil { endpointsByUser[userID] = try Self.endpoints(db, userID: userID) }
                for endpoint in endpointsByUser[userID] ?? [] where endpoint.receives(row.event.type, target: row.event.target) {
                    try db.execute(
                        sql: """
                            INSERT INTO webhook_deliveries (outbox_id, endpoint_id, user_id, type, status, attempts,
                                                            next_attempt_at, created_at, updated_at)
                            VALUES (?, ?, ?, ?, 'PENDING', 0, ?, ?, ?) ON CONFLICT (outbox_id, endpoint_id) DO NOTHING
                            """,
                        arguments: [row.id, endpoint.id.rawValue, userID.rawValue, row.event.type.rawValue, time.sql,
                                    time.sql, time.sql])
                }
                if let link = try db.fetchOne("SELECT * FROM telegram_links WHERE user_id = ?", [userID.rawValue],
                                              table: "telegram_links", TelegramLink.init(row:)),
                   link.receives(row.event.type, target: row.event.target) {
                    try db.execute(
                        sql: """
                            INSERT INTO telegram_messages (outbox_id, user_id, chat_id, type, status, attempts, next_attempt_at,
                                                           created_at, updated_at)
                            VALUES (?, ?, ?, ?, 'PENDING', 0, ?, ?, ?) ON CONFLICT (outbox_id) DO NOTHING
                            """,
                        arguments: [row.id, userID.rawValue, link.chatID, row.event.type.rawValue, time.sql, time.sql, time.sql])
                }
                try db.execute(sql: "UPDATE notification_outbox SET dispatched_at = ? WHERE id = ?",
                               arguments: [time.sql, row.id])
            }
            return rows.count
        }
    }

    public func claimDeliveries(owner: String, now: Timestamp, leaseDuration: Duration, limit: Int) async throws
        -> [WebhookDelivery] {
        try await self.write { db in
            let due = try db.fetch(
                """
                SELECT \(NotificationSQL.deliveryColumns)
                FROM webhook_deliveries d
                JOIN notification_outbox o ON o.id = d.outbox_id
                JOIN webhook_endpoints e ON e.id = d.endpoint_id
                WHERE d.status = 'PENDING' AND d.next_attempt_at <= ?
                    AND (d.lease_expires_at IS NULL OR d.lease_expires_at <= ?)
                    AND (e.breaker_open_until IS NULL OR e.breaker_open_until <= ?)
                ORDER BY d.next_attempt_at, d.id LIMIT ?
                """,
                [now.sql, now.sql, now.sql, max(limit, 0)], table: "webhook_deliveries", WebhookDelivery.init(row:))
            for delivery in due {
                try db.execute(sql: "UPDATE webhook_deliveries SET lease_owner = ?, lease_expires_at = ? WHERE id = ?",
                               arguments: [owner, (now + leaseDuration).sql, delivery.id])
            }
            return due
        }
    }

    public func finishDelivery(_ delivery: WebhookDelivery, owner: String) async throws -> Bool {
        try await self.write { db in
            try db.update(
                sql: """
                    UPDATE webhook_deliveries
                    SET status = ?, attempts = ?, next_attempt_at = ?, last_status_code = ?, last_error = ?, updated_at = ?,
                        delivered_at = ?, lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = ? AND lease_owner = ? AND status = 'PENDING'
                    """,
                arguments: [
                    delivery.status.rawValue, delivery.attempts, delivery.nextAttemptAt.sql, delivery.lastStatusCode,
                    delivery.lastError, delivery.updatedAt.sql, delivery.deliveredAt.sql, delivery.id, owner,
                ])
        }
    }

    public func deliveries(endpointID: WebhookEndpointID, limit: Int) async throws -> [WebhookDelivery] {
        try await self.read { db in
            try db.fetch(
                """
                SELECT \(NotificationSQL.deliveryColumns)
                FROM webhook_deliveries d JOIN notification_outbox o ON o.id = d.outbox_id
                WHERE d.endpoint_id = ? ORDER BY d.created_at DESC, d.id DESC LIMIT ?
                """,
                [endpointID.rawValue, max(limit, 0)], table: "webhook_deliveries", WebhookDelivery.init(row:))
        }
    }

    public func retryDelivery(id: Int64, endpointID: WebhookEndpointID, at time: Timestamp) async throws -> Bool {
        try await self.write { db in
            try db.update(
                sql: """
                    UPDATE webhook_deliveries SET status = 'PENDING', attempts = 0, next_attempt_at = ?, updated_at = ?
                    WHERE id = ? AND endpoint_id = ? AND status = 'FAILED'
                    """,
                arguments: [time.sql, time.sql, id, endpointID.rawValue])
        }
    }

    public func oldestUndeliveredOutbox() async throws -> Timestamp? {
        try await self.read { db in
            try db.fetchOne(
                """
                SELECT min(created_at) AS oldest FROM (
                    SELECT min(created_at) AS created_at FROM notification_outbox WHERE dispatched_at IS NULL
                    UNION ALL
                    SELECT min(o.created_at) FROM webhook_deliveries d JOIN notification_outbox o ON o.id = d.outbox_id
                    WHERE d.status = 'PENDING'
                    UNION ALL
                    SELECT min(o.created_at) FROM telegram_messages m JOIN notification_outbox o ON o.id = m.outbox_id
                    WHERE m.status = 'PENDING')
                """, table: "notification_outbox", { try $0.optionalTimestamp("oldest") }) ?? nil
        }
    }

    public func purgeOutbox(before cutoff: Timestamp) async throws -> Int {
        try await self.write { db in
            // Deliveries and Telegram messages go with their outbox row (ON DELETE CASCADE).
            try db.execute(
                sql: """
                    DELETE FROM notification_outbox AS o
                    WHERE o.created_at < ? AND o.dispatched_at IS NOT NULL AND NOT \(NotificationSQL.outboxStillPending)
                    """,
                arguments: [cutoff.sql])
            return db.changesCount
        }
    }

    public func recordExternalFollowChanges(at time: Timestamp) async throws -> Int {
        try await self.write { db in
            let changed = try db.fetch(
                """
                SELECT p.id, p.user_id, p.leader_id, p.status, s.status AS known
                FROM copy_profiles p LEFT JOIN notification_follow_states s ON s.profile_id = p.id
                WHERE s.status IS NULL OR s.status <> p.status
                ORDER BY p.id
                """, table: "copy_profiles"
            ) { row in
                (id: try row.id("id") as ProfileID, userID: try row.id("user_id") as UserID,
                 leaderID: try row.id("leader_id") as LeaderID, status: try row.enumeration(ProfileStatus.self, "status"),
                 known: try row.optionalEnum(ProfileStatus.self, "known"))
            }
            var recorded = 0
            for follow in changed {
                try Self.rememberFollowStatus(db, id: follow.id, status: follow.status)
                guard let known = follow.known,
                      let event = OutboxEvent.followChanged(profileID: follow.id, userID: follow.userID,
                                                            leaderID: follow.leaderID, from: known, to: follow.status,
                                                            by: "operator", at: time)
                else { continue }
                try Self.insertOutbox(event, db)
                recorded += 1
            }
            return recorded
        }
    }

    public func recordCopyingHealth(degraded: Bool, down: [String], at time: Timestamp) async throws -> Int {
        try await self.write { db in
            let verdict = degraded ? "degraded" : "ok"
            let last = try String.fetchOne(db, sql: "SELECT value FROM notification_state WHERE key = 'copying_health'")
            try db.execute(
                sql: """
                    INSERT INTO notification_state (key, value) VALUES ('copying_health', ?)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    """,
                arguments: [verdict])
            guard let last, last != verdict else { return 0 }
            let users = try String.fetchAll(
                db, sql: "SELECT DISTINCT user_id FROM copy_profiles WHERE status <> 'STOPPED' ORDER BY user_id")
            for user in users {
                try Self.insertOutbox(OutboxEvent.copyingHealth(userID: UserID(user), degraded: degraded, down: down, at: time), db)
            }
            return users.count
        }
    }

    public func recordCopyDigests(at time: Timestamp, defaultInterval: Duration) async throws -> Int {
        try await self.write { db in
            let subscribers = try db.fetch(NotificationSQL.digestSubscribers, table: "notification_digests",
                                           NotificationSQL.digestSubscriber)
            var written = 0
            for subscriber in subscribers {
                guard let since = DeliveryPolicy.digestDue(lastDigestAt: subscriber.last, interval: subscriber.interval,
                                                           defaultInterval: defaultInterval, now: time) else { continue }
                var counts = DigestCounts()
                for (status, number) in try db.fetch(
                    """
                    SELECT status, count(*) AS number FROM copy_attempts
                    WHERE user_id = ? AND created_at >= ? AND updated_at > ? AND updated_at <= ?
                        AND status IN ('DONE', 'SKIPPED', 'FAILED')
                    GROUP BY status
                    """,
                    [subscriber.userID.rawValue, (since - DeliveryPolicy.digestCreationWindow).sql, since.sql, time.sql],
                    table: "copy_attempts",
                    { row in (try row.enumeration(CopyAttempt.Status.self, "status"), try row.integer("number")) }) {
                    counts.count(status, number)
                }
                try db.execute(
                    sql: """
                        INSERT INTO notification_digests (user_id, last_digest_at) VALUES (?, ?)
                        ON CONFLICT (user_id) DO UPDATE SET last_digest_at = excluded.last_digest_at
                        """,
                    arguments: [subscriber.userID.rawValue, time.sql])
                guard !counts.isEmpty else { continue }
                try Self.insertOutbox(OutboxEvent.copyDigest(userID: subscriber.userID, counts: counts, since: since,
                                                             until: time), db)
                written += 1
            }
            return written
        }
    }

    public func setDigestInterval(userID: UserID, interval: Duration?) async throws {
        try await self.write { db in
            try db.execute(
                sql: """
                    INSERT INTO notification_digests (user_id, interval_ms) VALUES (?, ?)
                    ON CONFLICT (user_id) DO UPDATE SET interval_ms = excluded.interval_ms
                    """,
                arguments: [userID.rawValue, interval?.sqlMilliseconds])
        }
    }

    public func saveTelegramLink(_ link: TelegramLink) async throws {
        try await self.write { db in
            try db.execute(
                sql: """
                    INSERT INTO telegram_links (user_id, chat_id, events, quiet_start_minute, quiet_end_minute, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (user_id) DO UPDATE SET chat_id = excluded.chat_id, events = excluded.events,
                        quiet_start_minute = excluded.quiet_start_minute, quiet_end_minute = excluded.quiet_end_minute,
                        updated_at = excluded.updated_at
                    """,
                arguments: [link.userID.rawValue, link.chatID, link.eventsText, link.quietStartMinute, link.quietEndMinute,
                            link.createdAt.sql, link.updatedAt.sql])
        }
    }

    public func telegramLink(userID: UserID) async throws -> TelegramLink? {
        try await self.read { db in
            try db.fetchOne("SELECT * FROM telegram_links WHERE user_id = ?", [userID.rawValue], table: "telegram_links",
                            TelegramLink.init(row:))
        }
    }

    public func unlinkTelegram(userID: UserID) async throws -> Bool {
        try await self.write { db in
            try db.execute(sql: "DELETE FROM telegram_messages WHERE user_id = ? AND status = 'PENDING'",
                           arguments: [userID.rawValue])
            return try db.update(sql: "DELETE FROM telegram_links WHERE user_id = ?", arguments: [userID.rawValue])
        }
    }

    public func claimTelegramMessages(owner: String, now: Timestamp, leaseDuration: Duration, limit: Int) async throws
        -> [TelegramMessage] {
        try await self.write { db in
            let due = try db.fetch(
                """
                SELECT \(NotificationSQL.telegramColumns)
                FROM telegram_messages m JOIN notification_outbox o ON o.id = m.outbox_id
                WHERE m.status = 'PENDING' AND m.next_attempt_at <= ?
                    AND (m.lease_expires_at IS NULL OR m.lease_expires_at <= ?)
                ORDER BY m.next_attempt_at, m.id LIMIT ?
                """,
                [now.sql, now.sql, max(limit, 0)], table: "telegram_messages", TelegramMessage.init(row:))
            for message in due {
                try db.execute(sql: "UPDATE telegram_messages SET lease_owner = ?, lease_expires_at = ? WHERE id = ?",
                               arguments: [owner, (now + leaseDuration).sql, message.id])
            }
            return due
        }
    }

    public func finishTelegramMessage(_ message: TelegramMessage, owner: String) async throws -> Bool {
        try await self.write { db in
            try db.update(
                sql: """
                    UPDATE telegram_messages
                    SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ?,
                        lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = ? AND lease_owner = ? AND status = 'PENDING'
                    """,
                arguments: [message.status.rawValue, message.attempts, message.nextAttemptAt.sql, message.lastError,
                            message.updatedAt.sql, message.id, owner])
        }
    }
}
