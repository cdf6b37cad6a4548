extension SQLiteMigration {
    /// Notifications (issue #23): the outbox written in the same transaction as each change,
    /// webhook endpoints (secrets sealed, never plain text) and their deliveries, linked Telegram
    /// chats and their messages, and what the
    /// notifications worker remembers to find changes made outside Mirror (follow statuses, the
    /// health verdict) and to space digests.
    static let notifications = SQLiteMigration(
        version: 8,
        name: "notifications",
        statements: [
            """
            CREATE TABLE notification_outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id TEXT NOT NULL REFERENCES users (id),
                type TEXT NOT NULL,
                payload TEXT NOT NULL,
                only_endpoint_id TEXT,
                except_endpoint_id TEXT,
                created_at TEXT NOT NULL,
                dispatched_at TEXT
            ) STRICT
            """,
            "CREATE INDEX notification_outbox_undispatched ON notification_outbox (id) WHERE dispatched_at IS NULL",
            "CREATE INDEX notification_outbox_by_age ON notification_outbox (created_at)",
            """
            CREATE TABLE webhook_endpoints (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users (id),
                url TEXT NOT NULL,
                events TEXT,
                secret_key_version INTEGER NOT NULL,
                secret_ciphertext BLOB NOT NULL,
                previous_secret_key_version INTEGER,
                previous_secret_ciphertext BLOB,
                previous_secret_until TEXT,
                consecutive_failures INTEGER NOT NULL DEFAULT 0,
                breaker_open_until TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            ) STRICT
            """,
            "CREATE INDEX webhook_endpoints_by_user ON webhook_endpoints (user_id, created_at, id)",
            """
            CREATE TABLE webhook_deliveries (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                outbox_id INTEGER NOT NULL REFERENCES notification_outbox (id) ON DELETE CASCADE,
                endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
                user_id TEXT NOT NULL,
                type TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at TEXT NOT NULL,
                last_status_code INTEGER,
                last_error TEXT,
                lease_owner TEXT,
                lease_expires_at TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                delivered_at TEXT,
                UNIQUE (outbox_id, endpoint_id)
            ) STRICT
            """,
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE status = 'PENDING'",
            "CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at, id)",
            """
            CREATE TABLE telegram_links (
                user_id TEXT PRIMARY KEY REFERENCES users (id),
                chat_id INTEGER NOT NULL,
                events TEXT,
                quiet_start_minute INTEGER,
                quiet_end_minute INTEGER,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            ) STRICT
            """,
            """
            CREATE TABLE telegram_messages (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                outbox_id INTEGER NOT NULL UNIQUE REFERENCES notification_outbox (id) ON DELETE CASCADE,
                user_id TEXT NOT NULL,
                chat_id INTEGER NOT NULL,
                type TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at TEXT NOT NULL,
                last_error TEXT,
                lease_owner TEXT,
                lease_expires_at TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            ) STRICT
            """,
            "CREATE INDEX telegram_messages_due ON telegram_messages (next_attempt_at, id) WHERE status = 'PENDING'",
            """
            CREATE TABLE notification_follow_states (
                profile_id TEXT PRIMARY KEY REFERENCES copy_profiles (id),
                status TEXT NOT NULL
            ) STRICT
            """,
            """
            CREATE TABLE notification_digests (
                user_id TEXT PRIMARY KEY REFERENCES users (id),
                last_digest_at TEXT,
                interval_ms INTEGER
            ) STRICT
            """,
            """
            CREATE TABLE notification_state (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            ) STRICT
            """,
        ])
}
