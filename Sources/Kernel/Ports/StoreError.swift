/// Errors every store adapter maps its driver's errors into, at its boundary.
public enum StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A unique key is taken: `entity` names the table, `key` the value that clashed.
    case duplicate(entity: String, key: String)
    /// An operation that needs an existing row found none.
    case notFound(entity: String, key: String)
    /// A stored row does not decode (e.g. a status written by a newer version). Never a crash.
    case corruptRow(table: String, column: String, value: String)
    /// The database schema is newer than this code knows.
    case schemaTooNew(databaseVersion: Int, codeVersion: Int)

    public var description: String {
        switch self {
        case .duplicate(let entity, let key): "\(entity) \(key) already exists"
        case .notFound(let entity, let key): "\(entity) \(key) not found"
        case .corruptRow(let table, let column, let value): "\(table).\(column) holds an unreadable value: \(value)"
        case .schemaTooNew(let database, let code):
            "the database schema is version \(database) but this build knows only up to \(code); upgrade mirror"
        }
    }
}
