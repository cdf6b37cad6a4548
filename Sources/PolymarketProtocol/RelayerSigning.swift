import Ethereum

/// Shared steps of every relayer transaction: hashing fields that cannot fail to encode, and
/// signing through a ``DigestSigner`` with a check that the owner's key did the signing.
enum RelayerSigning {
    /// Makes sure `signature` over `digest` recovers to `owner`: a vault that signed with the
    /// wrong key would otherwise yield a transaction the wallet rejects on chain.
    static func verify(_ signature: Signature, over digest: [UInt8], owner: Address) throws {
        let recovered = try signature.recoverAddress(digest: digest)
        guard recovered == owner else { throw RelayerError.signerMismatch(expected: owner, actual: recovered) }
    }

    /// hashStruct over fields that are valid by construction (addresses, uint256 words, bytes).
    static func hashStruct(typeString: String, fields: [ABIValue]) -> [UInt8] {
        do {
            return try EIP712.hashStruct(typeString: typeString, fields: fields)
        } catch {
            preconditionFailure("EIP-712 refused fields that are valid by construction: \(error)")
        }
    }

    /// ABI encoding of values that are valid by construction.
    static func encode(_ values: [ABIValue]) -> [UInt8] {
        do {
            return try ABI.encode(values)
        } catch {
            preconditionFailure("ABI refused values that are valid by construction: \(error)")
        }
    }

    static func decimal(_ value: UInt256) -> RelayerJSON { .string(value.decimalString) }
}
