import Ethereum
import Foundation
import Testing

extension VectorChecks {
    static func eoaAddress(_ vector: VectorCase) throws {
        let key = try PrivateKey(hex: try vector.input.string("private_key"))
        #expect(key.address.checksummed == (try vector.expected.string("address")))
        #expect(key.address.lowercased == (try vector.expected.string("address_lower")))
    }

    static func keccak256(_ vector: VectorCase) throws {
        let input: [UInt8] = if let text = try? vector.input.string("utf8") {
            Array(text.utf8)
        } else {
            try Hex.decode(try vector.input.string("hex"))
        }
        let hash = Hex.encode(Keccak256.hash(input))
        #expect(hash == (try vector.expected.string("keccak256")))
        if let nist = try? vector.expected.string("nist_sha3_256_NOT_USED") { #expect(hash != nist) }
    }

    static func eip55(_ vector: VectorCase) throws {
        let address = try Address(hex: try vector.input.string("address_lower"))
        let expected = try vector.expected.string("checksummed")
        #expect(address.checksummed == expected)
        #expect(try Address(checksummedHex: expected) == address)
    }

    /// The argument values come from `args`, whose keys are the parameter names in the order of
    /// the signature; the types come from the signature, so no function is special-cased.
    static func calldata(_ vector: VectorCase) throws {
        let function = try vector.input.string("function")
        #expect(Hex.encode(ABI.selector(function)) == (try vector.input.string("selector")))

        let types = try ABITypeList.parameterTypes(of: function)
        let names = try #require(OrderedJSONKeys.argumentNames(ofCase: vector.id))
        let args = try vector.input.object("args")
        try #require(names.count == types.count, "\(vector.id): \(names.count) args for \(types.count) parameters")
        let values = try zip(types, names).map { type, name in
            try ABITypeList.value(of: type, from: try #require(args[name], "\(vector.id): \(name)"))
        }
        let data = try ABI.encodeCall(signature: function, arguments: values)
        #expect(Hex.encode(data) == (try vector.expected.string("data")))
    }
}

/// Reads JSON argument values as the ABI types a canonical signature names.
enum ABITypeList {
    /// `"f(address,(uint8,bytes)[],uint256)"` → `["address", "(uint8,bytes)[]", "uint256"]`.
    static func parameterTypes(of signature: String) throws -> [String] {
        guard let open = signature.firstIndex(of: "("), signature.last == ")" else {
            throw VectorError.malformed("function \(signature)")
        }
        return Self.splitTopLevel(String(signature[signature.index(after: open)..<signature.index(before: signature.endIndex)]))
    }

    static func splitTopLevel(_ list: String) -> [String] {
        guard !list.isEmpty else { return [] }
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in list {
            switch character {
            case "(": depth += 1
            case ")": depth -= 1
            case "," where depth == 0:
                parts.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        parts.append(current)
        return parts
    }

    static func value(of type: String, from json: JSONValue) throws -> ABIValue {
        if type.hasSuffix("[]") {
            guard case .array(let elements) = json else { throw VectorError.malformed("\(type) value") }
            return .array(try elements.map { try Self.value(of: String(type.dropLast(2)), from: $0) })
        }
        if type.hasPrefix("(") {
            guard case .array(let components) = json else { throw VectorError.malformed("\(type) value") }
            let types = Self.splitTopLevel(String(type.dropFirst().dropLast()))
            guard types.count == components.count else { throw VectorError.malformed("\(type) value") }
            return .tuple(try zip(types, components).map { try Self.value(of: $0, from: $1) })
        }
        switch (type, json) {
        case ("bool", .bool(let flag)):
            return .bool(flag)
        case ("address", .string(let text)):
            return .address(try Address(hex: text))
        case ("string", .string(let text)):
            return .string(text)
        case ("bytes", .string(let text)):
            return .bytes(try Hex.decode(text))
        case (_, .string(let text)) where type.hasPrefix("bytes"):
            return .fixedBytes(try Hex.decode(text))
        case (_, .string(let digits)) where type.hasPrefix("uint"),
             (_, .number(let digits)) where type.hasPrefix("uint"):
            return .uint(try UInt256(decimal: digits), bits: Int(type.dropFirst(4)) ?? 256)
        default:
            throw VectorError.malformed("\(type) value \(json)")
        }
    }
}

/// Key order of each case's `input.args` object. `JSONDecoder` forgets the order of object
/// keys, and the parameter order of a call lives only there, so this scans the raw file.
enum OrderedJSONKeys {
    static let argumentNamesByCase: [String: [String]] = {
        let path = ProcessInfo.processInfo.environment["POLYMARKET_VECTORS"]
            ?? URL(fileURLWithPath: #filePath)
                .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
                .appendingPathComponent("shared/vectors/polymarket-public.json").path
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        var scanner = Scanner(bytes: Array(data))
        guard let root = try? scanner.value(), case .object(let top) = root,
              case .array(let cases)? = top.first(where: { $0.key == "cases" })?.value else { return [:] }
        var names: [String: [String]] = [:]
        for item in cases {
            guard case .object(let fields) = item,
                  case .string(let id)? = fields.first(where: { $0.key == "id" })?.value,
                  case .object(let input)? = fields.first(where: { $0.key == "input" })?.value,
                  case .object(let args)? = input.first(where: { $0.key == "args" })?.value else { continue }
            names[id] = args.map(\.key)
        }
        return names
    }()

    static func argumentNames(ofCase id: String) -> [String]? { Self.argumentNamesByCase[id] }

    /// A JSON value whose objects keep their keys in file order; scalars other than strings are
    /// kept only as "something".
    indirect enum Ordered {
        case object([(key: String, value: Ordered)]), array([Ordered]), string(String), scalar
    }

    struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func value() throws -> Ordered {
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw VectorError.malformed("JSON ends early") }
            switch self.bytes[self.index] {
            case UInt8(ascii: "{"):
                self.index += 1
                var members: [(key: String, value: Ordered)] = []
                while true {
                    self.skipWhitespace()
                    if self.consume(UInt8(ascii: "}")) { return .object(members) }
                    _ = self.consume(UInt8(ascii: ","))
                    self.skipWhitespace()
                    let key = try self.string()
                    self.skipWhitespace()
                    guard self.consume(UInt8(ascii: ":")) else { throw VectorError.malformed("JSON object") }
                    members.append((key, try self.value()))
                }
            case UInt8(ascii: "["):
                self.index += 1
                var elements: [Ordered] = []
                while true {
                    self.skipWhitespace()
                    if self.consume(UInt8(ascii: "]")) { return .array(elements) }
                    _ = self.consume(UInt8(ascii: ","))
                    elements.append(try self.value())
                }
            case UInt8(ascii: "\""):
                return .string(try self.string())
            default:
                while self.index < self.bytes.count, !",]} \n\r\t".utf8.contains(self.bytes[self.index]) {
                    self.index += 1
                }
                return .scalar
            }
        }

        /// A string's raw text between the quotes (escapes are skipped over, not decoded).
        mutating func string() throws -> String {
            guard self.consume(UInt8(ascii: "\"")) else { throw VectorError.malformed("JSON string") }
            let start = self.index
            while self.index < self.bytes.count, self.bytes[self.index] != UInt8(ascii: "\"") {
                self.index += self.bytes[self.index] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard self.index < self.bytes.count else { throw VectorError.malformed("JSON string") }
            defer { self.index += 1 }
            return String(decoding: self.bytes[start..<self.index], as: UTF8.self)
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard self.index < self.bytes.count, self.bytes[self.index] == byte else { return false }
            self.index += 1
            return true
        }

        mutating func skipWhitespace() {
            while self.index < self.bytes.count, " \n\r\t".utf8.contains(self.bytes[self.index]) { self.index += 1 }
        }
    }
}
