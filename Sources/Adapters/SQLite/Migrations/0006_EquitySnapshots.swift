extension SQLiteMigration {
    /// The overview's equity curve: one point per wallet per UTC hour (`hour` = epoch ms / 3,600,000,
    /// the primary key, so a second sweep in the hour changes nothing), written by position sync.
    static let equitySnapshots = SQLiteMigration(
        version: 6,
        name: "equity_snapshots",
        statements: [
            """
            CREATE TABLE equity_snapshots (
                wallet_id TEXT NOT NULL REFERENCES trading_wallets (id),
                hour INTEGER NOT NULL,
                collateral_units INTEGER NOT NULL,
                positions_units INTEGER NOT NULL CHECK (positions_units >= 0),
                taken_at TEXT NOT NULL,
                PRIMARY KEY (wallet_id, hour)
            ) STRICT
            """,
        ])
}
