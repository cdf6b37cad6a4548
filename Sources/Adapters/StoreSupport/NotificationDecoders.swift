package import Kernel

extension WebhookEndpoint {
    package init(row: some StoredRow) throws {
        let events = try row.notificationTypes("events")
        self.init(
            id: try row.id("id"), userID: try row.id("user_id"), url: try row.text("url"), events: events,
            sealedSecret: try row.sealed("secret_ciphertext", version: "secret_key_version"),
            previousSealedSecret: try row.optionalSealed("previous_secret_ciphertext", version: "previous_secret_key_version"),
            previousSecretUntil: try row.optionalTimestamp("previous_secret_until"),
            consecutiveFailures: Int(try row.integer("consecutive_failures")),
            breakerOpenUntil: try row.optionalTimestamp("breaker_open_until"),
            createdAt: try row.timestamp("created_at"), updatedAt: try row.timestamp("updated_at"))
    }
}

extension WebhookDelivery {
    /// A `webhook_deliveries` row joined with its outbox row's `payload`.
    package init(row: some StoredRow) throws {
        self.init(
            id: try row.integer("id"), outboxID: try row.integer("outbox_id"), endpointID: try row.id("endpoint_id"),
            userID: try row.id("user_id"), type: try row.enumeration(NotificationType.self, "type"),
            payload: try row.text("payload"), status: try row.enumeration(WebhookDelivery.Status.self, "status"),
            attempts: Int(try row.integer("attempts")), nextAttemptAt: try row.timestamp("next_attempt_at"),
            lastStatusCode: try row.optionalInteger("last_status_code").map { Int($0) },
            lastError: try row.optionalText("last_error"), createdAt: try row.timestamp("created_at"),
            updatedAt: try row.timestamp("updated_at"), deliveredAt: try row.optionalTimestamp("delivered_at"))
    }
}

/// An undispatched outbox row, as the dispatcher reads it.
package struct StoredOutboxRow: Sendable {
    package var id: Int64
    package var event: OutboxEvent

    package init(row: some StoredRow) throws {
        self.id = try row.integer("id")
        self.event = OutboxEvent(
            userID: try row.id("user_id"), type: try row.enumeration(NotificationType.self, "type"),
            payload: try row.text("payload"), createdAt: try row.timestamp("created_at"),
            target: OutboxTarget(only: try row.optionalText("only_endpoint_id").map { WebhookEndpointID($0) },
                                 except: try row.optionalText("except_endpoint_id").map { WebhookEndpointID($0) }))
    }
}

/// The SQL both stores share for deliveries (their placeholders differ, so it is text with slots).
package enum NotificationSQL {
    /// Deliveries with their payload: `SELECT … FROM webhook_deliveries d JOIN notification_outbox o`.
    package static let deliveryColumns = """
        d.id, d.outbox_id, d.endpoint_id, d.user_id, d.type, o.payload, d.status, d.attempts, d.next_attempt_at,
        d.last_status_code, d.last_error, d.created_at, d.updated_at, d.delivered_at
        """
}

extension TelegramLink {
    package init(row: some StoredRow) throws {
        let events = try row.notificationTypes("events")
        self.init(userID: try row.id("user_id"), chatID: try row.integer("chat_id"), events: events,
                  quietStartMinute: try row.optionalInteger("quiet_start_minute").map { Int($0) },
                  quietEndMinute: try row.optionalInteger("quiet_end_minute").map { Int($0) },
                  createdAt: try row.timestamp("created_at"), updatedAt: try row.timestamp("updated_at"))
    }

    /// The subscribed types as stored: space-separated, `nil` for every type.
    package var eventsText: String? { WebhookEndpoint.eventsText(self.events) }
}

extension TelegramMessage {
    /// A `telegram_messages` row joined with its outbox row's `payload`.
    package init(row: some StoredRow) throws {
        self.init(
            id: try row.integer("id"), outboxID: try row.integer("outbox_id"), userID: try row.id("user_id"),
            chatID: try row.integer("chat_id"), type: try row.enumeration(NotificationType.self, "type"),
            payload: try row.text("payload"), status: try row.enumeration(WebhookDelivery.Status.self, "status"),
            attempts: Int(try row.integer("attempts")), nextAttemptAt: try row.timestamp("next_attempt_at"),
            lastError: try row.optionalText("last_error"), createdAt: try row.timestamp("created_at"),
            updatedAt: try row.timestamp("updated_at"))
    }
}

extension NotificationSQL {
    package static let telegramColumns = """
        m.id, m.outbox_id, m.user_id, m.chat_id, m.type, o.payload, m.status, m.attempts, m.next_attempt_at,
        m.last_error, m.created_at, m.updated_at
        """
    /// Every user subscribed to copy digests on any channel, with their last digest time and
    /// interval (`notification_digests`; both NULL when never digested nor set).
    package static let digestSubscribers = """
        SELECT s.user_id, g.last_digest_at, g.interval_ms
        FROM (SELECT user_id FROM webhook_endpoints
              WHERE events IS NULL OR (' ' || events || ' ') LIKE '% copy.digest %'
              UNION
              SELECT user_id FROM telegram_links
              WHERE events IS NULL OR (' ' || events || ' ') LIKE '% copy.digest %') s
        LEFT JOIN notification_digests g ON g.user_id = s.user_id
        ORDER BY s.user_id
        """

    /// One row of ``digestSubscribers``.
    package static func digestSubscriber(_ row: some StoredRow) throws
        -> (userID: UserID, last: Timestamp?, interval: Duration?)
    {
        (userID: try row.id("user_id"), last: try row.optionalTimestamp("last_digest_at"),
         interval: try row.optionalInteger("interval_ms").map { Duration.milliseconds($0) })
    }

    /// Outbox rows some PENDING delivery or Telegram message still waits on (`o` the outbox row).
    package static let outboxStillPending = """
        (EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.outbox_id = o.id AND d.status = 'PENDING')
         OR EXISTS (SELECT 1 FROM telegram_messages m WHERE m.outbox_id = o.id AND m.status = 'PENDING'))
        """
}

extension StoredRow {
    /// A stored list of event types (space-separated; NULL for every type); an unknown name is a
    /// corrupt row.
    package func notificationTypes(_ column: String) throws -> Set<NotificationType>? {
        let text = try self.optionalText(column)
        do {
            return try WebhookEndpoint.events(fromText: text)
        } catch {
            throw StoreError.corruptRow(table: self.table, column: column, value: error.name)
        }
    }
}
