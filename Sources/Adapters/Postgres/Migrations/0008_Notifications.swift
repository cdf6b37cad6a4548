extension PostgresMigration {
    /// Notifications (issue #23): the outbox written in the same transaction as each change,
    /// webhook endpoints (secrets sealed, never plain text) and their deliveries, linked Telegram
    /// chats and their messages, and what the
    /// notifications worker remembers to find changes made outside Mirror (follow statuses, the
    /// health verdict) and to space digests.
    static let notifications = PostgresMigration(
        version: 8,
        name: "notifications",
        statements: [
            """
            CREATE TABLE notification_outbox (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id),
                type TEXT NOT NULL,
                payload TEXT NOT NULL,
                only_endpoint_id TEXT COLLATE "C",
                except_endpoint_id TEXT COLLATE "C",
                created_at TIMESTAMPTZ NOT NULL,
                dispatched_at TIMESTAMPTZ
            )
            """,
            "CREATE INDEX notification_outbox_undispatched ON notification_outbox (id) WHERE dispatched_at IS NULL",
            "CREATE INDEX notification_outbox_by_age ON notification_outbox (created_at)",
            """
            CREATE TABLE webhook_endpoints (
                id TEXT COLLATE "C" PRIMARY KEY,
                user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id),
                url TEXT NOT NULL,
                events TEXT,
                secret_key_version BIGINT NOT NULL,
                secret_ciphertext BYTEA NOT NULL,
                previous_secret_key_version BIGINT,
                previous_secret_ciphertext BYTEA,
                previous_secret_until TIMESTAMPTZ,
                consecutive_failures BIGINT NOT NULL DEFAULT 0,
                breaker_open_until TIMESTAMPTZ,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE INDEX webhook_endpoints_by_user ON webhook_endpoints (user_id, created_at, id)",
            """
            CREATE TABLE webhook_deliveries (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                outbox_id BIGINT NOT NULL REFERENCES notification_outbox (id) ON DELETE CASCADE,
                endpoint_id TEXT COLLATE "C" NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
                user_id TEXT COLLATE "C" NOT NULL,
                type TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
                attempts BIGINT NOT NULL DEFAULT 0,
                next_attempt_at TIMESTAMPTZ NOT NULL,
                last_status_code BIGINT,
                last_error TEXT,
                lease_owner TEXT,
                lease_expires_at TIMESTAMPTZ,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                delivered_at TIMESTAMPTZ,
                UNIQUE (outbox_id, endpoint_id)
            )
            """,
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE status = 'PENDING'",
            "CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at, id)",
            """
            CREATE TABLE telegram_links (
                user_id TEXT COLLATE "C" PRIMARY KEY REFERENCES users (id),
                chat_id BIGINT NOT NULL,
                events TEXT,
                quiet_start_minute BIGINT,
                quiet_end_minute BIGINT,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
            )
            """,
            """
            CREATE TABLE telegram_messages (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                outbox_id BIGINT NOT NULL UNIQUE REFERENCES notification_outbox (id) ON DELETE CASCADE,
                user_id TEXT COLLATE "C" NOT NULL,
                chat_id BIGINT NOT NULL,
                type TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
                attempts BIGINT NOT NULL DEFAULT 0,
                next_attempt_at TIMESTAMPTZ NOT NULL,
                last_error TEXT,
                lease_owner TEXT,
                lease_expires_at TIMESTAMPTZ,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE INDEX telegram_messages_due ON telegram_messages (next_attempt_at, id) WHERE status = 'PENDING'",
            """
            CREATE TABLE notification_follow_states (
                profile_id TEXT COLLATE "C" PRIMARY KEY REFERENCES copy_profiles (id),
                status TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE notification_digests (
                user_id TEXT COLLATE "C" PRIMARY KEY REFERENCES users (id),
                last_digest_at TIMESTAMPTZ,
                interval_ms BIGINT
            )
            """,
            """
            CREATE TABLE notification_state (
                key TEXT COLLATE "C" PRIMARY KEY,
                value TEXT NOT NULL
            )
            """,
        ])
}
