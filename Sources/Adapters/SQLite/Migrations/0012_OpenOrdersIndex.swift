extension SQLiteMigration {
    /// The copy pipeline reads each batch's open orders by profile (issue #18). Through
    /// `orders_by_profile` that read walked every order of the last two days: a follower who copies
    /// all day made every later copy slower. This partial index holds only the orders that are not
    /// final, so the read costs what is open, not what is history. Its predicate is the open
    /// statuses written out, as the read writes them (SQLite uses a partial index only for a
    /// query that repeats its condition).
    static let openOrdersIndex = SQLiteMigration(
        version: 12,
        name: "open_orders_index",
        statements: [
            """
            CREATE INDEX IF NOT EXISTS orders_open_by_profile ON orders (profile_id, created_at)
                WHERE status IN ('SIGNED', 'SUBMITTED', 'LIVE', 'UNKNOWN')
            """,
        ])
}
