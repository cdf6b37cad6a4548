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
}
