import NIOCore
import PostgresNIO

/// One column of a batch as a PostgreSQL array in binary form, `NULL` elements allowed (which
/// PostgresNIO's own array encoding has no way to say): a batch statement binds one array per
/// column and reads the rows back with `UNNEST`, so a thousand rows are a dozen binds, not twenty
/// thousand, and the server plans one small statement.
struct NullableArray<Element: PostgresArrayEncodable>: PostgresEncodable {
    let elements: [Element?]

    init(_ elements: [Element?]) { self.elements = elements }

    static var psqlType: PostgresDataType { Element.psqlArrayType }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer,
                                                  context: PostgresEncodingContext<JSONEncoder>) throws {
        // Dimensions, whether any element is NULL, the element type.
        buffer.writeInteger(self.elements.isEmpty ? 0 : 1, as: Int32.self)
        buffer.writeInteger(self.elements.contains { $0 == nil } ? 1 : 0, as: Int32.self)
        buffer.writeInteger(Element.psqlType.rawValue)
        guard !self.elements.isEmpty else { return }
        // The one dimension's length and lower bound.
        buffer.writeInteger(Int32(self.elements.count))
        buffer.writeInteger(1, as: Int32.self)
        for element in self.elements {
            guard let element else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(0, as: Int32.self)
            let start = buffer.writerIndex
            try element.encode(into: &buffer, context: context)
            buffer.setInteger(Int32(buffer.writerIndex - start), at: lengthIndex)
        }
    }
}

extension PostgresTimestamp: PostgresArrayEncodable {
    static var psqlArrayType: PostgresDataType { .timestamptzArray }
}
