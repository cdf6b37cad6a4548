extension SQLiteMigration {
    /// A chain transaction belongs to at most one `relayer_txs` row (issue #21): a withdrawal is
    /// CONFIRMED only by its own transaction. Rows that share a hash or a relayer reference with an
    /// older row (two withdrawals shown CONFIRMED on one transfer) become FAILED, their hash and
    /// reference cleared and the reason recorded, so they release their reservation and the
    /// operator can retry them; then unique indexes keep it so.
    ///
    /// And each user's withdrawal address book (`withdrawal_addresses`): a destination becomes
    /// usable at `usable_at`, `WITHDRAWAL_ADDRESS_DELAY` after it was added; and each user's list
    /// of leaders with the user's own labels (`leader_watches`), never shown to another user.
    static let withdrawalSafety = SQLiteMigration(
        version: 5,
        name: "withdrawal_safety",
        statements: [
            """
            UPDATE relayer_txs SET status = 'FAILED', transaction_hash = NULL, relayer_reference = NULL,
                last_error = 'shared its chain transaction with an older row (migration 5)'
            WHERE EXISTS (
                SELECT 1 FROM relayer_txs older
                WHERE (older.transaction_hash = relayer_txs.transaction_hash
                       OR older.relayer_reference = relayer_txs.relayer_reference)
                    AND (older.created_at < relayer_txs.created_at
                         OR (older.created_at = relayer_txs.created_at AND older.id < relayer_txs.id)))
            """,
            """
            CREATE UNIQUE INDEX relayer_txs_one_per_hash ON relayer_txs (transaction_hash)
                WHERE transaction_hash IS NOT NULL
            """,
            """
            CREATE UNIQUE INDEX relayer_txs_one_per_reference ON relayer_txs (relayer_reference)
                WHERE relayer_reference IS NOT NULL
            """,
            """
            CREATE TABLE withdrawal_addresses (
                user_id TEXT NOT NULL REFERENCES users (id),
                address TEXT NOT NULL CHECK (address = lower(address)),
                label TEXT,
                created_at TEXT NOT NULL,
                usable_at TEXT NOT NULL,
                PRIMARY KEY (user_id, address)
            ) STRICT
            """,
            """
            CREATE TABLE leader_watches (
                user_id TEXT NOT NULL REFERENCES users (id),
                leader_id TEXT NOT NULL REFERENCES leaders (id),
                label TEXT,
                created_at TEXT NOT NULL,
                PRIMARY KEY (user_id, leader_id)
            ) STRICT
            """,
        ])
}
