/// A value of a Solidity ABI type, for calldata, EIP-712 fields and packed hashes.
public enum ABIValue: Sendable, Hashable {
    /// `uintN`, N a multiple of 8 in 8...256; the value must fit in N bits.
    case uint(UInt256, bits: Int = 256)
    case address(Address)
    case bool(Bool)
    /// `bytesN` with N = the byte count, 1...32 (right-padded in a word).
    case fixedBytes([UInt8])
    /// Dynamic `bytes`.
    case bytes([UInt8])
    /// Dynamic `string`, encoded as its UTF-8 bytes.
    case string(String)
    /// Dynamic array `T[]` of values of one type.
    case array([ABIValue])
    /// A tuple / struct `(T1,…,Tn)`.
    case tuple([ABIValue])

    public static func uint256(_ value: UInt256) -> ABIValue { .uint(value, bits: 256) }
    public static func uint8(_ value: UInt8) -> ABIValue { .uint(UInt256(UInt64(value)), bits: 8) }
    public static func bytes32(_ value: [UInt8]) -> ABIValue { .fixedBytes(value) }

    /// Whether the value goes to the tail of an encoding (behind an offset word).
    var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array: true
        case .tuple(let components): components.contains { $0.isDynamic }
        case .uint, .address, .bool, .fixedBytes: false
        }
    }

    /// Bytes the value takes in the head of an enclosing tuple.
    var headSize: Int {
        if case .tuple(let components) = self, !self.isDynamic {
            return components.reduce(0) { $0 + $1.headSize }
        }
        return 32
    }

    /// The single 32-byte word of a `uintN`/`address`/`bool`/`bytesN` value.
    func staticWord() throws -> [UInt8]? {
        switch self {
        case .uint(let value, let bits):
            guard bits % 8 == 0, (8...256).contains(bits), value.bitWidth <= bits else {
                throw EthereumError.invalidABIValue("uint\(bits) value \(value) out of range")
            }
            return value.bigEndianBytes
        case .address(let address):
            return address.word
        case .bool(let flag):
            return UInt256(flag ? 1 : 0).bigEndianBytes
        case .fixedBytes(let bytes):
            guard (1...32).contains(bytes.count) else {
                throw EthereumError.invalidABIValue("bytes\(bytes.count) is not an ABI type")
            }
            return bytes + [UInt8](repeating: 0, count: 32 - bytes.count)
        case .bytes, .string, .array, .tuple:
            return nil
        }
    }
}

/// Solidity ABI encoding (head/tail), function selectors and `abi.encodePacked`.
public enum ABI {
    /// The first 4 bytes of keccak256 of a canonical signature such as `"transfer(address,uint256)"`.
    public static func selector(_ signature: String) -> [UInt8] {
        Array(Keccak256.hash(utf8: signature).prefix(4))
    }

    /// `abi.encode(values…)`: the values as the components of one tuple.
    public static func encode(_ values: [ABIValue]) throws -> [UInt8] {
        try Self.encodeTuple(values)
    }

    /// Calldata: selector of `signature` followed by the encoded arguments. The signature must
    /// be canonical (no spaces, no names, `uint256` not `uint`); it is not checked against the
    /// argument values.
    public static func encodeCall(signature: String, arguments: [ABIValue]) throws -> [UInt8] {
        try Self.selector(signature) + Self.encode(arguments)
    }

    /// `abi.encodePacked(values…)`: `uintN` in N/8 bytes, addresses in 20, `bool` in 1, `bytesN`
    /// in N, `bytes`/`string` raw; array elements each take a full 32-byte word (as in
    /// Solidity); tuple components are packed one after another.
    public static func encodePacked(_ values: [ABIValue]) throws -> [UInt8] {
        var output: [UInt8] = []
        for value in values { try Self.appendPacked(value, to: &output) }
        return output
    }

    private static func appendPacked(_ value: ABIValue, to output: inout [UInt8]) throws {
        switch value {
        case .uint(let number, let bits):
            _ = try value.staticWord()
            output += number.bigEndianBytes(count: bits / 8)
        case .address(let address):
            output += address.bytes
        case .bool(let flag):
            output.append(flag ? 1 : 0)
        case .fixedBytes(let bytes):
            _ = try value.staticWord()
            output += bytes
        case .bytes(let bytes):
            output += bytes
        case .string(let text):
            output += Array(text.utf8)
        case .array(let elements):
            for element in elements {
                guard let word = try element.staticWord() else {
                    throw EthereumError.invalidABIValue("packed arrays hold only static elements")
                }
                output += word
            }
        case .tuple(let components):
            for component in components { try Self.appendPacked(component, to: &output) }
        }
    }

    private static func encodeTuple(_ components: [ABIValue]) throws -> [UInt8] {
        let headSize = components.reduce(0) { $0 + $1.headSize }
        var head: [UInt8] = []
        head.reserveCapacity(headSize)
        var tail: [UInt8] = []
        for component in components {
            if component.isDynamic {
                head += UInt256(UInt64(headSize + tail.count)).bigEndianBytes
                tail += try Self.encodeSingle(component)
            } else {
                head += try Self.encodeSingle(component)
            }
        }
        return head + tail
    }

    private static func encodeSingle(_ value: ABIValue) throws -> [UInt8] {
        if let word = try value.staticWord() { return word }
        switch value {
        case .bytes(let bytes):
            return Self.lengthPrefixedPadded(bytes)
        case .string(let text):
            return Self.lengthPrefixedPadded(Array(text.utf8))
        case .array(let elements):
            return UInt256(UInt64(elements.count)).bigEndianBytes + (try Self.encodeTuple(elements))
        case .tuple(let components):
            return try Self.encodeTuple(components)
        case .uint, .address, .bool, .fixedBytes:
            preconditionFailure("static values are encoded by staticWord()")
        }
    }

    private static func lengthPrefixedPadded(_ bytes: [UInt8]) -> [UInt8] {
        let padding = (32 - bytes.count % 32) % 32
        return UInt256(UInt64(bytes.count)).bigEndianBytes + bytes + [UInt8](repeating: 0, count: padding)
    }
}
