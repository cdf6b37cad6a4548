/// One step of the schema. Its statements and the `PRAGMA user_version` bump run in one
/// transaction, so a step is applied entirely or not at all.
///
/// Append-only: a shipped migration is never edited; a change is a new migration (one file each).
struct SQLiteMigration: Sendable {
    let version: Int
    let name: String
    /// Recreates a table another references (SQLite's way of changing a column's constraints):
    /// run with foreign keys off, then checked with `PRAGMA foreign_key_check` before commit.
    var rebuildsTables = false
    let statements: [String]
}

/// Every migration, in order. The schema version lives in `PRAGMA user_version` (a field of the
/// database header, changed inside the migration's transaction), not in a table: nothing else
/// can hold it, and `sqlite3 mirror.sqlite 'PRAGMA user_version'` shows it to an operator.
enum SQLiteMigrations {
    static let all: [SQLiteMigration] = [
        .initialSchema,
        .exitsLedger,
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
