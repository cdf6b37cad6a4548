extension SQLiteMigration {
    /// Event-level exposure caps (issue #22):
    /// - `copy_profiles.max_per_event_units`: the most a follow may have committed (cost basis plus
    ///   open buys) across every outcome market of one event, in USDC base units; NULL: no cap.
    /// - `copy_attempts` rebuilt (SQLite cannot alter a column's constraints) so `skip_reason` may be
    ///   `EVENT_CAP_REACHED`; every row and column is copied over unchanged.
    static let eventCaps = SQLiteMigration(
        version: 10,
        name: "event_caps",
        rebuildsTables: true,
        statements: [
            "ALTER TABLE copy_profiles ADD COLUMN max_per_event_units INTEGER CHECK (max_per_event_units >= 0)",
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
                    'INSUFFICIENT_DEPTH', 'CAP_REACHED', 'EVENT_CAP_REACHED', 'INSUFFICIENT_BALANCE',
                    'BELOW_EXCHANGE_MINIMUM', 'NOTHING_TO_SELL')),
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
                condition_id TEXT,
                fanout_place INTEGER CHECK (fanout_place >= 0),
                ideal_shares_units INTEGER CHECK (ideal_shares_units >= 0),
                decision_price_units INTEGER CHECK (decision_price_units >= 0),
                UNIQUE (profile_id, leader_event_id),
                CHECK ((kind = 'CLOSE_OUT') = (leader_event_id IS NULL))
            ) STRICT
            """,
            """
            INSERT INTO copy_attempts_rebuilt (
                id, profile_id, user_id, leader_event_id, kind, token_id, target_shares_units, status, skip_reason,
                note, due_at, lease_owner, lease_expires_at, fencing_token, detected_at, sent_at, accepted_at,
                filled_shares_units, fill_price_units, leader_price_units, created_at, updated_at, condition_id,
                fanout_place, ideal_shares_units, decision_price_units)
            SELECT id, profile_id, user_id, leader_event_id, kind, token_id, target_shares_units, status, skip_reason,
                note, due_at, lease_owner, lease_expires_at, fencing_token, detected_at, sent_at, accepted_at,
                filled_shares_units, fill_price_units, leader_price_units, created_at, updated_at, condition_id,
                fanout_place, ideal_shares_units, decision_price_units
            FROM copy_attempts
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
