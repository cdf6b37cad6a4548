/// Why an Ethereum value could not be built or used. Cases never carry secret material, so an
/// error may be logged whatever key it came from.
public enum EthereumError: Error, Hashable, Sendable {
    /// Text that should be hexadecimal is not (odd length or a non-hex character).
    case invalidHex
    /// A byte string of the wrong length; `expected` and `actual` are byte counts.
    case invalidLength(expected: Int, actual: Int)
    /// Text that should be an unsigned decimal integer is not.
    case invalidDecimal
    /// Mixed-case address text whose EIP-55 checksum is wrong (probably a typo).
    case invalidChecksum
    /// The value does not fit the 256 bits (or the narrower ABI type) it is meant for.
    case overflow
    /// The secret is zero or not below the secp256k1 group order.
    case invalidPrivateKey
    /// The signature bytes are malformed (bad `v`, or `r`/`s` out of range).
    case invalidSignature
    /// libsecp256k1 refused to sign (only possible with an invalid key or digest).
    case signingFailed
    /// No public key could be recovered from the signature and digest.
    case recoveryFailed
    /// An ABI value that cannot be encoded as given, e.g. `bytesN` with N outside 1...32.
    case invalidABIValue(String)
}
