import Foundation
import Logging
import SQLiteAdapter

/// A migrated SQLite store in a new file under the system temp folder, opened exactly as
/// `mirror serve` opens its data file (WAL, `synchronous=FULL`).
struct TemporarySQLite: Sendable {
    let store: SQLiteStore
    let folder: URL

    static func open() throws -> TemporarySQLite {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("mirror-benchmarks-\(UUID().uuidString.lowercased())", isDirectory: true)
        let store = try SQLiteStore.open(path: folder.appendingPathComponent("mirror.sqlite").path,
                                         logger: Logger(label: "mirror.benchmarks", factory: { _ in SwiftLogNoOpLogHandler() }))
        try store.migrate()
        return TemporarySQLite(store: store, folder: folder)
    }

    func remove() throws {
        try self.store.close()
        try FileManager.default.removeItem(at: self.folder)
    }
}
