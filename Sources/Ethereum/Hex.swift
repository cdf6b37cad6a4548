/// Hex text ⇄ bytes, the way Ethereum JSON spells byte strings (`0x` + lowercase hex).
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Decodes hex text with or without a `0x`/`0X` prefix, in any letter case.
    /// Throws ``EthereumError/invalidHex`` on an odd length or a non-hex character.
    public static func decode(_ text: some StringProtocol) throws -> [UInt8] {
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
        var utf8: [UInt8] = prefix ? [UInt8(ascii: "0"), UInt8(ascii: "x")] : []
        utf8.reserveCapacity(utf8.count + bytes.underestimatedCount * 2)
        for byte in bytes {
            utf8.append(Self.digits[Int(byte >> 4)])
            utf8.append(Self.digits[Int(byte & 0x0f)])
        }
        return String(decoding: utf8, as: UTF8.self)
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
