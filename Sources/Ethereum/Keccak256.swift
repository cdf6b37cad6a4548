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
                Self.absorb(UnsafeRawBufferPointer(rebasing: input[offset..<(offset + Self.rateInBytes)]), into: state)
                KeccakF1600.permute(state)
                offset += Self.rateInBytes
            }
            // Final block: the tail, then the Keccak padding 0x01 … 0x80.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.rateInBytes) { block in
                block.initialize(repeating: 0)
                let tail = input.count - offset
                for index in 0..<tail { block[index] = input[offset + index] }
                block[tail] ^= 0x01
                block[Self.rateInBytes - 1] ^= 0x80
                Self.absorb(UnsafeRawBufferPointer(block), into: state)
            }
            KeccakF1600.permute(state)

            return [UInt8](unsafeUninitializedCapacity: 32) { digest, count in
                for lane in 0..<4 {
                    let word = state[lane]
                    for byte in 0..<8 { digest[lane * 8 + byte] = UInt8(truncatingIfNeeded: word &>> UInt64(8 * byte)) }
                }
                count = 32
            }
        }
    }

    /// XORs one block (a multiple of 8 bytes) into the state as little-endian lanes.
    private static func absorb(_ block: UnsafeRawBufferPointer, into state: UnsafeMutableBufferPointer<UInt64>) {
        for lane in 0..<(block.count / 8) {
            state[lane] ^= UInt64(littleEndian: block.loadUnaligned(fromByteOffset: lane * 8, as: UInt64.self))
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

    @inline(__always)
    static func roundConstant(_ round: Int) -> UInt64 {
        Self.roundConstants.withUnsafeBufferPointer { $0[round] }
    }

    /// The 24 rounds over the lanes held in locals (θ, ρ, π, χ, ι written out lane by lane,
    /// with ρ's offsets of FIPS 202 §3.2.2), so no lane goes through memory between steps.
    static func permute(_ state: UnsafeMutableBufferPointer<UInt64>) {
        var a0 = state[0]
        var a1 = state[1]
        var a2 = state[2]
        var a3 = state[3]
        var a4 = state[4]
        var a5 = state[5]
        var a6 = state[6]
        var a7 = state[7]
        var a8 = state[8]
        var a9 = state[9]
        var a10 = state[10]
        var a11 = state[11]
        var a12 = state[12]
        var a13 = state[13]
        var a14 = state[14]
        var a15 = state[15]
        var a16 = state[16]
        var a17 = state[17]
        var a18 = state[18]
        var a19 = state[19]
        var a20 = state[20]
        var a21 = state[21]
        var a22 = state[22]
        var a23 = state[23]
        var a24 = state[24]
        for round in 0..<24 {
            // θ
            let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
            let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
            let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
            let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
            let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
            let d0 = c4 ^ Self.rotate(c1, 1)
            let d1 = c0 ^ Self.rotate(c2, 1)
            let d2 = c1 ^ Self.rotate(c3, 1)
            let d3 = c2 ^ Self.rotate(c4, 1)
            let d4 = c3 ^ Self.rotate(c0, 1)
            a0 ^= d0
            a1 ^= d1
            a2 ^= d2
            a3 ^= d3
            a4 ^= d4
            a5 ^= d0
            a6 ^= d1
            a7 ^= d2
            a8 ^= d3
            a9 ^= d4
            a10 ^= d0
            a11 ^= d1
            a12 ^= d2
            a13 ^= d3
            a14 ^= d4
            a15 ^= d0
            a16 ^= d1
            a17 ^= d2
            a18 ^= d3
            a19 ^= d4
            a20 ^= d0
            a21 ^= d1
            a22 ^= d2
            a23 ^= d3
            a24 ^= d4
            // ρ and π: lane (x, y) moves to (y, 2x + 3y).
            let b0 = a0
            let b1 = Self.rotate(a6, 44)
            let b2 = Self.rotate(a12, 43)
            let b3 = Self.rotate(a18, 21)
            let b4 = Self.rotate(a24, 14)
            let b5 = Self.rotate(a3, 28)
            let b6 = Self.rotate(a9, 20)
            let b7 = Self.rotate(a10, 3)
            let b8 = Self.rotate(a16, 45)
            let b9 = Self.rotate(a22, 61)
            let b10 = Self.rotate(a1, 1)
            let b11 = Self.rotate(a7, 6)
            let b12 = Self.rotate(a13, 25)
            let b13 = Self.rotate(a19, 8)
            let b14 = Self.rotate(a20, 18)
            let b15 = Self.rotate(a4, 27)
            let b16 = Self.rotate(a5, 36)
            let b17 = Self.rotate(a11, 10)
            let b18 = Self.rotate(a17, 15)
            let b19 = Self.rotate(a23, 56)
            let b20 = Self.rotate(a2, 62)
            let b21 = Self.rotate(a8, 55)
            let b22 = Self.rotate(a14, 39)
            let b23 = Self.rotate(a15, 41)
            let b24 = Self.rotate(a21, 2)
            // χ
            a0 = b0 ^ (~b1 & b2)
            a1 = b1 ^ (~b2 & b3)
            a2 = b2 ^ (~b3 & b4)
            a3 = b3 ^ (~b4 & b0)
            a4 = b4 ^ (~b0 & b1)
            a5 = b5 ^ (~b6 & b7)
            a6 = b6 ^ (~b7 & b8)
            a7 = b7 ^ (~b8 & b9)
            a8 = b8 ^ (~b9 & b5)
            a9 = b9 ^ (~b5 & b6)
            a10 = b10 ^ (~b11 & b12)
            a11 = b11 ^ (~b12 & b13)
            a12 = b12 ^ (~b13 & b14)
            a13 = b13 ^ (~b14 & b10)
            a14 = b14 ^ (~b10 & b11)
            a15 = b15 ^ (~b16 & b17)
            a16 = b16 ^ (~b17 & b18)
            a17 = b17 ^ (~b18 & b19)
            a18 = b18 ^ (~b19 & b15)
            a19 = b19 ^ (~b15 & b16)
            a20 = b20 ^ (~b21 & b22)
            a21 = b21 ^ (~b22 & b23)
            a22 = b22 ^ (~b23 & b24)
            a23 = b23 ^ (~b24 & b20)
            a24 = b24 ^ (~b20 & b21)
            // ι
            a0 ^= Self.roundConstant(round)
        }
        state[0] = a0
        state[1] = a1
        state[2] = a2
        state[3] = a3
        state[4] = a4
        state[5] = a5
        state[6] = a6
        state[7] = a7
        state[8] = a8
        state[9] = a9
        state[10] = a10
        state[11] = a11
        state[12] = a12
        state[13] = a13
        state[14] = a14
        state[15] = a15
        state[16] = a16
        state[17] = a17
        state[18] = a18
        state[19] = a19
        state[20] = a20
        state[21] = a21
        state[22] = a22
        state[23] = a23
        state[24] = a24
    }

    @inline(__always)
    static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value &<< count) | (value &>> (64 &- count))
    }
}
