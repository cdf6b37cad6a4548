extension SQLiteMigration {
    /// The account-wide event cap (issue #22):
    /// - `users.max_event_exposure_units`: the most all of a user's live follows together may have
    ///   committed (cost basis plus open buys) across every outcome market of one event, in USDC
    ///   base units; NULL: no cap (`PATCH /me`).
    /// - `token_events`: each token's event as the committed steps under that cap named it, so the
    ///   commit's check counts a token another worker bought in the event without reading its market.
    static let accountEventCaps = SQLiteMigration(
        version: 11,
        name: "account_event_caps",
        statements: [
            "ALTER TABLE users ADD COLUMN max_event_exposure_units INTEGER CHECK (max_event_exposure_units >= 0)",
            """
            CREATE TABLE token_events (
                token_id TEXT NOT NULL PRIMARY KEY,
                event_id TEXT NOT NULL
            ) STRICT
            """,
            "CREATE INDEX token_events_by_event ON token_events (event_id, token_id)",
        ])
}
