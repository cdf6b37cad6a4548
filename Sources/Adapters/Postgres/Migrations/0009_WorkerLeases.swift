extension PostgresMigration {
    /// Leases of the singleton workers (auto-claim, position sync, health check, onboarding): one
    /// row per worker, held by one process until `expires_at`; `token` grows by one with every new
    /// holder, so whoever held it before can tell it lost it.
    static let workerLeases = PostgresMigration(
        version: 9,
        name: "worker_leases",
        statements: [
            """
            CREATE TABLE worker_leases (
                name TEXT COLLATE "C" PRIMARY KEY,
                holder TEXT NOT NULL,
                token BIGINT NOT NULL CHECK (token > 0),
                expires_at TIMESTAMPTZ NOT NULL
            )
            """,
        ])
}
