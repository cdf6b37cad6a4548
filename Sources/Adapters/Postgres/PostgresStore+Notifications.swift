public import Kernel
import Logging
import PostgresNIO
import StoreSupport

extension PostgresStore {
    /// Writes `event` (when there is one) into the outbox, inside the caller's transaction: the
    /// write it reports.
    static func insertOutbox(_ event: OutboxEvent?, _ db: some QueryRunner, logger: Logger) async throws {
        guard let event else { return }
        try await db.execute(
            """
            INSERT INTO notification_outbox (user_id, type, payload, only_endpoint_id, except_endpoint_id, created_at)
            VALUES (\(event.userID.rawValue), \(event.type.rawValue), \(event.payload), \(event.target.only?.rawValue),
                    \(event.target.except?.rawValue), \(event.createdAt.pg))
            """, logger: logger)
    }

    /// A follow's status moved through Mirror (inside that write's transaction, after its UPDATE
    /// locked the row): its event, and the new status remembered, so the worker does not report
    /// it again as an outside change.
    static func recordFollowChange(_ db: some QueryRunner, id: ProfileID, from: ProfileStatus, to next: ProfileStatus,
                                   audit: AuditEntry?, at time: Timestamp, logger: Logger) async throws {
        guard let (userID, leaderID) = try await db.fetchOne(
            "SELECT user_id, leader_id FROM copy_profiles WHERE id = \(id.rawValue)", table: "copy_profiles",
            logger: logger, { row -> (UserID, LeaderID) in (try row.id("user_id"), try row.id("leader_id")) })
        else { return }
        try await db.execute(
            """
            INSERT INTO notification_follow_states (profile_id, status) VALUES (\(id.rawValue), \(next.rawValue))
            ON CONFLICT (profile_id) DO UPDATE SET status = excluded.status
            """, logger: logger)
        try await Self.insertOutbox(OutboxEvent.followChanged(
            profileID: id, userID: userID, leaderID: leaderID, from: from, to: next,
            by: OutboxEvent.actor(of: audit, to: next), at: time), db, logger: logger)
    }
}

extension PostgresStore: NotificationStore {
    public func insertWebhookEndpoint(_ endpoint: WebhookEndpoint, limit: Int) async throws -> Bool {
        try await self.transaction { db in
            // The user's row lock serializes the count and the insert against a concurrent registration.
            guard try await db.execute("SELECT 1 FROM users WHERE id = \(endpoint.userID.rawValue) FOR UPDATE",
                                       logger: self.logger) > 0
            else { throw StoreError.notFound(entity: "users", key: endpoint.userID.rawValue) }
            let count = try await db.fetchOne(
                "SELECT count(*) AS n FROM webhook_endpoints WHERE user_id = \(endpoint.userID.rawValue)",
                table: "webhook_endpoints", logger: self.logger) { try $0.integer("n") } ?? 0
            guard count < limit else { return false }
            try await db.execute(
                """
                INSERT INTO webhook_endpoints (id, user_id, url, events, secret_key_version, secret_ciphertext,
                                               consecutive_failures, created_at, updated_at)
                VALUES (\(endpoint.id.rawValue), \(endpoint.userID.rawValue), \(endpoint.url), \(endpoint.eventsText),
                        \(endpoint.sealedSecret.keyVersion), \(endpoint.sealedSecret.pgBytes), 0, \(endpoint.createdAt.pg),
                        \(endpoint.updatedAt.pg))
                """, logger: self.logger)
            return true
        }
    }

    public func webhookEndpoint(id: WebhookEndpointID) async throws -> WebhookEndpoint? {
        try await self.read { db in
            try await db.fetchOne("SELECT * FROM webhook_endpoints WHERE id = \(id.rawValue)", table: "webhook_endpoints",
                                  logger: self.logger, WebhookEndpoint.init(row:))
        }
    }

    public func webhookEndpoints(userID: UserID) async throws -> [WebhookEndpoint] {
        try await self.read { db in try await Self.endpoints(db, userID: userID, logger: self.logger) }
    }

    private static func endpoints(_ db: some QueryRunner, userID: UserID, logger: Logger) async throws -> [WebhookEndpoint] {
        try await db.fetch(
            "SELECT * FROM webhook_endpoints WHERE user_id = \(userID.rawValue) ORDER BY created_at, id",
            table: "webhook_endpoints", logger: logger, WebhookEndpoint.init(row:))
    }

    public func deleteWebhookEndpoint(id: WebhookEndpointID, userID: UserID) async throws -> Bool {
        try await self.transaction { db in
            try await db.execute(
                "DELETE FROM webhook_endpoints WHERE id = \(id.rawValue) AND user_id = \(userID.rawValue) RETURNING 1",
                logger: self.logger) > 0
        }
    }

    public func rotateWebhookSecret(id: WebhookEndpointID, userID: UserID, sealed: SealedSecret, previous: SealedSecret,
                                    previousUntil: Timestamp, at time: Timestamp) async throws -> Bool {
        try await self.transaction { db in
            try await db.execute(
                """
                UPDATE webhook_endpoints
                SET secret_key_version = \(sealed.keyVersion), secret_ciphertext = \(sealed.pgBytes),
                    previous_secret_key_version = \(previous.keyVersion), previous_secret_ciphertext = \(previous.pgBytes),
                    previous_secret_until = \(previousUntil.pg), updated_at = \(time.pg)
                WHERE id = \(id.rawValue) AND user_id = \(userID.rawValue)
                RETURNING 1
                """, logger: self.logger) > 0
        }
    }

    public func webhookEndpoints(sealedUnderOtherThan keyVersion: Int, limit: Int) async throws -> [WebhookEndpoint] {
        try await self.read { db in
            try await db.fetch(
                """
                SELECT * FROM webhook_endpoints
                WHERE secret_key_version <> \(keyVersion)
                    OR (previous_secret_key_version IS NOT NULL AND previous_secret_key_version <> \(keyVersion))
                ORDER BY id LIMIT \(max(limit, 0))
                """, table: "webhook_endpoints", logger: self.logger, WebhookEndpoint.init(row:))
        }
    }

    public func resealWebhookSecrets(id: WebhookEndpointID, expected: SealedSecret, sealed: SealedSecret,
                                     previous: SealedSecret?) async throws -> Bool {
        try await self.transaction { db in
            try await db.execute(
                """
                UPDATE webhook_endpoints
                SET secret_key_version = \(sealed.keyVersion), secret_ciphertext = \(sealed.pgBytes),
                    previous_secret_key_version = \(previous?.keyVersion), previous_secret_ciphertext = \(previous?.pgBytes),
                    previous_secret_until = CASE WHEN \(previous == nil) THEN NULL ELSE previous_secret_until END
                WHERE id = \(id.rawValue) AND secret_key_version = \(expected.keyVersion)
                    AND secret_ciphertext = \(expected.pgBytes)
                RETURNING 1
                """, logger: self.logger) > 0
        }
    }

    public func recordEndpointHealth(id: WebhookEndpointID, consecutiveFailures: Int, breakerOpenUntil: Timestamp?,
                                     opened: OutboxEvent?, at time: Timestamp) async throws {
        try await self.transaction { db in
            guard try await db.execute(
                """
                UPDATE webhook_endpoints SET consecutive_failures = \(consecutiveFailures),
                    breaker_open_until = \(breakerOpenUntil.pg), updated_at = \(time.pg)
                WHERE id = \(id.rawValue) RETURNING 1
                """, logger: self.logger) > 0
            else { return }
            try await Self.insertOutbox(opened, db, logger: self.logger)
        }
    }

    public func appendOutbox(_ events: [OutboxEvent]) async throws {
        try await self.transaction { db in
            for event in events { try await Self.insertOutbox(event, db, logger: self.logger) }
        }
    }

    public func dispatchOutbox(limit: Int, at time: Timestamp) async throws -> Int {
        try await self.transaction { db in
            let rows = try await db.fetch(
                """
                SELECT * FROM notification_outbox WHERE dispatched_at IS NULL ORDER BY id LIMIT \(max(limit, 0))
                FOR UPDATE SKIP LOCKED
                """, table: "notification_outbox", logger: self.logger, StoredOutboxRow.init(row:))
            var endpointsByUser: [UserID: [WebhookEndpoint]] = [:]
            for row in rows {
                let userID = row.event.userID
                if endpointsByUser[userID] == nil {
                    endpointsByUser[userID] = try await Self.endpoints(db, userID: userID, logger: self.logger)
                }
                for endpoint in endpointsByUser[userID] ?? [] where endpoint.receives(row.event.type, target: row.event.target) {
                    try await db.execute(
                        """
                        INSERT INTO webhook_deliveries (outbox_id, endpoint_id, user_id, type, status, attempts,
                                                        next_attempt_at, created_at, updated_at)
                        VALUES (\(row.id), \(endpoint.id.rawValue), \(userID.rawValue), \(row.event.type.rawValue), 'PENDING',
                                0, \(time.pg), \(time.pg), \(time.pg))
                        ON CONFLICT (outbox_id, endpoint_id) DO NOTHING
                        """, logger: self.logger)
                }
                if let link = try await db.fetchOne(
                    "SELECT * FROM telegram_links WHERE user_id = \(userID.rawValue)", table: "telegram_links",
                    logger: self.logger, TelegramLink.init(row:)),
                   link.receives(row.event.type, target: row.event.target) {
                    try await db.execute(
                        """
                        INSERT INTO telegram_messages (outbox_id, user_id, chat_id, type, status, attempts, next_attempt_at,
                                                       created_at, updated_at)
                        VALUES (\(row.id), \(userID.rawValue), \(link.chatID), \(row.event.type.rawValue), 'PENDING', 0,
                                \(time.pg), \(time.pg), \(time.pg))
                        ON CONFLICT (outbox_id) DO NOTHING
                        """, logger: self.logger)
                }
                try await db.execute("UPDATE notification_outbox SET dispatched_at = \(time.pg) WHERE id = \(row.id)",
                                     logger: self.logger)
            }
            return rows.count
        }
    }

    public func claimDeliveries(owner: String, now: Timestamp, leaseDuration: Duration, limit: Int) async throws
        -> [WebhookDelivery] {
        try await self.transaction { db in
            let claimed = try await db.fetch(
                """
                WITH picked AS (
                    SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                    WHERE d.status = 'PENDING' AND d.next_attempt_at <= \(now.pg)
                        AND (d.lease_expires_at IS NULL OR d.lease_expires_at <= \(now.pg))
                        AND (e.breaker_open_until IS NULL OR e.breaker_open_until <= \(now.pg))
                    ORDER BY d.next_attempt_at, d.id LIMIT \(max(limit, 0))
                    FOR UPDATE OF d SKIP LOCKED)
                UPDATE webhook_deliveries d SET lease_owner = \(owner), lease_expires_at = \((now + leaseDuration).pg)
                FROM picked, notification_outbox o
                WHERE d.id = picked.id AND o.id = d.outbox_id
                RETURNING \(unescaped: NotificationSQL.deliveryColumns)
                """, table: "webhook_deliveries", logger: self.logger, WebhookDelivery.init(row:))
            return claimed.sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }
        }
    }

    public func finishDelivery(_ delivery: WebhookDelivery, owner: String) async throws -> Bool {
        try await self.read { db in
            try await db.execute(
                """
                UPDATE webhook_deliveries
                SET status = \(delivery.status.rawValue), attempts = \(delivery.attempts),
                    next_attempt_at = \(delivery.nextAttemptAt.pg), last_status_code = \(delivery.lastStatusCode),
                    last_error = \(delivery.lastError), updated_at = \(delivery.updatedAt.pg),
                    delivered_at = \(delivery.deliveredAt.pg), lease_owner = NULL, lease_expires_at = NULL
                WHERE id = \(delivery.id) AND lease_owner = \(owner) AND status = 'PENDING'
                RETURNING 1
                """, logger: self.logger) > 0
        }
    }

    public func deliveries(endpointID: WebhookEndpointID, limit: Int) async throws -> [WebhookDelivery] {
        try await self.read { db in
            try await db.fetch(
                """
                SELECT \(unescaped: NotificationSQL.deliveryColumns)
                FROM webhook_deliveries d JOIN notification_outbox o ON o.id = d.outbox_id
                WHERE d.endpoint_id = \(endpointID.rawValue) ORDER BY d.created_at DESC, d.id DESC LIMIT \(max(limit, 0))
                """, table: "webhook_deliveries", logger: self.logger, WebhookDelivery.init(row:))
        }
    }

    public func retryDelivery(id: Int64, endpointID: WebhookEndpointID, at time: Timestamp) async throws -> Bool {
        try await self.transaction { db in
            try await db.execute(
                """
                UPDATE webhook_deliveries SET status = 'PENDING', attempts = 0, next_attempt_at = \(time.pg),
                    updated_at = \(time.pg)
                WHERE id = \(id) AND endpoint_id = \(endpointID.rawValue) AND status = 'FAILED'
                RETURNING 1
                """, logger: self.logger) > 0
        }
    }

    public func oldestUndeliveredOutbox() async throws -> Timestamp? {
        try await self.read { db in
            try await db.fetchOne(
                """
                SELECT least(
                    (SELECT min(created_at) FROM notification_outbox WHERE dispatched_at IS NULL),
                    (SELECT min(o.created_at) FROM webhook_deliveries d JOIN notification_outbox o ON o.id = d.outbox_id
                     WHERE d.status = 'PENDING'),
                    (SELECT min(o.created_at) FROM telegram_messages m JOIN notification_outbox o ON o.id = m.outbox_id
                     WHERE m.status = 'PENDING')) AS oldest
                """, table: "notification_outbox", logger: self.logger) { try $0.optionalTimestamp("oldest") } ?? nil
        }
    }

    public func purgeOutbox(before cutoff: Timestamp) async throws -> Int {
        try await self.transaction { db in
            // Deliveries and Telegram messages go with their outbox row (ON DELETE CASCADE).
            try await db.execute(
                """
                DELETE FROM notification_outbox o
                WHERE o.created_at < \(cutoff.pg) AND o.dispatched_at IS NOT NULL
                    AND NOT \(unescaped: NotificationSQL.outboxStillPending)
                RETURNING 1
                """, logger: self.logger)
        }
    }

    public func recordExternalFollowChanges(at time: Timestamp) async throws -> Int {
        try await self.transaction { db in
            let changed = try await db.fetch(
                """
                SELECT p.id, p.user_id, p.leader_id, p.status, s.status AS known
                FROM copy_profiles p LEFT JOIN notification_follow_states s ON s.profile_id = p.id
                WHERE s.status IS NULL OR s.status <> p.status
                ORDER BY p.id
                FOR UPDATE OF p
                """, table: "copy_profiles", logger: self.logger
            ) { row in
                (id: try row.id("id") as ProfileID, userID: try row.id("user_id") as UserID,
                 leaderID: try row.id("leader_id") as LeaderID, status: try row.enumeration(ProfileStatus.self, "status"),
                 known: try row.optionalEnum(ProfileStatus.self, "known"))
            }
            var recorded = 0
            for follow in changed {
                guard let known = follow.known else {
                    try await db.execute(
                        """
                        INSERT INTO notification_follow_states (profile_id, status) VALUES (\(follow.id.rawValue),
                            \(follow.status.rawValue)) ON CONFLICT (profile_id) DO NOTHING
                        """, logger: self.logger)
                    continue
                }
                // Compare-and-set on the remembered status: a change Mirror recorded meanwhile (its
                // own event written) leaves nothing to report.
                guard try await db.execute(
                    """
                    UPDATE notification_follow_states SET status = \(follow.status.rawValue)
                    WHERE profile_id = \(follow.id.rawValue) AND status = \(known.rawValue) RETURNING 1
                    """, logger: self.logger) > 0,
                    let event = OutboxEvent.followChanged(profileID: follow.id, userID: follow.userID,
                                                          leaderID: follow.leaderID, from: known, to: follow.status,
                                                          by: "operator", at: time)
                else { continue }
                try await Self.insertOutbox(event, db, logger: self.logger)
                recorded += 1
            }
            return recorded
        }
    }

    public func recordCopyingHealth(degraded: Bool, down: [String], at time: Timestamp) async throws -> Int {
        try await self.transaction { db in
            let verdict = degraded ? "degraded" : "ok"
            try await db.execute(
                "INSERT INTO notification_state (key, value) VALUES ('copying_health', '') ON CONFLICT (key) DO NOTHING",
                logger: self.logger)
            let last = try await db.fetchOne(
                "SELECT value FROM notification_state WHERE key = 'copying_health' FOR UPDATE",
                table: "notification_state", logger: self.logger) { try $0.text("value") }
            try await db.execute("UPDATE notification_state SET value = \(verdict) WHERE key = 'copying_health'",
                                 logger: self.logger)
            guard let last, !last.isEmpty, last != verdict else { return 0 }
            let users = try await db.fetch(
                "SELECT DISTINCT user_id FROM copy_profiles WHERE status <> 'STOPPED' ORDER BY user_id",
                table: "copy_profiles", logger: self.logger) { row -> UserID in try row.id("user_id") }
            for user in users {
                try await Self.insertOutbox(OutboxEvent.copyingHealth(userID: user, degraded: degraded, down: down, at: time),
                                            db, logger: self.logger)
            }
            return users.count
        }
    }

    public func recordCopyDigests(at time: Timestamp, defaultInterval: Duration) async throws -> Int {
        try await self.transaction { db in
            let subscribers = try await db.fetch(PostgresQuery(unsafeSQL: NotificationSQL.digestSubscribers),
                                                 table: "notification_digests", logger: self.logger,
                                                 NotificationSQL.digestSubscriber)
            var written = 0
            for subscriber in subscribers {
                guard let since = DeliveryPolicy.digestDue(lastDigestAt: subscriber.last, interval: subscriber.interval,
                                                           defaultInterval: defaultInterval, now: time) else { continue }
                // Compare-and-set on the digest time: of two runs racing, one writes the digest.
                let moved = try await db.execute(
                    """
                    INSERT INTO notification_digests (user_id, last_digest_at) VALUES (\(subscriber.userID.rawValue), \(time.pg))
                    ON CONFLICT (user_id) DO UPDATE SET last_digest_at = excluded.last_digest_at
                    WHERE notification_digests.last_digest_at IS NOT DISTINCT FROM \(subscriber.last.pg)
                    RETURNING 1
                    """, logger: self.logger)
                guard moved > 0 else { continue }
                var counts = DigestCounts()
                for (status, number) in try await db.fetch(
                    """
                    SELECT status, count(*) AS number FROM copy_attempts
                    WHERE user_id = \(subscriber.userID.rawValue)
                        AND created_at >= \((since - DeliveryPolicy.digestCreationWindow).pg)
                        AND updated_at > \(since.pg) AND updated_at <= \(time.pg)
                        AND status IN ('DONE', 'SKIPPED', 'FAILED')
                    GROUP BY status
                    """, table: "copy_attempts", logger: self.logger,
                    { row in (try row.enumeration(CopyAttempt.Status.self, "status"), try row.integer("number")) }) {
                    counts.count(status, number)
                }
                guard !counts.isEmpty else { continue }
                try await Self.insertOutbox(OutboxEvent.copyDigest(userID: subscriber.userID, counts: counts, since: since,
                                                                   until: time), db, logger: self.logger)
                written += 1
            }
            return written
        }
    }

    public func setDigestInterval(userID: UserID, interval: Duration?) async throws {
        try await self.transaction { db in
            try await db.execute(
                """
                INSERT INTO notification_digests (user_id, interval_ms) VALUES (\(userID.rawValue), \(interval?.wholeMilliseconds))
                ON CONFLICT (user_id) DO UPDATE SET interval_ms = excluded.interval_ms
                """, logger: self.logger)
        }
    }

    public func saveTelegramLink(_ link: TelegramLink) async throws {
        try await self.transaction { db in
            try await db.execute(
                """
                INSERT INTO telegram_links (user_id, chat_id, events, quiet_start_minute, quiet_end_minute, created_at, updated_at)
                VALUES (\(link.userID.rawValue), \(link.chatID), \(link.eventsText), \(link.quietStartMinute),
                        \(link.quietEndMinute), \(link.createdAt.pg), \(link.updatedAt.pg))
                ON CONFLICT (user_id) DO UPDATE SET chat_id = excluded.chat_id, events = excluded.events,
                    quiet_start_minute = excluded.quiet_start_minute, quiet_end_minute = excluded.quiet_end_minute,
                    updated_at = excluded.updated_at
                """, logger: self.logger)
        }
    }

    public func telegramLink(userID: UserID) async throws -> TelegramLink? {
        try await self.read { db in
            try await db.fetchOne("SELECT * FROM telegram_links WHERE user_id = \(userID.rawValue)", table: "telegram_links",
                                  logger: self.logger, TelegramLink.init(row:))
        }
    }

    public func unlinkTelegram(userID: UserID) async throws -> Bool {
        try await self.transaction { db in
            try await db.execute(
                "DELETE FROM telegram_messages WHERE user_id = \(userID.rawValue) AND status = 'PENDING'", logger: self.logger)
            return try await db.execute("DELETE FROM telegram_links WHERE user_id = \(userID.rawValue) RETURNING 1",
                                        logger: self.logger) > 0
        }
    }

    public func claimTelegramMessages(owner: String, now: Timestamp, leaseDuration: Duration, limit: Int) async throws
        -> [TelegramMessage] {
        try await self.transaction { db in
            let claimed = try await db.fetch(
                """
                WITH picked AS (
                    SELECT m.id FROM telegram_messages m
                    WHERE m.status = 'PENDING' AND m.next_attempt_at <= \(now.pg)
                        AND (m.lease_expires_at IS NULL OR m.lease_expires_at <= \(now.pg))
                    ORDER BY m.next_attempt_at, m.id LIMIT \(max(limit, 0))
                    FOR UPDATE OF m SKIP LOCKED)
                UPDATE telegram_messages m SET lease_owner = \(owner), lease_expires_at = \((now + leaseDuration).pg)
                FROM picked, notification_outbox o
                WHERE m.id = picked.id AND o.id = m.outbox_id
                RETURNING \(unescaped: NotificationSQL.telegramColumns)
                """, table: "telegram_messages", logger: self.logger, TelegramMessage.init(row:))
            return claimed.sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }
        }
    }

    public func finishTelegramMessage(_ message: TelegramMessage, owner: String) async throws -> Bool {
        try await self.read { db in
            try await db.execute(
                """
                UPDATE telegram_messages
                SET status = \(message.status.rawValue), attempts = \(message.attempts),
                    next_attempt_at = \(message.nextAttemptAt.pg), last_error = \(message.lastError),
                    updated_at = \(message.updatedAt.pg), lease_owner = NULL, lease_expires_at = NULL
                WHERE id = \(message.id) AND lease_owner = \(owner) AND status = 'PENDING'
                RETURNING 1
                """, logger: self.logger) > 0
        }
    }
}
