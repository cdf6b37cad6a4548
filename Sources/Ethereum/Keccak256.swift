/// Ethereum's Keccak-256: the original Keccak submission (rate 1088 bits, padding byte `0x01`),
/// not NIST SHA3-256 (padding `0x06`), which gives different hashes (spec §3.1).
public enum Keccak256 {
    static let rateInBytes = 136

    /// The 32-byte Keccak-256 hash of `bytes`.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        if let digest = bytes.withContiguousStorageIfAvailable({ Self.hash(buffer: UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(bytes).withUnsafeBytes { Self.hash(buffer: $0) }
    }

    /// The hash of the UTF-8 bytes of `text` (type strings, function signatures).
    public static func hash(utf8 text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { Self.hash(buffer: UnsafeRawBufferPointer($0)) }
    }

    private static func hash(buffer input: UnsafeRawBufferPointer) -> [UInt8] {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 25) { state in
            state.initialize(repeating: 0)
            var offset = 0
            while input.count - offset >= Self.rateInBytes {
                Self.absorb(input, from: offset, count: Self.rateInBytes, into: state)
                KeccakF1600.permute(state)
                offset += Self.rateInBytes
            }
            // Final block: the tail, then the Keccak padding 0x01 … 0x80.
            var block = [UInt8](repeating: 0, count: Self.rateInBytes)
            let tail = input.count - offset
            for index in 0..<tail { block[index] = input[offset + index] }
            block[tail] ^= 0x01
            block[Self.rateInBytes - 1] ^= 0x80
            block.withUnsafeBytes { Self.absorb($0, from: 0, count: Self.rateInBytes, into: state) }
            KeccakF1600.permute(state)

            var digest = [UInt8](repeating: 0, count: 32)
            for index in 0..<32 {
                digest[index] = UInt8(truncatingIfNeeded: state[index / 8] >> UInt64(8 * (index % 8)))
            }
            return digest
        }
    }

    /// XORs `count` bytes (a multiple of 8) into the state as little-endian lanes.
    private static func absorb(_ input: UnsafeRawBufferPointer, from offset: Int, count: Int,
                               into state: UnsafeMutableBufferPointer<UInt64>) {
        for lane in 0..<(count / 8) {
            let start = offset + lane * 8
            var word: UInt64 = 0
            for byte in 0..<8 { word |= UInt64(input[start + byte]) << UInt64(8 * byte) }
            state[lane] ^= word
        }
    }
}

/// The Keccak-f[1600] permutation over 25 lanes indexed `x + 5y`.
enum KeccakF1600 {
    static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]
    /// Rotation offsets of ρ, indexed like the lanes.
    static let rotations: [UInt64] = [
        0, 1, 62, 28, 27,
        36, 44, 6, 55, 20,
        3, 10, 43, 25, 39,
        41, 45, 15, 21, 8,
        18, 2, 61, 56, 14,
    ]

    static func permute(_ a: UnsafeMutableBufferPointer<UInt64>) {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 25) { b in
            var c = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
            for round in 0..<24 {
                // θ
                c.0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20]
                c.1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21]
                c.2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22]
                c.3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23]
                c.4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24]
                let d0 = c.4 ^ Self.rotate(c.1, 1)
                let d1 = c.0 ^ Self.rotate(c.2, 1)
                let d2 = c.1 ^ Self.rotate(c.3, 1)
                let d3 = c.2 ^ Self.rotate(c.4, 1)
                let d4 = c.3 ^ Self.rotate(c.0, 1)
                for y in stride(from: 0, to: 25, by: 5) {
                    a[y] ^= d0
                    a[y + 1] ^= d1
                    a[y + 2] ^= d2
                    a[y + 3] ^= d3
                    a[y + 4] ^= d4
                }
                // ρ and π: lane (x, y) moves to (y, 2x + 3y).
                for x in 0..<5 {
                    for y in 0..<5 {
                        let from = x + 5 * y
                        b[y + 5 * ((2 * x + 3 * y) % 5)] = Self.rotate(a[from], Self.rotations[from])
                    }
                }
                // χ
                for y in stride(from: 0, to: 25, by: 5) {
                    for x in 0..<5 {
                        a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5])
                    }
                }
                // ι
                a[0] ^= Self.roundConstants[round]
            }
        }
    }

    @inline(__always)
    static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        count == 0 ? value : (value << count) | (value >> (64 - count))
    }
}
