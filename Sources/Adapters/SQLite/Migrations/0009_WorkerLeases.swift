extension SQLiteMigration {
    /// Leases of the singleton workers (auto-claim, position sync, health check, onboarding): one
    /// row per worker, held by one process until `expires_at`; `token` grows by one with every new
    /// holder, so whoever held it before can tell it lost it.
    static let workerLeases = SQLiteMigration(
        version: 9,
        name: "worker_leases",
        statements: [
            """
            CREATE TABLE worker_leases (
                name TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                token INTEGER NOT NULL CHECK (token > 0),
                expires_at TEXT NOT NULL
            ) STRICT
            """,
        ])
}
