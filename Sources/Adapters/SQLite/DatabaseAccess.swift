import Foundation
import GRDB
import Kernel
import StoreSupport

extension SQLiteStore {
    /// Runs `body` in one read transaction on a reader connection (a consistent snapshot).
    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try await self.pool.read(body)
    }

    /// Runs `body` in one IMMEDIATE write transaction: all of it commits, or none of it.
    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try await self.pool.write(body)
    }
}

extension Database {
    /// Executes an INSERT, mapping a unique or primary-key violation to
    /// ``StoreError/duplicate(entity:key:)``: `keys` maps each unique column to the value being
    /// inserted there, so the error names the value that clashed.
    func insert(into table: String, sql: String, arguments: StatementArguments,
                keys: KeyValuePairs<String, String>) throws {
        do {
            try self.cachedStatement(sql: sql).execute(arguments: arguments)
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
            || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
        {
            throw StoreError.duplicate(entity: table, key: Self.clashingKey(error, table: table, keys: keys))
        }
    }

    /// SQLite says which columns clashed: "UNIQUE constraint failed: users.external_id".
    private static func clashingKey(_ error: DatabaseError, table: String, keys: KeyValuePairs<String, String>) -> String {
        let message = error.message ?? ""
        let failed = message.split(separator: ":", maxSplits: 1).last.map(String.init) ?? ""
        let columns = failed.split(separator: ",").map { part in
            part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\(table).", with: "")
        }
        let values = columns.compactMap { column in keys.first { $0.key == column }?.value }
        if !values.isEmpty { return values.joined(separator: "/") }
        return keys.first?.value ?? "?"
    }

    /// Runs a compare-and-set UPDATE; `true` if it changed a row.
    func update(sql: String, arguments: StatementArguments) throws -> Bool {
        try self.cachedStatement(sql: sql).execute(arguments: arguments)
        return self.changesCount > 0
    }

    /// Rows of `sql`, each decoded by `decode`. These helpers run one statement each and keep it
    /// compiled on the connection (a batch's commit runs the same few statements per attempt).
    func fetch<T>(_ sql: String, _ arguments: StatementArguments = [], table: String,
                  _ decode: (RowReader) throws -> T) throws -> [T] {
        try Row.fetchAll(self.cachedStatement(sql: sql), arguments: arguments).map { try decode(RowReader(row: $0, table: table)) }
    }

    /// The first row of `sql`, decoded by `decode`, or `nil`.
    func fetchOne<T>(_ sql: String, _ arguments: StatementArguments = [], table: String,
                     _ decode: (RowReader) throws -> T) throws -> T? {
        try Row.fetchOne(self.cachedStatement(sql: sql), arguments: arguments).map { try decode(RowReader(row: $0, table: table)) }
    }
}

/// Reads one GRDB row's columns into Kernel values: the SQLite primitives of ``StoredRow``. A value
/// that does not decode — wrong type, an enum raw value this build does not know, a malformed
/// time — throws ``StoreError/corruptRow(table:column:value:)``; it never traps.
struct RowReader: StoredRow {
    let row: Row
    let table: String

    private func value(_ column: String) -> DatabaseValue {
        guard self.row.hasColumn(column) else { return .null }
        return self.row[column]?.databaseValue ?? .null
    }

    private func corrupt(_ column: String, _ value: DatabaseValue) -> StoreError {
        let shown: String
        switch value.storage {
        case .null: shown = "NULL"
        case .int64(let number): shown = String(number)
        case .double(let number): shown = String(number)
        case .string(let text): shown = text.count > 80 ? String(text.prefix(80)) + "…" : text
        // Blobs hold sealed secrets: never show their bytes.
        case .blob(let data): shown = "<\(data.count) bytes>"
        }
        return StoreError.corruptRow(table: self.table, column: column, value: shown)
    }

    func optionalText(_ column: String) throws(StoreError) -> String? {
        let value = self.value(column)
        switch value.storage {
        case .null: return nil
        case .string(let text): return text
        default: throw self.corrupt(column, value)
        }
    }

    func text(_ column: String) throws(StoreError) -> String {
        guard let text = try self.optionalText(column) else { throw self.corrupt(column, .null) }
        return text
    }

    func optionalInteger(_ column: String) throws(StoreError) -> Int64? {
        let value = self.value(column)
        switch value.storage {
        case .null: return nil
        case .int64(let number): return number
        default: throw self.corrupt(column, value)
        }
    }

    func integer(_ column: String) throws(StoreError) -> Int64 {
        guard let number = try self.optionalInteger(column) else { throw self.corrupt(column, .null) }
        return number
    }

    func bool(_ column: String) throws(StoreError) -> Bool {
        switch try self.integer(column) {
        case 0: return false
        case 1: return true
        case let other: throw self.corrupt(column, other.databaseValue)
        }
    }

    func optionalBytes(_ column: String) throws(StoreError) -> [UInt8]? {
        let value = self.value(column)
        switch value.storage {
        case .null: return nil
        case .blob(let data): return [UInt8](data)
        default: throw self.corrupt(column, value)
        }
    }

    func optionalTimestamp(_ column: String) throws(StoreError) -> Timestamp? {
        guard let text = try self.optionalText(column) else { return nil }
        do { return try Timestamp(iso8601: text) } catch { throw self.corrupt(column, text.databaseValue) }
    }

    func timestamp(_ column: String) throws(StoreError) -> Timestamp {
        guard let time = try self.optionalTimestamp(column) else { throw self.corrupt(column, .null) }
        return time
    }

    func optionalEnum<Value: RawRepresentable<String>>(_: Value.Type, _ column: String) throws(StoreError) -> Value? {
        guard let text = try self.optionalText(column) else { return nil }
        guard let value = Value(rawValue: text) else { throw self.corrupt(column, text.databaseValue) }
        return value
    }

    func enumeration<Value: RawRepresentable<String>>(_ type: Value.Type, _ column: String) throws(StoreError) -> Value {
        guard let value = try self.optionalEnum(type, column) else { throw self.corrupt(column, .null) }
        return value
    }

    func optionalAddress(_ column: String) throws(StoreError) -> WalletAddress? {
        guard let text = try self.optionalText(column) else { return nil }
        do { return try WalletAddress(text) } catch { throw self.corrupt(column, text.databaseValue) }
    }

    func address(_ column: String) throws(StoreError) -> WalletAddress {
        guard let address = try self.optionalAddress(column) else { throw self.corrupt(column, .null) }
        return address
    }

    func tokenID(_ column: String) throws(StoreError) -> TokenID {
        let text = try self.text(column)
        do { return try TokenID(text) } catch { throw self.corrupt(column, text.databaseValue) }
    }

    /// A TEXT column holding a canonical decimal (`'0.53'`).
    func decimal<Quantity: SixDecimalQuantity>(_: Quantity.Type, _ column: String) throws(StoreError) -> Quantity {
        let text = try self.text(column)
        do { return try Quantity(decimal: text) } catch { throw self.corrupt(column, text.databaseValue) }
    }
}

// Bind values: Kernel types become the stored form the migrations describe.
extension Timestamp {
    var sql: String { self.description }
}

extension Optional where Wrapped == Timestamp {
    var sql: String? { self?.description }
}

extension SealedSecret {
    var sqlBytes: Data { Data(self.ciphertext) }
}

extension Duration {
    var sqlMilliseconds: Int64 { self.wholeMilliseconds }
}
