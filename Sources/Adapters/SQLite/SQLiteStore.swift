import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GRDB
import Kernel
public import Logging

/// The ``Store`` (every port, one conformance per file) on one SQLite file, through a GRDB `DatabasePool`: WAL (readers never block the
/// writer), one writer connection, `synchronous=FULL` (a commit is on disk before the side effect
/// it guards), foreign keys on, and a busy timeout so a second process waits for the write lock
/// instead of failing.
///
/// Every port operation is one read or one IMMEDIATE write transaction. SQLite has one writer, so
/// compare-and-set updates and claims are serialised across connections and processes alike.
///
/// Lifecycle: ``open(path:logger:)``, then ``migrate()`` (`mirror db push` and start-up), then the
/// ports; ``close()`` at shutdown.
public final class SQLiteStore: Sendable {
    let pool: DatabasePool
    let logger: Logger
    /// The database file.
    public let path: String

    /// How long a connection waits for another process's write lock before failing with SQLITE_BUSY.
    static let busyTimeout: TimeInterval = 10

    private init(pool: DatabasePool, path: String, logger: Logger) {
        self.pool = pool
        self.path = path
        self.logger = logger
    }

    /// Opens (creating if needed) the database at `path`, creating missing parent folders. Does not
    /// migrate: call ``migrate()`` before using the ports.
    public static func open(path: String, logger: Logger) throws -> SQLiteStore {
        try Self.makePrivate(path)

        var configuration = Configuration()
        configuration.label = "mirror.sqlite"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        // Opening a pool switches the writer to WAL and then to `synchronous = NORMAL`, after
        // `prepareDatabase` ran; NORMAL can lose the last commits on power loss, so set FULL again
        // on the writer, the one connection that commits.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        logger.debug("opened SQLite store", metadata: ["sqlite.path": "\(path)"])
        return SQLiteStore(pool: pool, path: path, logger: logger)
    }

    /// The database folder made (or, when it is this user's own unshared folder, tightened to)
    /// 0700; the database file created 0600 before SQLite opens it — SQLite gives its `-wal` and
    /// `-shm` files the database file's mode — and existing files tightened to 0600.
    static func makePrivate(_ path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var info = stat()
        if stat(folder, &info) != 0 {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            chmod(folder, 0o700)
        } else if info.st_uid == geteuid() && info.st_mode & S_ISVTX == 0 {
            chmod(folder, 0o700)
        }
        #if canImport(Glibc)
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 { Glibc.close(fd) }
        #else
        let fd = Darwin.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 { Darwin.close(fd) }
        #endif
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            chmod(file, 0o600)
        }
    }

    /// Closes every connection. The store is unusable afterwards.
    public func close() throws {
        try self.pool.close()
    }

    /// Applies every migration newer than the database's `PRAGMA user_version`, in order, each in
    /// its own IMMEDIATE transaction with the version bump — so a crash leaves a consistent
    /// version, and a second process migrating at the same time waits, then finds nothing to do.
    ///
    /// Throws ``StoreError/schemaTooNew(databaseVersion:codeVersion:)`` (changing nothing) when the
    /// database was migrated by a newer build.
    @discardableResult
    public func migrate() throws -> MigrationOutcome {
        var applied: [MigrationOutcome.Step] = []
        for migration in SQLiteMigrations.all {
            let ran = try self.pool.writeWithoutTransaction { db -> Bool in
                // Foreign keys can only be switched outside a transaction; a table rebuild needs
                // them off so dropping the old table does not cascade into its children.
                if migration.rebuildsTables { try db.execute(sql: "PRAGMA foreign_keys = OFF") }
                defer { if migration.rebuildsTables { try? db.execute(sql: "PRAGMA foreign_keys = ON") } }
                var applied = false
                try db.inTransaction(.immediate) {
                    // Re-read inside the write lock: another process may have migrated meanwhile.
                    let current = try Self.userVersion(db)
                    guard current <= SQLiteMigrations.latestVersion else {
                        throw StoreError.schemaTooNew(databaseVersion: current, codeVersion: SQLiteMigrations.latestVersion)
                    }
                    guard current < migration.version else { return .rollback }
                    for statement in migration.statements {
                        try db.execute(sql: statement)
                    }
                    if migration.rebuildsTables, try Row.fetchOne(db, sql: "PRAGMA foreign_key_check") != nil {
                        throw StoreError.corruptRow(table: "migration \(migration.version)", column: "foreign keys",
                                                    value: "a rebuilt table breaks a reference")
                    }
                    try db.execute(sql: "PRAGMA user_version = \(migration.version)")
                    applied = true
                    return .commit
                }
                return applied
            }
            if ran {
                applied.append(MigrationOutcome.Step(version: migration.version, name: migration.name))
                self.logger.info("applied migration", metadata: [
                    "sqlite.migration.version": "\(migration.version)", "sqlite.migration.name": "\(migration.name)",
                ])
            }
        }
        let final = try self.pool.read { db in try Self.userVersion(db) }
        guard final <= SQLiteMigrations.latestVersion else {
            throw StoreError.schemaTooNew(databaseVersion: final, codeVersion: SQLiteMigrations.latestVersion)
        }
        return MigrationOutcome(applied: applied, schemaVersion: final)
    }

    private static func userVersion(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
    }
}

/// What ``SQLiteStore/migrate()`` did.
public struct MigrationOutcome: Hashable, Sendable, CustomStringConvertible {
    /// One applied migration.
    public struct Step: Hashable, Sendable {
        public let version: Int
        public let name: String
    }

    /// The migrations this call applied, oldest first; empty when the schema was already current.
    public let applied: [Step]
    /// The schema version after the call (`PRAGMA user_version`).
    public let schemaVersion: Int

    /// `true` when nothing needed applying.
    public var wasUpToDate: Bool { self.applied.isEmpty }

    public var description: String {
        if self.applied.isEmpty { return "schema up to date (version \(self.schemaVersion))" }
        let steps = self.applied.map { "\($0.version) \($0.name)" }.joined(separator: ", ")
        return "applied \(steps); schema now at version \(self.schemaVersion)"
    }
}
