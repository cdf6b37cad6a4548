import CSecp256k1

/// The one libsecp256k1 context of the process. Signing with a shared context is safe: after
/// creation and randomisation the library only reads it (`const secp256k1_context *`).
enum Secp256k1 {
    nonisolated(unsafe) static let context: OpaquePointer = {
        guard let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            preconditionFailure("libsecp256k1 could not allocate a context")
        }
        // Blinding against side channels; a failure leaves an unblinded but correct context.
        var generator = SystemRandomNumberGenerator()
        var seed = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        _ = secp256k1_context_randomize(context, &seed)
        Memory.wipe(&seed)
        return context
    }()

    /// The 64-byte X‖Y of a parsed public key (the uncompressed form without its 0x04 prefix).
    static func serializeUncompressed(_ publicKey: inout secp256k1_pubkey) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 65)
        var length = 65
        _ = secp256k1_ec_pubkey_serialize(Self.context, &output, &length, &publicKey,
                                          UInt32(SECP256K1_EC_UNCOMPRESSED))
        return Array(output.dropFirst())
    }

    /// Address = last 20 bytes of keccak256(X‖Y).
    static func address(ofPublicKey publicKey: [UInt8]) -> Address {
        Address(uncheckedBytes: Array(Keccak256.hash(publicKey).suffix(20)))
    }

    /// The address of a parsed public key, serialised on the stack rather than into arrays.
    static func address(of publicKey: inout secp256k1_pubkey) -> Address {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 65) { output in
            var length = 65
            _ = secp256k1_ec_pubkey_serialize(Self.context, output.baseAddress!, &length, &publicKey,
                                              UInt32(SECP256K1_EC_UNCOMPRESSED))
            let hash = Keccak256.hash(UnsafeBufferPointer(rebasing: output[1..<65]))
            return Address(uncheckedBytes: Array(hash[12..<32]))
        }
    }

    /// Lends a 32-byte digest to libsecp256k1 in place when it is contiguous (an array), copying
    /// only other collections; throws unless it has 32 bytes.
    static func withDigest<Result>(
        _ digest: some Collection<UInt8>, _ body: (UnsafePointer<UInt8>) throws -> Result
    ) throws -> Result {
        guard digest.count == 32 else { throw EthereumError.invalidLength(expected: 32, actual: digest.count) }
        if let result = try digest.withContiguousStorageIfAvailable({ try body($0.baseAddress!) }) { return result }
        return try Array(digest).withUnsafeBufferPointer { try body($0.baseAddress!) }
    }
}
