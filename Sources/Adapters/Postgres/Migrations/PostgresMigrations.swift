/// One step of the schema: its statements and its row in `schema_migrations` commit in one
/// transaction, so a step is applied entirely or not at all.
///
/// Append-only: a shipped migration is never edited; a change is a new migration (one file each).
struct PostgresMigration: Sendable {
    let version: Int
    let name: String
    let statements: [String]
}

/// Every migration, in order.
enum PostgresMigrations {
    static let all: [PostgresMigration] = [
        .initialSchema,
        .keyVersionsAsBigint,
        .walletFunds,
        .copyPipeline,
        .withdrawalSafety,
        .equitySnapshots,
        .copyQuality,
        .notifications,
        .workerLeases,
        .eventCaps,
        .accountEventCaps,
        .openOrdersIndex,
    ]

    /// The newest schema this build knows.
    static var latestVersion: Int { all.last?.version ?? 0 }
}
