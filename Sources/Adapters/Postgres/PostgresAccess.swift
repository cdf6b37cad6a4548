import Foundation
import Kernel
import Logging
import PostgresNIO
import StoreSupport

/// Something that runs one query: the pool (each query on any free connection) or one leased
/// connection inside a transaction. The port implementations are written once against it.
protocol QueryRunner: Sendable {
    func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence
}

extension PostgresClient: QueryRunner {
    func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}

extension PostgresConnection: QueryRunner {
    func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}

extension QueryRunner {
    /// Every row of `query`, decoded by `decode` (a value that does not decode is a
    /// ``StoreError/corruptRow(table:column:value:)``).
    func fetch<T>(_ query: PostgresQuery, table: String, logger: Logger,
                  _ decode: (RowReader) throws -> T) async throws -> [T] {
        var values: [T] = []
        for try await row in try await self.run(query, logger: logger) {
            values.append(try decode(RowReader(row: row.makeRandomAccess(), table: table)))
        }
        return values
    }

    /// The first row of `query`, decoded, or `nil`.
    func fetchOne<T>(_ query: PostgresQuery, table: String, logger: Logger,
                     _ decode: (RowReader) throws -> T) async throws -> T? {
        try await self.fetch(query, table: table, logger: logger, decode).first
    }

    /// Runs a statement and returns how many rows it returned: a compare-and-set UPDATE written
    /// with `RETURNING 1` changed a row exactly when this is positive.
    @discardableResult
    func execute(_ query: PostgresQuery, logger: Logger) async throws -> Int {
        var count = 0
        for try await _ in try await self.run(query, logger: logger) { count += 1 }
        return count
    }
}

extension PostgresStore {
    /// Runs one port operation on the pool, translating driver errors into port errors.
    @discardableResult
    func read<T: Sendable>(_ body: (any QueryRunner) async throws -> T) async throws -> T {
        try await Self.translatingErrors { try await body(self.client) }
    }

    /// Runs one port operation in one transaction on one connection: all of it commits, or none
    /// of it. A unique violation anywhere rolls everything back and surfaces as
    /// ``StoreError/duplicate(entity:key:)``.
    @discardableResult
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await Self.translatingErrors {
            try await self.client.withConnection { connection in
                try await connection.query("BEGIN", logger: self.logger)
                do {
                    let result = try await body(connection)
                    try await connection.query("COMMIT", logger: self.logger)
                    return result
                } catch {
                    // The error that matters is the one that aborted the transaction; a failed
                    // ROLLBACK (connection gone) changes nothing the server had not discarded.
                    _ = try? await connection.query("ROLLBACK", logger: self.logger)
                    throw error
                }
            }
        }
    }

    /// The adapter boundary: unique violations (SQLSTATE 23505) become ``StoreError/duplicate(entity:key:)``
    /// naming the table and the value that clashed, as the server reports it.
    static func translatingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            let table = error.serverInfo?[.tableName] ?? "?"
            throw StoreError.duplicate(entity: table, key: Self.clashingKey(error))
        }
    }

    /// The server's detail reads `Key (external_id)=(dynamic|alice) already exists.`: the value
    /// between `)=(` and the closing `) already exists`. Falls back to the constraint name.
    private static func clashingKey(_ error: PSQLError) -> String {
        if let detail = error.serverInfo?[.detail],
           let start = detail.range(of: ")=("),
           let end = detail.range(of: ") already exists", options: .backwards),
           start.upperBound <= end.lowerBound {
            return String(detail[start.upperBound..<end.lowerBound])
        }
        return error.serverInfo?[.constraintName] ?? "?"
    }
}

/// A Kernel ``Timestamp`` as `timestamptz`: whole milliseconds written as the server's
/// microseconds since 2000-01-01, so a value round-trips exactly (a `Date` goes through a `Double`
/// and may not). A stored value with sub-millisecond digits (an operator's `now()`) reads as the
/// nearest millisecond.
struct PostgresTimestamp: PostgresEncodable, PostgresDecodable, Sendable {
    let timestamp: Timestamp

    init(_ timestamp: Timestamp) { self.timestamp = timestamp }

    /// Unix epoch milliseconds of 2000-01-01T00:00:00Z, the server's epoch.
    static let serverEpochMilliseconds: Int64 = 946_684_800_000

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer,
                                                  context: PostgresEncodingContext<JSONEncoder>) throws {
        let (shifted, overflowA) = self.timestamp.epochMilliseconds
            .subtractingReportingOverflow(Self.serverEpochMilliseconds)
        let (microseconds, overflowB) = shifted.multipliedReportingOverflow(by: 1000)
        guard !overflowA, !overflowB else { throw TimestampOutOfRange(timestamp: self.timestamp) }
        byteBuffer.writeInteger(microseconds)
    }

    init<JSONDecoder: PostgresJSONDecoder>(from buffer: inout ByteBuffer, type: PostgresDataType,
                                           format: PostgresFormat,
                                           context: PostgresDecodingContext<JSONDecoder>) throws {
        guard type == .timestamptz || type == .timestamp, format == .binary,
              buffer.readableBytes == 8, let microseconds = buffer.readInteger(as: Int64.self)
        else { throw PostgresDecodingError.Code.typeMismatch }
        // Round to the nearest millisecond, halves away from zero.
        let milliseconds = microseconds >= 0 ? (microseconds + 500) / 1000 : (microseconds - 500) / 1000
        self.timestamp = Timestamp(epochMilliseconds: milliseconds + Self.serverEpochMilliseconds)
    }
}

/// A time too far from the present for the server's `timestamptz`.
struct TimestampOutOfRange: Error, CustomStringConvertible {
    let timestamp: Timestamp
    var description: String { "\(self.timestamp.epochMilliseconds) ms is outside timestamptz's range" }
}

extension Timestamp {
    /// The bind value for a `timestamptz` column.
    var pg: PostgresTimestamp { PostgresTimestamp(self) }
}

extension Optional where Wrapped == Timestamp {
    var pg: PostgresTimestamp? { self.map(PostgresTimestamp.init) }
}

extension SealedSecret {
    /// The ciphertext for a `bytea` column.
    var pgBytes: ByteBuffer { ByteBuffer(bytes: self.ciphertext) }
}

/// Reads one PostgreSQL row's columns into Kernel values: the PostgreSQL primitives of ``StoredRow``.
/// A value that does not decode — wrong type, an enum raw value this build does not know, a malformed
/// decimal — throws ``StoreError/corruptRow(table:column:value:)``; it never traps.
struct RowReader: StoredRow {
    let row: PostgresRandomAccessRow
    let table: String

    private func corrupt(_ column: String, _ shown: String) -> StoreError {
        StoreError.corruptRow(table: self.table, column: column, value: shown)
    }

    /// `nil` for SQL NULL (or a column the query did not select).
    private func decode<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws(StoreError) -> T? {
        guard self.row.contains(column) else { return nil }
        let cell = self.row[column]
        guard cell.bytes != nil else { return nil }
        do {
            return try cell.decode(T.self)
        } catch {
            // Bytea holds sealed secrets: show the size only; anything else by its type.
            throw self.corrupt(column, "<\(cell.bytes?.readableBytes ?? 0) bytes of \(cell.dataType)>")
        }
    }

    func optionalText(_ column: String) throws(StoreError) -> String? {
        try self.decode(String.self, column)
    }

    func text(_ column: String) throws(StoreError) -> String {
        guard let text = try self.optionalText(column) else { throw self.corrupt(column, "NULL") }
        return text
    }

    func optionalInteger(_ column: String) throws(StoreError) -> Int64? {
        try self.decode(Int64.self, column)
    }

    func integer(_ column: String) throws(StoreError) -> Int64 {
        guard let number = try self.optionalInteger(column) else { throw self.corrupt(column, "NULL") }
        return number
    }

    func bool(_ column: String) throws(StoreError) -> Bool {
        guard let value = try self.decode(Bool.self, column) else { throw self.corrupt(column, "NULL") }
        return value
    }

    func optionalBytes(_ column: String) throws(StoreError) -> [UInt8]? {
        try self.decode(ByteBuffer.self, column).map { Array($0.readableBytesView) }
    }

    func optionalTimestamp(_ column: String) throws(StoreError) -> Timestamp? {
        try self.decode(PostgresTimestamp.self, column)?.timestamp
    }

    func timestamp(_ column: String) throws(StoreError) -> Timestamp {
        guard let time = try self.optionalTimestamp(column) else { throw self.corrupt(column, "NULL") }
        return time
    }

    func optionalEnum<Value: RawRepresentable<String>>(_: Value.Type, _ column: String) throws(StoreError) -> Value? {
        guard let text = try self.optionalText(column) else { return nil }
        guard let value = Value(rawValue: text) else { throw self.corrupt(column, text) }
        return value
    }

    func enumeration<Value: RawRepresentable<String>>(_ type: Value.Type, _ column: String) throws(StoreError) -> Value {
        guard let value = try self.optionalEnum(type, column) else { throw self.corrupt(column, "NULL") }
        return value
    }

    func optionalAddress(_ column: String) throws(StoreError) -> WalletAddress? {
        guard let text = try self.optionalText(column) else { return nil }
        do { return try WalletAddress(text) } catch { throw self.corrupt(column, text) }
    }

    func address(_ column: String) throws(StoreError) -> WalletAddress {
        guard let address = try self.optionalAddress(column) else { throw self.corrupt(column, "NULL") }
        return address
    }

    func tokenID(_ column: String) throws(StoreError) -> TokenID {
        let text = try self.text(column)
        do { return try TokenID(text) } catch { throw self.corrupt(column, text) }
    }

    /// A NUMERIC column selected as text (`size::text AS size`): the canonical decimal.
    func decimal<Quantity: SixDecimalQuantity>(_: Quantity.Type, _ column: String) throws(StoreError) -> Quantity {
        let text = try self.text(column)
        do { return try Quantity(decimal: text) } catch { throw self.corrupt(column, text) }
    }
}
