/// A JSON document read without losing anything: numbers keep their literal text, so a 78-digit
/// token id or a float artefact such as `0.30000000000000004` reaches the exact-decimal parsers
/// untouched (spec §13a.4–5). Only for reading venue replies; bodies we send are written by hand.
enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// The number as it was written.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses a complete document; nil when the bytes are not JSON.
    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        var reader = JSONReader(bytes: bytes)
        guard let value = reader.value() else { return nil }
        reader.skipWhitespace()
        return reader.atEnd ? value : nil
    }

    static func parse(_ text: String) -> JSONValue? { Self.parse(Array(text.utf8)) }

    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// A string as is, or a number's literal text; nil for anything else.
    var text: String? {
        switch self {
        case .string(let text), .number(let text): text
        default: nil
        }
    }

    /// A non-empty string or number text (APIs send `""` for "nothing").
    var nonEmptyText: String? {
        guard let text = self.text, !text.isEmpty else { return nil }
        return text
    }

    /// A boolean, also when sent as the string `"true"`/`"false"` (spec §13a.8).
    var bool: Bool? {
        switch self {
        case .bool(let value): value
        case .string(let text) where text.lowercased() == "true": true
        case .string(let text) where text.lowercased() == "false": false
        default: nil
        }
    }

    var array: [JSONValue]? {
        guard case .array(let items) = self else { return nil }
        return items
    }

    /// An array, also when it arrives as a JSON-encoded string (Gamma's `clobTokenIds`,
    /// `outcomes`, `outcomePrices`: spec §13a.2).
    var embeddedArray: [JSONValue]? {
        switch self {
        case .array(let items): items
        case .string(let text): JSONValue.parse(text)?.array
        default: nil
        }
    }

    var isNull: Bool { self == .null }
}

/// A small recursive-descent reader over UTF-8 bytes.
private struct JSONReader {
    let bytes: [UInt8]
    var index = 0
    /// Deeper documents are refused rather than risking the stack on hostile input.
    static let maximumDepth = 64
    var depth = 0

    var atEnd: Bool { self.index == self.bytes.count }

    mutating func skipWhitespace() {
        while self.index < self.bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(self.bytes[self.index]) {
            self.index += 1
        }
    }

    mutating func value() -> JSONValue? {
        self.skipWhitespace()
        guard self.index < self.bytes.count else { return nil }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"): return self.nested { $0.object() }
        case UInt8(ascii: "["): return self.nested { $0.array() }
        case UInt8(ascii: "\""): return self.string().map(JSONValue.string)
        case UInt8(ascii: "t"): return self.literal("true", .bool(true))
        case UInt8(ascii: "f"): return self.literal("false", .bool(false))
        case UInt8(ascii: "n"): return self.literal("null", .null)
        default: return self.number()
        }
    }

    private mutating func nested(_ body: (inout JSONReader) -> JSONValue?) -> JSONValue? {
        guard self.depth < Self.maximumDepth else { return nil }
        self.depth += 1
        defer { self.depth -= 1 }
        return body(&self)
    }

    private mutating func literal(_ word: String, _ value: JSONValue) -> JSONValue? {
        let utf8 = Array(word.utf8)
        guard self.bytes.count - self.index >= utf8.count, Array(self.bytes[self.index..<self.index + utf8.count]) == utf8
        else { return nil }
        self.index += utf8.count
        return value
    }

    private mutating func object() -> JSONValue? {
        self.index += 1
        var members: [String: JSONValue] = [:]
        self.skipWhitespace()
        if self.consume(UInt8(ascii: "}")) { return .object(members) }
        while true {
            self.skipWhitespace()
            guard let key = self.string() else { return nil }
            self.skipWhitespace()
            guard self.consume(UInt8(ascii: ":")), let value = self.value() else { return nil }
            members[key] = value
            self.skipWhitespace()
            if self.consume(UInt8(ascii: ",")) { continue }
            return self.consume(UInt8(ascii: "}")) ? .object(members) : nil
        }
    }

    private mutating func array() -> JSONValue? {
        self.index += 1
        var items: [JSONValue] = []
        self.skipWhitespace()
        if self.consume(UInt8(ascii: "]")) { return .array(items) }
        while true {
            guard let item = self.value() else { return nil }
            items.append(item)
            self.skipWhitespace()
            if self.consume(UInt8(ascii: ",")) { continue }
            return self.consume(UInt8(ascii: "]")) ? .array(items) : nil
        }
    }

    private mutating func number() -> JSONValue? {
        let start = self.index
        let allowed: Set<UInt8> = Set("+-0123456789.eE".utf8)
        while self.index < self.bytes.count, allowed.contains(self.bytes[self.index]) { self.index += 1 }
        guard self.index > start else { return nil }
        return .number(String(decoding: self.bytes[start..<self.index], as: UTF8.self))
    }

    private mutating func string() -> String? {
        guard self.consume(UInt8(ascii: "\"")) else { return nil }
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
            run.removeAll(keepingCapacity: true)
        }
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            self.index += 1
            switch byte {
            case UInt8(ascii: "\""):
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                guard let scalar = self.escape() else { return nil }
                scalars.append(scalar)
            default:
                run.append(byte)
            }
        }
        return nil
    }

    private mutating func escape() -> Unicode.Scalar? {
        guard self.index < self.bytes.count else { return nil }
        let byte = self.bytes[self.index]
        self.index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            guard let high = self.hex4() else { return nil }
            if (0xD800...0xDBFF).contains(high) {
                guard self.consume(UInt8(ascii: "\\")), self.consume(UInt8(ascii: "u")), let low = self.hex4(),
                      (0xDC00...0xDFFF).contains(low)
                else { return nil }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            }
            return Unicode.Scalar(high)
        default: return nil
        }
    }

    private mutating func hex4() -> UInt32? {
        guard self.bytes.count - self.index >= 4 else { return nil }
        let text = String(decoding: self.bytes[self.index..<self.index + 4], as: UTF8.self)
        self.index += 4
        return UInt32(text, radix: 16)
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard self.index < self.bytes.count, self.bytes[self.index] == byte else { return false }
        self.index += 1
        return true
    }
}
