public import Ethereum

/// Something that signs a 32-byte digest with one secp256k1 key without handing the key out —
/// a key vault in production, a ``PrivateKey`` in tests. Orders and ClobAuth messages are
/// signed through it.
public protocol DigestSigner: Sendable {
    /// A 65-byte `r‖s‖v` signature (RFC 6979 nonce, low `s`, `v` ∈ {27, 28}) over `digest`.
    func signDigest(_ digest: [UInt8]) async throws -> Signature
}

extension PrivateKey: DigestSigner {
    public func signDigest(_ digest: [UInt8]) throws -> Signature {
        try self.sign(digest: digest)
    }
}

/// A ``DigestSigner`` made from a closure, e.g. one that calls a vault with a key id.
public struct ClosureDigestSigner: DigestSigner {
    private let body: @Sendable ([UInt8]) async throws -> Signature

    public init(_ body: @escaping @Sendable (_ digest: [UInt8]) async throws -> Signature) {
        self.body = body
    }

    public func signDigest(_ digest: [UInt8]) async throws -> Signature {
        try await self.body(digest)
    }
}
