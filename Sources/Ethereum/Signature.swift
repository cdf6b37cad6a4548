import CSecp256k1

/// A recoverable secp256k1 signature in Ethereum's 65-byte `r‖s‖v` form, `v` ∈ {27, 28}.
public struct Signature: Sendable, Hashable, CustomStringConvertible {
    /// 32 bytes.
    public let r: [UInt8]
    /// 32 bytes, in the lower half of the curve order for signatures made here.
    public let s: [UInt8]
    /// 27 or 28.
    public let v: UInt8

    init(uncheckedR r: [UInt8], s: [UInt8], v: UInt8) {
        self.r = r
        self.s = s
        self.v = v
    }

    /// Builds from parts; `v` may be 0/1 (recovery id) or 27/28.
    public init(r: some Collection<UInt8>, s: some Collection<UInt8>, v: UInt8) throws {
        guard r.count == 32 else { throw EthereumError.invalidLength(expected: 32, actual: r.count) }
        guard s.count == 32 else { throw EthereumError.invalidLength(expected: 32, actual: s.count) }
        switch v {
        case 0, 1: self.v = v + 27
        case 27, 28: self.v = v
        default: throw EthereumError.invalidSignature
        }
        self.r = Array(r)
        self.s = Array(s)
    }

    /// Parses 65 bytes `r‖s‖v` with `v` ∈ {0, 1, 27, 28}.
    public init(bytes: some Collection<UInt8>) throws {
        // One copy of contiguous bytes instead of a generic element-by-element one.
        let bytes = bytes.withContiguousStorageIfAvailable { Array($0) } ?? Array(bytes)
        guard bytes.count == 65 else { throw EthereumError.invalidLength(expected: 65, actual: bytes.count) }
        try self.init(r: bytes[0..<32], s: bytes[32..<64], v: bytes[64])
    }

    /// Parses `0x` + 130 hex digits (see ``init(bytes:)``).
    public init(hex text: some StringProtocol) throws {
        try self.init(bytes: Hex.decode(text))
    }

    /// Half the secp256k1 group order n, big-endian.
    private static let halfOrder: [UInt8] = [
        0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
    ]

    /// Whether `s` ≤ n/2. Signatures made here always are; a verifier that wants to refuse
    /// malleated signatures (as OpenZeppelin's ECDSA does) checks this before recovering.
    public var hasLowS: Bool {
        // Equal-length big-endian byte strings order like the numbers they encode.
        !Self.halfOrder.lexicographicallyPrecedes(self.s)
    }

    /// 0 or 1.
    public var recoveryID: UInt8 { self.v - 27 }

    /// The 65 bytes `r‖s‖v`.
    public var bytes: [UInt8] { self.r + self.s + [self.v] }

    /// `0x` + 130 lowercase hex digits.
    public var hex: String { Hex.encode(self.bytes) }

    public var description: String { self.hex }

    /// The 64-byte public key X‖Y that made this signature over `digest`.
    public func recoverPublicKey(digest: some Collection<UInt8>) throws -> [UInt8] {
        var publicKey = try self.recoveredKey(digest: digest)
        return Secp256k1.serializeUncompressed(&publicKey)
    }

    /// The address whose key made this signature over `digest`: ecrecover over `r`, `s` and
    /// `v`, as the exchange contract does it.
    public func recoverAddress(digest: some Collection<UInt8>) throws -> Address {
        var publicKey = try self.recoveredKey(digest: digest)
        return Secp256k1.address(of: &publicKey)
    }

    /// libsecp256k1's recovery with this signature's recovery id, the compact `r‖s` assembled
    /// on the stack (every order's signature is checked this way).
    private func recoveredKey(digest: some Collection<UInt8>) throws -> secp256k1_pubkey {
        var recoverable = secp256k1_ecdsa_recoverable_signature()
        let parsed = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { compact in
            for index in 0..<32 {
                compact[index] = self.r[index]
                compact[32 + index] = self.s[index]
            }
            return secp256k1_ecdsa_recoverable_signature_parse_compact(
                Secp256k1.context, &recoverable, compact.baseAddress!, Int32(self.recoveryID))
        }
        guard parsed == 1 else { throw EthereumError.invalidSignature }
        var publicKey = secp256k1_pubkey()
        let recovered = try Secp256k1.withDigest(digest) { message in
            secp256k1_ecdsa_recover(Secp256k1.context, &publicKey, &recoverable, message)
        }
        guard recovered == 1 else { throw EthereumError.recoveryFailed }
        return publicKey
    }
}
