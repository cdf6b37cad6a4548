extension PostgresMigration {
    /// The first schema: the SQLite adapter's tables and column names (the production runbook's:
    /// `copy_profiles.status`, `audit_logs.created_at`, `copy_attempts.user_id`,
    /// `leader_events.side/size/price/market_slug`, …) in PostgreSQL's types, so the runbook's SQL
    /// runs unchanged on both.
    ///
    /// How values are stored:
    /// - Ids are TEXT in the Kernel's canonical form (lowercase, trimmed), enforced by
    ///   `CHECK (id = lower(id))`, and collated "C" so `ORDER BY id` is byte order on every server,
    ///   as the Kernel compares them. Addresses are lowercase TEXT.
    /// - Times are `timestamptz` holding whole milliseconds (written exactly, never through a
    ///   floating-point value), so `ORDER BY created_at` is time order and psql shows real times.
    /// - `leader_events.size` and `.price` are NUMERIC written from the canonical decimal text
    ///   (`25.5`, `0.53`), which the runbook's query shows as the numbers they are.
    /// - Every other amount is a BIGINT of millionths (6-decimal base units), named `*_units`
    ///   (`leader_price_units = 530000` is 0.53); durations are BIGINT milliseconds (`*_ms`).
    /// - Secrets exist only sealed: bytea ciphertext plus the master-key version that sealed it.
    /// - Enumerations are TEXT with a CHECK listing the Kernel's raw values.
    static let initialSchema = PostgresMigration(
        version: 1,
        name: "initial_schema",
        statements: [
            """
            CREATE TABLE users (
                id TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                external_id TEXT NOT NULL UNIQUE,
                login_address TEXT CHECK (login_address = lower(login_address)),
                created_at TIMESTAMPTZ NOT NULL
            )
            """,
            """
            CREATE TABLE trading_wallets (
                id TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id),
                type TEXT NOT NULL CHECK (type IN ('EOA', 'PROXY', 'SAFE', 'DEPOSIT_WALLET')),
                signer_address TEXT NOT NULL UNIQUE CHECK (signer_address = lower(signer_address)),
                funder_address TEXT NOT NULL CHECK (funder_address = lower(funder_address)),
                trading_key_sealed BYTEA NOT NULL,
                trading_key_version INTEGER NOT NULL,
                onboarding TEXT NOT NULL CHECK (onboarding IN ('KEY_CREATED', 'DEPLOYED', 'APPROVED', 'READY')),
                api_key TEXT,
                api_secret_sealed BYTEA,
                api_secret_key_version INTEGER,
                api_passphrase_sealed BYTEA,
                api_passphrase_key_version INTEGER,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                CHECK ((api_secret_sealed IS NULL) = (api_secret_key_version IS NULL)),
                CHECK ((api_passphrase_sealed IS NULL) = (api_passphrase_key_version IS NULL))
            )
            """,
            "CREATE INDEX trading_wallets_by_user ON trading_wallets (user_id, created_at, id)",
            """
            CREATE TABLE leaders (
                id TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                address TEXT NOT NULL UNIQUE CHECK (address = lower(address)),
                label TEXT,
                positions_seeded_at TIMESTAMPTZ,
                created_at TIMESTAMPTZ NOT NULL
            )
            """,
            // The leader's tracked holding per token: seeded from one positions snapshot, then moved
            // by every recorded fill, in the fill's own transaction.
            """
            CREATE TABLE leader_positions (
                leader_id TEXT COLLATE "C" NOT NULL REFERENCES leaders (id),
                token_id TEXT COLLATE "C" NOT NULL,
                shares_units BIGINT NOT NULL CHECK (shares_units >= 0),
                updated_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (leader_id, token_id)
            )
            """,
            """
            CREATE TABLE copy_profiles (
                id TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id),
                leader_id TEXT COLLATE "C" NOT NULL REFERENCES leaders (id),
                wallet_id TEXT COLLATE "C" NOT NULL REFERENCES trading_wallets (id),
                status TEXT NOT NULL CHECK (status IN ('ENABLED', 'PAUSED', 'USER_PAUSED', 'EXIT_ONLY', 'STOPPED')),
                mode TEXT NOT NULL CHECK (mode IN ('LIVE', 'PAPER')),
                sizing_mode TEXT NOT NULL CHECK (sizing_mode IN ('FIXED_USD', 'PROPORTIONAL', 'PERCENT_OF_BALANCE')),
                sizing_units BIGINT NOT NULL,
                max_fill_age_ms BIGINT NOT NULL,
                min_price_units BIGINT NOT NULL,
                max_price_units BIGINT NOT NULL,
                max_slippage_units BIGINT NOT NULL,
                max_sell_slippage_units BIGINT NOT NULL,
                min_time_to_resolution_ms BIGINT NOT NULL,
                min_leader_notional_units BIGINT NOT NULL,
                max_per_trade_units BIGINT,
                max_per_market_units BIGINT,
                total_budget_units BIGINT,
                daily_spend_units BIGINT,
                stop_behavior TEXT NOT NULL CHECK (stop_behavior IN ('HOLD', 'SELL')),
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE INDEX copy_profiles_by_user ON copy_profiles (user_id, created_at, id)",
            "CREATE INDEX copy_profiles_by_leader ON copy_profiles (leader_id, created_at, id)",
            """
            CREATE TABLE leader_events (
                id TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                leader_id TEXT COLLATE "C" NOT NULL REFERENCES leaders (id),
                identity TEXT COLLATE "C" NOT NULL UNIQUE,
                leader_address TEXT NOT NULL CHECK (leader_address = lower(leader_address)),
                transaction_hash TEXT NOT NULL,
                token_id TEXT COLLATE "C" NOT NULL,
                condition_id TEXT NOT NULL,
                market_slug TEXT NOT NULL,
                outcome TEXT NOT NULL,
                side TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
                size NUMERIC NOT NULL,
                price NUMERIC NOT NULL,
                leader_position_before_units BIGINT,
                occurred_at TIMESTAMPTZ NOT NULL,
                source TEXT NOT NULL CHECK (source IN ('DATA_API', 'RTDS', 'FAKE', 'BACKFILL')),
                detected_at TIMESTAMPTZ NOT NULL,
                created_at TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE INDEX leader_events_by_leader ON leader_events (leader_id, occurred_at, id)",
            """
            CREATE TABLE copy_attempts (
                id TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                profile_id TEXT COLLATE "C" NOT NULL REFERENCES copy_profiles (id),
                user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id),
                leader_event_id TEXT COLLATE "C" REFERENCES leader_events (id),
                kind TEXT NOT NULL CHECK (kind IN ('ENTRY', 'EXIT', 'CLOSE_OUT')),
                token_id TEXT COLLATE "C" NOT NULL,
                target_shares_units BIGINT,
                status TEXT NOT NULL CHECK (status IN ('PENDING', 'DEFERRED', 'SKIPPED', 'PLACING', 'DONE', 'FAILED')),
                skip_reason TEXT CHECK (skip_reason IN (
                    'PROFILE_NOT_ACTIVE', 'FILL_TOO_OLD', 'LEADER_NOTIONAL_TOO_SMALL', 'MARKET_CLOSED',
                    'MARKET_RESOLVING_SOON', 'UNSUPPORTED_MARKET', 'PRICE_OUT_OF_BAND', 'SLIPPAGE_TOO_HIGH',
                    'INSUFFICIENT_DEPTH', 'CAP_REACHED', 'INSUFFICIENT_BALANCE', 'BELOW_EXCHANGE_MINIMUM',
                    'NOTHING_TO_SELL')),
                note TEXT,
                due_at TIMESTAMPTZ NOT NULL,
                lease_owner TEXT,
                lease_expires_at TIMESTAMPTZ,
                fencing_token BIGINT NOT NULL,
                detected_at TIMESTAMPTZ NOT NULL,
                sent_at TIMESTAMPTZ,
                accepted_at TIMESTAMPTZ,
                filled_shares_units BIGINT NOT NULL,
                fill_price_units BIGINT,
                leader_price_units BIGINT,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                -- Only a close-out has no leader fill.
                CHECK ((leader_event_id IS NULL) = (kind = 'CLOSE_OUT')),
                -- NULLs are distinct: any number of close-outs per profile.
                UNIQUE (profile_id, leader_event_id)
            )
            """,
            "CREATE INDEX copy_attempts_by_user ON copy_attempts (user_id, created_at, id)",
            "CREATE INDEX copy_attempts_by_event ON copy_attempts (leader_event_id)",
            "CREATE INDEX copy_attempts_by_profile ON copy_attempts (profile_id, created_at, id)",
            // Only claimable rows: the claim query reads this small index.
            """
            CREATE INDEX copy_attempts_claimable ON copy_attempts (due_at, id)
                WHERE status IN ('PENDING', 'DEFERRED', 'PLACING')
            """,
            """
            CREATE TABLE orders (
                id TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                attempt_id TEXT COLLATE "C" NOT NULL REFERENCES copy_attempts (id),
                profile_id TEXT COLLATE "C" NOT NULL REFERENCES copy_profiles (id),
                wallet_id TEXT COLLATE "C" NOT NULL REFERENCES trading_wallets (id),
                token_id TEXT COLLATE "C" NOT NULL,
                side TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
                type TEXT NOT NULL CHECK (type IN ('FOK', 'FAK', 'GTC', 'GTD')),
                limit_price_units BIGINT NOT NULL,
                shares_units BIGINT NOT NULL,
                maker_amount BIGINT NOT NULL,
                taker_amount BIGINT NOT NULL,
                status TEXT NOT NULL CHECK (status IN (
                    'SIGNED', 'SUBMITTED', 'LIVE', 'UNKNOWN', 'FILLED', 'PARTIALLY_FILLED', 'KILLED', 'REJECTED',
                    'CANCELED')),
                signed_payload TEXT NOT NULL,
                filled_shares_units BIGINT NOT NULL,
                filled_notional_units BIGINT NOT NULL,
                fee_units BIGINT NOT NULL,
                paper BOOLEAN NOT NULL,
                note TEXT,
                submitted_at TIMESTAMPTZ,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE INDEX orders_by_attempt ON orders (attempt_id, created_at, id)",
            "CREATE INDEX orders_by_status ON orders (status, created_at, id)",
            "CREATE INDEX orders_by_profile ON orders (profile_id, created_at, id)",
            """
            CREATE TABLE positions (
                profile_id TEXT COLLATE "C" NOT NULL REFERENCES copy_profiles (id),
                token_id TEXT COLLATE "C" NOT NULL,
                condition_id TEXT NOT NULL,
                shares_units BIGINT NOT NULL,
                cost_basis_units BIGINT NOT NULL,
                realized_pnl_units BIGINT NOT NULL,
                redeemable BOOLEAN NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (profile_id, token_id)
            )
            """,
            """
            CREATE TABLE relayer_txs (
                id TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id),
                wallet_id TEXT COLLATE "C" NOT NULL REFERENCES trading_wallets (id),
                kind TEXT NOT NULL CHECK (kind IN ('WITHDRAW', 'REDEEM', 'DEPLOY', 'APPROVE')),
                idempotency_key TEXT NOT NULL UNIQUE,
                status TEXT NOT NULL CHECK (status IN ('PENDING', 'SUBMITTED', 'MINED', 'CONFIRMED', 'FAILED')),
                payload TEXT NOT NULL,
                relayer_reference TEXT,
                transaction_hash TEXT,
                amount_units BIGINT,
                destination TEXT CHECK (destination = lower(destination)),
                submit_count INTEGER NOT NULL,
                last_error TEXT,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE INDEX relayer_txs_by_status ON relayer_txs (status, created_at, id)",
            "CREATE INDEX relayer_txs_by_user ON relayer_txs (user_id, created_at, id)",
            """
            CREATE TABLE audit_logs (
                id TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (id = lower(id)),
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                subject_type TEXT,
                subject_id TEXT,
                details TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE INDEX audit_logs_by_time ON audit_logs (created_at, id)",
        ])
}
