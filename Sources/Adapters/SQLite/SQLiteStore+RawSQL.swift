import Foundation
import GRDB

/// A value as SQLite returned it, for SQL typed by a person rather than by the ports.
enum SQLValue: Hashable, Sendable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let number): self = .integer(number)
        case .double(let number): self = .real(number)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob([UInt8](data))
        }
    }

    var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let number): String(number)
        case .real(let number): String(number)
        case .text(let text): "'\(text)'"
        case .blob(let bytes): "<\(bytes.count) bytes>"
        }
    }
}

/// One result row: column names in select order, and their values.
struct SQLRow: Hashable, Sendable {
    let columns: [String]
    let values: [SQLValue]

    /// The value of the first column named `name`, as SQLite names result columns.
    subscript(_ name: String) -> SQLValue? {
        self.columns.firstIndex(of: name).map { self.values[$0] }
    }
}

/// Which connection runs the SQL: pragmas such as `synchronous` are per connection.
enum SQLConnection: Sendable {
    /// The pool's single writer, in a write transaction unless the SQL is a pragma.
    case writer
    /// A pooled reader, in a read transaction.
    case reader
}

// SQL text run exactly as written — the runbook's statements, pragmas, fault injection. Only
// tests use this today; it keeps GRDB out of the test target.
extension SQLiteStore {
    /// Executes `sql` (one or more statements) on the writer in one transaction; returns the
    /// number of rows the last statement changed.
    func execute(sql: String) throws -> Int {
        try self.pool.write { db in
            try db.execute(sql: sql)
            return db.changesCount
        }
    }

    /// Executes `sql` on the writer outside any transaction (pragmas that refuse to run inside one).
    func executeOutsideTransaction(sql: String) throws {
        try self.pool.writeWithoutTransaction { db in try db.execute(sql: sql) }
    }

    /// Runs one query and returns every row.
    func rows(sql: String, on connection: SQLConnection = .reader) throws -> [SQLRow] {
        let fetch: (Database) throws -> [SQLRow] = { db in
            try Row.fetchAll(db, sql: sql).map { row in
                SQLRow(columns: Array(row.columnNames), values: row.databaseValues.map(SQLValue.init))
            }
        }
        switch connection {
        case .writer: return try self.pool.writeWithoutTransaction(fetch)
        case .reader: return try self.pool.read(fetch)
        }
    }
}
