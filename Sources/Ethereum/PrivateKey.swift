import CSecp256k1

/// A secp256k1 secret key. The 32 bytes live in one heap buffer that is zeroed when the key
/// is released; they never appear in a description, a log line or an error.
public final class PrivateKey: @unchecked Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    // @unchecked: the buffer is written once in `init`, only read afterwards, and wiped in
    // `deinit` when no other reference exists.
    private let secret: UnsafeMutableRawBufferPointer

    /// The 64-byte uncompressed public key X‖Y (without the 0x04 prefix).
    public let publicKey: [UInt8]
    /// The account address derived from ``publicKey``.
    public let address: Address

    /// Copies a 32-byte secret. Throws ``EthereumError/invalidPrivateKey`` when it is zero or
    /// not below the curve order; the error never carries the bytes.
    public init(bytes: some Collection<UInt8>) throws {
        guard bytes.count == 32 else { throw EthereumError.invalidPrivateKey }
        let secret = UnsafeMutableRawBufferPointer.allocate(byteCount: 32, alignment: 8)
        secret.copyBytes(from: bytes)
        let typed = secret.bindMemory(to: UInt8.self)
        var publicKey = secp256k1_pubkey()
        guard secp256k1_ec_seckey_verify(Secp256k1.context, typed.baseAddress!) == 1,
              secp256k1_ec_pubkey_create(Secp256k1.context, &publicKey, typed.baseAddress!) == 1 else {
            Memory.wipe(secret)
            secret.deallocate()
            throw EthereumError.invalidPrivateKey
        }
        self.secret = secret
        self.publicKey = Secp256k1.serializeUncompressed(&publicKey)
        self.address = Secp256k1.address(ofPublicKey: self.publicKey)
    }

    /// Takes the secret out of `bytes` and zeroes that array, valid key or not — for a vault
    /// that has just decrypted the key and should keep no other copy.
    public convenience init(wiping bytes: inout [UInt8]) throws {
        defer { Memory.wipe(&bytes) }
        try self.init(bytes: bytes)
    }

    /// Parses `0x` + 64 hex digits. Prefer ``init(wiping:)`` where the text can be avoided:
    /// Swift strings cannot be wiped.
    public convenience init(hex text: some StringProtocol) throws {
        var bytes: [UInt8]
        do { bytes = try Hex.decode(text) } catch { throw EthereumError.invalidPrivateKey }
        try self.init(wiping: &bytes)
    }

    /// A fresh key from `generator` (use a cryptographically secure one, such as
    /// `SystemRandomNumberGenerator`). Retries in the negligible case of an out-of-range draw.
    public static func generate(using generator: inout some RandomNumberGenerator) -> PrivateKey {
        while true {
            var bytes = [UInt8](repeating: 0, count: 32)
            for index in stride(from: 0, to: 32, by: 8) {
                var word = generator.next()
                for offset in 0..<8 {
                    bytes[index + offset] = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                }
            }
            if let key = try? PrivateKey(wiping: &bytes) { return key }
        }
    }

    /// A fresh key from the operating system's secure generator.
    public static func generate() -> PrivateKey {
        var generator = SystemRandomNumberGenerator()
        return Self.generate(using: &generator)
    }

    deinit {
        Memory.wipe(self.secret)
        self.secret.deallocate()
    }

    /// Signs a 32-byte digest: ECDSA with the RFC 6979 deterministic nonce and low `s`
    /// (libsecp256k1 always normalises), `v` = 27 + recovery id (spec §3.3).
    public func sign(digest: some Collection<UInt8>) throws -> Signature {
        var recoverable = secp256k1_ecdsa_recoverable_signature()
        let signed = try Secp256k1.withDigest(digest) { message in
            self.secret.withMemoryRebound(to: UInt8.self) { secret in
                secp256k1_ecdsa_sign_recoverable(Secp256k1.context, &recoverable, message, secret.baseAddress!, nil, nil)
            }
        }
        guard signed == 1 else { throw EthereumError.signingFailed }
        var compact = [UInt8](repeating: 0, count: 64)
        var recoveryID: Int32 = 0
        _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(Secp256k1.context, &compact, &recoveryID, &recoverable)
        return Signature(uncheckedR: Array(compact[0..<32]), s: Array(compact[32..<64]), v: 27 + UInt8(recoveryID))
    }

    /// Lends the raw secret to `body`, e.g. for a vault to encrypt it at rest. Do not copy it
    /// out of the closure.
    public func withUnsafeSecretBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(self.secret))
    }

    public var description: String { "PrivateKey(<redacted>)" }
    public var debugDescription: String { "PrivateKey(<redacted>)" }
}
