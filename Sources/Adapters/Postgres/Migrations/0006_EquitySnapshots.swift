extension PostgresMigration {
    /// The overview's equity curve: one point per wallet per UTC hour (`hour` = epoch ms / 3,600,000,
    /// the primary key, so a second sweep in the hour changes nothing), written by position sync.
    static let equitySnapshots = PostgresMigration(
        version: 6,
        name: "equity_snapshots",
        statements: [
            """
            CREATE TABLE equity_snapshots (
                wallet_id TEXT COLLATE "C" NOT NULL REFERENCES trading_wallets (id),
                hour BIGINT NOT NULL,
                collateral_units BIGINT NOT NULL,
                positions_units BIGINT NOT NULL CHECK (positions_units >= 0),
                taken_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (wallet_id, hour)
            )
            """,
        ])
}
