/// Hex text ⇄ bytes, the way Ethereum JSON spells byte strings (`0x` + lowercase hex).
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Decodes hex text with or without a `0x`/`0X` prefix, in any letter case.
    /// Throws ``EthereumError/invalidHex`` on an odd length or a non-hex character.
    public static func decode(_ text: some StringProtocol) throws -> [UInt8] {
        // Contiguous text (any native String) is read as bytes: the generic UTF-8 view costs a
        // witness call per character when the caller is in another module.
        if let bytes = try text.utf8.withContiguousStorageIfAvailable({ try Self.decode(utf8: $0) }) {
            return bytes
        }
        var utf8 = Substring(text).utf8[...]
        if utf8.count >= 2, utf8.first == UInt8(ascii: "0"),
           utf8.dropFirst().first == UInt8(ascii: "x") || utf8.dropFirst().first == UInt8(ascii: "X") {
            utf8 = utf8.dropFirst(2)
        }
        guard utf8.count % 2 == 0 else { throw EthereumError.invalidHex }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var high: UInt8? = nil
        for character in utf8 {
            guard let nibble = Self.nibble(character) else { throw EthereumError.invalidHex }
            if let pending = high {
                bytes.append(pending << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return bytes
    }

    /// Lowercase hex of `bytes`, with a `0x` prefix unless `prefix` is false.
    public static func encode(_ bytes: some Sequence<UInt8>, prefix: Bool = true) -> String {
        // Arrays are read as one buffer: per-element generic iteration is slow across modules.
        if let text = bytes.withContiguousStorageIfAvailable({ Self.encode(buffer: $0, prefix: prefix) }) {
            return text
        }
        var utf8: [UInt8] = prefix ? [UInt8(ascii: "0"), UInt8(ascii: "x")] : []
        utf8.reserveCapacity(utf8.count + bytes.underestimatedCount * 2)
        for byte in bytes {
            utf8.append(Self.digits[Int(byte >> 4)])
            utf8.append(Self.digits[Int(byte & 0x0f)])
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    private static func encode(buffer bytes: UnsafeBufferPointer<UInt8>, prefix: Bool) -> String {
        let count = (prefix ? 2 : 0) + 2 * bytes.count
        return String(unsafeUninitializedCapacity: count) { utf8 in
            var index = 0
            if prefix {
                utf8[0] = UInt8(ascii: "0")
                utf8[1] = UInt8(ascii: "x")
                index = 2
            }
            Self.digits.withUnsafeBufferPointer { digits in
                for byte in bytes {
                    utf8[index] = digits[Int(byte >> 4)]
                    utf8[index + 1] = digits[Int(byte & 0x0f)]
                    index += 2
                }
            }
            return count
        }
    }

    private static func decode(utf8 text: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
        var start = 0
        if text.count >= 2, text[0] == UInt8(ascii: "0"), text[1] == UInt8(ascii: "x") || text[1] == UInt8(ascii: "X") {
            start = 2
        }
        guard (text.count - start) % 2 == 0 else { throw EthereumError.invalidHex }
        let count = (text.count - start) / 2
        return try [UInt8](unsafeUninitializedCapacity: count) { bytes, initialized in
            for index in 0..<count {
                guard let high = Self.nibble(text[start + 2 * index]), let low = Self.nibble(text[start + 2 * index + 1])
                else { throw EthereumError.invalidHex }
                bytes[index] = high << 4 | low
                initialized = index + 1
            }
        }
    }

    /// Appends `0x` + lowercase hex of `bytes` to `output` (bodies written in one buffer).
    public static func append(_ bytes: [UInt8], to output: inout [UInt8]) {
        output.append(UInt8(ascii: "0"))
        output.append(UInt8(ascii: "x"))
        Self.digits.withUnsafeBufferPointer { digits in
            for byte in bytes {
                output.append(digits[Int(byte >> 4)])
                output.append(digits[Int(byte & 0x0f)])
            }
        }
    }

    static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
