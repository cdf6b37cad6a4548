/// URL-safe base64 (RFC 4648 §5) as Polymarket's HMAC uses it: alphabet `-` and `_`, output
/// padded with `=`. Decoding also accepts the standard `+` `/` alphabet and missing padding,
/// as Python's `urlsafe_b64decode` after the SDKs pad the secret.
enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(Self.alphabet[Int(group >> 18 & 0x3f)])
            output.append(Self.alphabet[Int(group >> 12 & 0x3f)])
            output.append(second == nil ? UInt8(ascii: "=") : Self.alphabet[Int(group >> 6 & 0x3f)])
            output.append(third == nil ? UInt8(ascii: "=") : Self.alphabet[Int(group & 0x3f)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Nil when the text holds a character outside both alphabets, padding anywhere but the end,
    /// or a length no base64 text can have.
    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        var padding = 0
        for character in text.utf8 {
            if character == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            guard padding == 0, let value = Self.value(of: character) else { return nil }
            values.append(value)
        }
        guard values.count % 4 != 1, padding <= 2 else { return nil }
        if padding > 0 { guard (values.count + padding) % 4 == 0 else { return nil } }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 3 / 4)
        var index = 0
        while index < values.count {
            let chunk = values[index..<min(index + 4, values.count)]
            var group: UInt32 = 0
            for (offset, value) in chunk.enumerated() { group |= UInt32(value) << (18 - 6 * offset) }
            bytes.append(UInt8(group >> 16 & 0xff))
            if chunk.count > 2 { bytes.append(UInt8(group >> 8 & 0xff)) }
            if chunk.count > 3 { bytes.append(UInt8(group & 0xff)) }
            index += 4
        }
        return bytes
    }

    private static func value(of character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"), UInt8(ascii: "+"): 62
        case UInt8(ascii: "_"), UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
