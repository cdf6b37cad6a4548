/// A 20-byte Ethereum account address. Equality ignores letter case by construction (it
/// compares bytes); ``description`` and Codable use the EIP-55 checksummed form (spec §3.2).
public struct Address: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// Exactly 20 bytes.
    public let bytes: [UInt8]

    public static let zero = Address(uncheckedBytes: [UInt8](repeating: 0, count: 20))

    /// Throws ``EthereumError/invalidLength(expected:actual:)`` unless there are 20 bytes.
    public init(bytes: some Collection<UInt8>) throws {
        guard bytes.count == 20 else { throw EthereumError.invalidLength(expected: 20, actual: bytes.count) }
        self.bytes = Array(bytes)
    }

    /// Parses `0x` + 40 hex digits in any letter case (API data mixes both forms). The
    /// checksum is not enforced; use ``init(checksummedHex:)`` for text typed by a person.
    public init(hex text: some StringProtocol) throws {
        try self.init(bytes: Hex.decode(text))
    }

    /// Like ``init(hex:)``, but mixed-case text must carry a correct EIP-55 checksum
    /// (all-lowercase or all-uppercase text has none and is accepted). Throws
    /// ``EthereumError/invalidChecksum`` on a wrong one.
    public init(checksummedHex text: some StringProtocol) throws {
        try self.init(hex: text)
        let digits = text.hasPrefix("0x") || text.hasPrefix("0X") ? String(text.dropFirst(2)) : String(text)
        let isMixedCase = digits != digits.lowercased() && digits != digits.uppercased()
        if isMixedCase, "0x" + digits != self.checksummed { throw EthereumError.invalidChecksum }
    }

    init(uncheckedBytes bytes: [UInt8]) { self.bytes = bytes }

    /// `0x` + 40 lowercase hex digits.
    public var lowercased: String { Hex.encode(self.bytes) }

    /// The EIP-55 mixed-case form: a letter is uppercased where the matching nibble of
    /// keccak256(lowercase hex digits) is 8 or more.
    public var checksummed: String {
        let digits = Array(Hex.encode(self.bytes, prefix: false).utf8)
        let hash = Keccak256.hash(digits)
        var output: [UInt8] = [UInt8(ascii: "0"), UInt8(ascii: "x")]
        output.reserveCapacity(42)
        for (index, character) in digits.enumerated() {
            let nibble = index % 2 == 0 ? hash[index / 2] >> 4 : hash[index / 2] & 0x0f
            let isLetter = character >= UInt8(ascii: "a")
            output.append(isLetter && nibble >= 8 ? character - 32 : character)
        }
        return String(decoding: output, as: UTF8.self)
    }

    public var description: String { self.checksummed }

    /// The address as an ABI word: left-padded to 32 bytes.
    public var word: [UInt8] { [UInt8](repeating: 0, count: 12) + self.bytes }

    public static func < (lhs: Address, rhs: Address) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(hex: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a 20-byte hex address")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.checksummed)
    }
}
