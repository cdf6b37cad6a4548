extension SQLiteMigration {
    /// Exits and the ledger (issue #6):
    /// - `leader_positions`: each leader's tracked position per token, seeded from one positions
    ///   snapshot and moved by every recorded fill, so an exit's fraction is known at once;
    ///   `leader_events.leader_position_before_units` keeps the position each fill started from.
    /// - `copy_attempts` rebuilt (SQLite cannot alter a column's constraints): `token_id` on every
    ///   attempt; `target_shares_units`, the shares an exit sells in total, fixed when decided;
    ///   kind `CLOSE_OUT` (selling everything when the user stops a profile with "sell now"),
    ///   which has no leader event, so `leader_event_id` and `leader_price_units` may be NULL.
    ///   Rows are copied over unchanged, their token taken from their event.
    static let exitsLedger = SQLiteMigration(
        version: 2,
        name: "exits_ledger",
        rebuildsTables: true,
        statements: [
            """
            CREATE TABLE leader_positions (
                leader_id TEXT NOT NULL REFERENCES leaders (id),
                token_id TEXT NOT NULL,
                shares_units INTEGER NOT NULL CHECK (shares_units >= 0),
                updated_at TEXT NOT NULL,
                PRIMARY KEY (leader_id, token_id)
            ) STRICT
            """,
            "ALTER TABLE leader_events ADD COLUMN leader_position_before_units INTEGER",
            """
            CREATE TABLE copy_attempts_rebuilt (
                id TEXT NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                profile_id TEXT NOT NULL REFERENCES copy_profiles (id),
                user_id TEXT NOT NULL REFERENCES users (id),
                leader_event_id TEXT REFERENCES leader_events (id),
                kind TEXT NOT NULL CHECK (kind IN ('ENTRY', 'EXIT', 'CLOSE_OUT')),
                token_id TEXT NOT NULL,
                target_shares_units INTEGER,
                status TEXT NOT NULL CHECK (status IN ('PENDING', 'DEFERRED', 'SKIPPED', 'PLACING', 'DONE', 'FAILED')),
                skip_reason TEXT CHECK (skip_reason IN (
                    'PROFILE_NOT_ACTIVE', 'FILL_TOO_OLD', 'LEADER_NOTIONAL_TOO_SMALL', 'MARKET_CLOSED',
                    'MARKET_RESOLVING_SOON', 'UNSUPPORTED_MARKET', 'PRICE_OUT_OF_BAND', 'SLIPPAGE_TOO_HIGH',
                    'INSUFFICIENT_DEPTH', 'CAP_REACHED', 'INSUFFICIENT_BALANCE', 'BELOW_EXCHANGE_MINIMUM',
                    'NOTHING_TO_SELL')),
                note TEXT,
                due_at TEXT NOT NULL,
                lease_owner TEXT,
                lease_expires_at TEXT,
                fencing_token INTEGER NOT NULL,
                detected_at TEXT NOT NULL,
                sent_at TEXT,
                accepted_at TEXT,
                filled_shares_units INTEGER NOT NULL,
                fill_price_units INTEGER,
                leader_price_units INTEGER,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (profile_id, leader_event_id),
                CHECK ((kind = 'CLOSE_OUT') = (leader_event_id IS NULL))
            ) STRICT
            """,
            """
            INSERT INTO copy_attempts_rebuilt (
                id, profile_id, user_id, leader_event_id, kind, token_id, target_shares_units, status, skip_reason,
                note, due_at, lease_owner, lease_expires_at, fencing_token, detected_at, sent_at, accepted_at,
                filled_shares_units, fill_price_units, leader_price_units, created_at, updated_at)
            SELECT ca.id, ca.profile_id, ca.user_id, ca.leader_event_id, ca.kind, le.token_id, NULL, ca.status,
                ca.skip_reason, ca.note, ca.due_at, ca.lease_owner, ca.lease_expires_at, ca.fencing_token,
                ca.detected_at, ca.sent_at, ca.accepted_at, ca.filled_shares_units, ca.fill_price_units,
                ca.leader_price_units, ca.created_at, ca.updated_at
            FROM copy_attempts ca JOIN leader_events le ON le.id = ca.leader_event_id
            """,
            "DROP TABLE copy_attempts",
            "ALTER TABLE copy_attempts_rebuilt RENAME TO copy_attempts",
            "CREATE INDEX copy_attempts_by_user ON copy_attempts (user_id, created_at, id)",
            "CREATE INDEX copy_attempts_by_event ON copy_attempts (leader_event_id)",
            "CREATE INDEX copy_attempts_by_profile ON copy_attempts (profile_id, created_at, id)",
            """
            CREATE INDEX copy_attempts_claimable ON copy_attempts (due_at, id)
                WHERE status IN ('PENDING', 'DEFERRED', 'PLACING')
            """,
        ])
}
