extension SQLiteMigration {
    /// The first schema. Names follow the production runbook (`copy_profiles.status`,
    /// `audit_logs.created_at`, `copy_attempts.user_id`, `leader_events.side/size/price/market_slug`, …)
    /// so its SQL runs unchanged.
    ///
    /// How values are stored:
    /// - Ids are TEXT in the Kernel's canonical form (lowercase, trimmed), enforced by
    ///   `CHECK (id = lower(id))`, so an id pasted from a log matches. Addresses are lowercase TEXT.
    /// - Timestamps are TEXT, ISO-8601 UTC with milliseconds (`2025-11-29T01:30:00.123Z`): fixed
    ///   width, so `ORDER BY created_at` sorts them in time order and an operator reads them as is.
    /// - `leader_events.size` and `.price` are TEXT decimals in canonical form (`'25.5'`, `'0.53'`),
    ///   which the runbook's query shows as real numbers and which parse back exactly.
    /// - Every other amount is an INTEGER of millionths (6-decimal base units), named `*_units`
    ///   (`leader_price_units = 530000` is 0.53); durations are INTEGER milliseconds (`*_ms`).
    ///   Exact, and summable in SQL. Never REAL.
    /// - Secrets exist only sealed: BLOB ciphertext plus the master-key version that sealed it.
    /// - Enumerations are TEXT with a CHECK listing the Kernel's raw values; booleans are 0/1.
    /// - Tables are STRICT, so a value of the wrong type is refused rather than coerced.
    static let initialSchema = SQLiteMigration(
        version: 1,
        name: "initial_schema",
        statements: [
            """
            CREATE TABLE users (
                id TEXT NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                external_id TEXT NOT NULL UNIQUE,
                login_address TEXT CHECK (login_address = lower(login_address)),
                created_at TEXT NOT NULL
            ) STRICT
            """,
            """
            CREATE TABLE trading_wallets (
                id TEXT NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                user_id TEXT NOT NULL REFERENCES users (id),
                type TEXT NOT NULL CHECK (type IN ('EOA', 'PROXY', 'SAFE', 'DEPOSIT_WALLET')),
                signer_address TEXT NOT NULL UNIQUE CHECK (signer_address = lower(signer_address)),
                funder_address TEXT NOT NULL CHECK (funder_address = lower(funder_address)),
                trading_key_sealed BLOB NOT NULL,
                trading_key_version INTEGER NOT NULL,
                onboarding TEXT NOT NULL CHECK (onboarding IN ('KEY_CREATED', 'DEPLOYED', 'APPROVED', 'READY')),
                api_key TEXT,
                api_secret_sealed BLOB,
                api_secret_key_version INTEGER,
                api_passphrase_sealed BLOB,
                api_passphrase_key_version INTEGER,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                CHECK ((api_secret_sealed IS NULL) = (api_secret_key_version IS NULL)),
                CHECK ((api_passphrase_sealed IS NULL) = (api_passphrase_key_version IS NULL))
            ) STRICT
            """,
            "CREATE INDEX trading_wallets_by_user ON trading_wallets (user_id, created_at, id)",
            """
            CREATE TABLE leaders (
                id TEXT NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                address TEXT NOT NULL UNIQUE CHECK (address = lower(address)),
                label TEXT,
                positions_seeded_at TEXT,
                created_at TEXT NOT NULL
            ) STRICT
            """,
            """
            CREATE TABLE copy_profiles (
                id TEXT NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                user_id TEXT NOT NULL REFERENCES users (id),
                leader_id TEXT NOT NULL REFERENCES leaders (id),
                wallet_id TEXT NOT NULL REFERENCES trading_wallets (id),
                status TEXT NOT NULL CHECK (status IN ('ENABLED', 'PAUSED', 'USER_PAUSED', 'EXIT_ONLY', 'STOPPED')),
                mode TEXT NOT NULL CHECK (mode IN ('LIVE', 'PAPER')),
                sizing_mode TEXT NOT NULL CHECK (sizing_mode IN ('FIXED_USD', 'PROPORTIONAL', 'PERCENT_OF_BALANCE')),
                sizing_units INTEGER NOT NULL,
                max_fill_age_ms INTEGER NOT NULL,
                min_price_units INTEGER NOT NULL,
                max_price_units INTEGER NOT NULL,
                max_slippage_units INTEGER NOT NULL,
                max_sell_slippage_units INTEGER NOT NULL,
                min_time_to_resolution_ms INTEGER NOT NULL,
                min_leader_notional_units INTEGER NOT NULL,
                max_per_trade_units INTEGER,
                max_per_market_units INTEGER,
                total_budget_units INTEGER,
                daily_spend_units INTEGER,
                stop_behavior TEXT NOT NULL CHECK (stop_behavior IN ('HOLD', 'SELL')),
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            ) STRICT
            """,
            "CREATE INDEX copy_profiles_by_user ON copy_profiles (user_id, created_at, id)",
            "CREATE INDEX copy_profiles_by_leader ON copy_profiles (leader_id, created_at, id)",
            """
            CREATE TABLE leader_events (
                id TEXT NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                leader_id TEXT NOT NULL REFERENCES leaders (id),
                identity TEXT NOT NULL UNIQUE,
                leader_address TEXT NOT NULL CHECK (leader_address = lower(leader_address)),
                transaction_hash TEXT NOT NULL,
                token_id TEXT NOT NULL,
                condition_id TEXT NOT NULL,
                market_slug TEXT NOT NULL,
                outcome TEXT NOT NULL,
                side TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
                size TEXT NOT NULL,
                price TEXT NOT NULL,
                occurred_at TEXT NOT NULL,
                source TEXT NOT NULL CHECK (source IN ('DATA_API', 'RTDS', 'FAKE', 'BACKFILL')),
                detected_at TEXT NOT NULL,
                created_at TEXT NOT NULL
            ) STRICT
            """,
            "CREATE INDEX leader_events_by_leader ON leader_events (leader_id, occurred_at, id)",
            """
            CREATE TABLE copy_attempts (
                id TEXT NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                profile_id TEXT NOT NULL REFERENCES copy_profiles (id),
                user_id TEXT NOT NULL REFERENCES users (id),
                leader_event_id TEXT NOT NULL REFERENCES leader_events (id),
                kind TEXT NOT NULL CHECK (kind IN ('ENTRY', 'EXIT')),
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
                leader_price_units INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (profile_id, leader_event_id)
            ) STRICT
            """,
            "CREATE INDEX copy_attempts_by_user ON copy_attempts (user_id, created_at, id)",
            "CREATE INDEX copy_attempts_by_event ON copy_attempts (leader_event_id)",
            // Only claimable rows: the claim query reads this index alone.
            """
            CREATE INDEX copy_attempts_claimable ON copy_attempts (due_at, id)
                WHERE status IN ('PENDING', 'DEFERRED', 'PLACING')
            """,
            """
            CREATE TABLE orders (
                id TEXT NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                attempt_id TEXT NOT NULL REFERENCES copy_attempts (id),
                profile_id TEXT NOT NULL REFERENCES copy_profiles (id),
                wallet_id TEXT NOT NULL REFERENCES trading_wallets (id),
                token_id TEXT NOT NULL,
                side TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
                type TEXT NOT NULL CHECK (type IN ('FOK', 'FAK', 'GTC', 'GTD')),
                limit_price_units INTEGER NOT NULL,
                shares_units INTEGER NOT NULL,
                maker_amount INTEGER NOT NULL,
                taker_amount INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN (
                    'SIGNED', 'SUBMITTED', 'LIVE', 'UNKNOWN', 'FILLED', 'PARTIALLY_FILLED', 'KILLED', 'REJECTED',
                    'CANCELED')),
                signed_payload TEXT NOT NULL,
                filled_shares_units INTEGER NOT NULL,
                filled_notional_units INTEGER NOT NULL,
                fee_units INTEGER NOT NULL,
                paper INTEGER NOT NULL CHECK (paper IN (0, 1)),
                note TEXT,
                submitted_at TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            ) STRICT
            """,
            "CREATE INDEX orders_by_attempt ON orders (attempt_id, created_at, id)",
            "CREATE INDEX orders_by_status ON orders (status, created_at, id)",
            "CREATE INDEX orders_by_profile ON orders (profile_id, created_at, id)",
            """
            CREATE TABLE positions (
                profile_id TEXT NOT NULL REFERENCES copy_profiles (id),
                token_id TEXT NOT NULL,
                condition_id TEXT NOT NULL,
                shares_units INTEGER NOT NULL,
                cost_basis_units INTEGER NOT NULL,
                realized_pnl_units INTEGER NOT NULL,
                redeemable INTEGER NOT NULL CHECK (redeemable IN (0, 1)),
                updated_at TEXT NOT NULL,
                PRIMARY KEY (profile_id, token_id)
            ) STRICT
            """,
            """
            CREATE TABLE relayer_txs (
                id TEXT NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                user_id TEXT NOT NULL REFERENCES users (id),
                wallet_id TEXT NOT NULL REFERENCES trading_wallets (id),
                kind TEXT NOT NULL CHECK (kind IN ('WITHDRAW', 'REDEEM', 'DEPLOY', 'APPROVE')),
                idempotency_key TEXT NOT NULL UNIQUE,
                status TEXT NOT NULL CHECK (status IN ('PENDING', 'SUBMITTED', 'MINED', 'CONFIRMED', 'FAILED')),
                payload TEXT NOT NULL,
                relayer_reference TEXT,
                transaction_hash TEXT,
                amount_units INTEGER,
                destination TEXT CHECK (destination = lower(destination)),
                submit_count INTEGER NOT NULL,
                last_error TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            ) STRICT
            """,
            "CREATE INDEX relayer_txs_by_status ON relayer_txs (status, created_at, id)",
            "CREATE INDEX relayer_txs_by_user ON relayer_txs (user_id, created_at, id)",
            """
            CREATE TABLE audit_logs (
                id TEXT NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                subject_type TEXT,
                subject_id TEXT,
                details TEXT NOT NULL,
                created_at TEXT NOT NULL
            ) STRICT
            """,
            "CREATE INDEX audit_logs_by_time ON audit_logs (created_at, id)",
        ])
}
