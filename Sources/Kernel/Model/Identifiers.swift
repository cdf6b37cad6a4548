/// A typed identifier stored as TEXT in one canonical form: lowercase, trimmed. An id pasted from
/// a log or an API response therefore matches in SQL on every database.
public struct Identifier<Entity>: Hashable, Comparable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(_ rawValue: some StringProtocol) {
        self.rawValue = String(rawValue).trimmingWhitespace().lowercased()
    }

    public init(stringLiteral value: String) { self.init(value) }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { self.rawValue }
}

public typealias UserID = Identifier<User>
public typealias WalletID = Identifier<TradingWallet>
public typealias LeaderID = Identifier<Leader>
public typealias ProfileID = Identifier<CopyProfile>
public typealias LeaderEventID = Identifier<LeaderEvent>
public typealias AttemptID = Identifier<CopyAttempt>
/// An order's id is its EIP-712 hash (`0x` + 64 lowercase hex digits).
public typealias OrderID = Identifier<Order>
public typealias RelayerTxID = Identifier<RelayerTx>
public typealias AuditID = Identifier<AuditEntry>

/// An EVM address kept as `0x` + 40 lowercase hex digits (shown EIP-55 by adapters that can
/// checksum). The Kernel validates shape only; checksums belong to the Ethereum library.
public struct WalletAddress: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let lowercased: String

    public init(_ text: some StringProtocol) throws(AddressParseError) {
        let lower = String(text).trimmingWhitespace().lowercased()
        let utf8 = Array(lower.utf8)
        guard utf8.count == 42, lower.hasPrefix("0x"),
              utf8.dropFirst(2).allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { throw AddressParseError(text: String(text)) }
        self.lowercased = lower
    }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.lowercased)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.lowercased < rhs.lowercased }
    public var description: String { self.lowercased }
}

public struct AddressParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public let text: String
    public var description: String { "not a 0x-prefixed 20-byte hex address: \(self.text)" }
}

/// An outcome token (ERC-1155 position id) as its canonical decimal string.
public struct TokenID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let decimal: String

    /// Accepts decimal digits only; leading zeros are dropped so one token has one spelling.
    public init(_ text: some StringProtocol) throws(TokenIDParseError) {
        let trimmed = String(text).trimmingWhitespace()
        guard !trimmed.isEmpty, trimmed.utf8.count <= 78, trimmed.utf8.allSatisfy({ (0x30...0x39).contains($0) })
        else { throw TokenIDParseError(text: String(text)) }
        let stripped = trimmed.drop(while: { $0 == "0" })
        self.decimal = stripped.isEmpty ? "0" : String(stripped)
    }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.decimal)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.decimal.count, lhs.decimal) < (rhs.decimal.count, rhs.decimal)
    }
    public var description: String { self.decimal }
}

public struct TokenIDParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public let text: String
    public var description: String { "not a decimal token id: \(self.text)" }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks. Works on the UTF-8 bytes and
    /// returns the string itself when there is nothing to trim (every id and address the
    /// pipeline makes), since ids are built for every order.
    func trimmingWhitespace() -> String {
        let utf8 = self.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) })
        else { return "" }
        if first == utf8.startIndex, utf8.index(after: last) == utf8.endIndex { return self }
        return String(decoding: utf8[first...last], as: UTF8.self)
    }
}

/// Makes new identifiers. Injected, so the domain never calls `UUID()` and tests get predictable ids.
public struct IDGenerator: Sendable {
    private let make: @Sendable () -> String
    public init(_ make: @escaping @Sendable () -> String) { self.make = make }
    public func next<Entity>(_: Entity.Type = Entity.self) -> Identifier<Entity> { Identifier(self.make()) }
}

/// Reads the current time. Injected, so the domain never calls `Date()`.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Timestamp
    public init(_ read: @escaping @Sendable () -> Timestamp) { self.read = read }
    public func now() -> Timestamp { self.read() }
}
