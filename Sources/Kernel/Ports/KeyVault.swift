/// Seals secrets under the master key and signs with sealed trading keys without ever handing a
/// plain key out. Every conformer must pass `KeyVaultContract`.
public protocol KeyVault: Sendable {
    /// The master-key version new seals carry (an identifier of the current master key).
    var currentKeyVersion: Int { get }

    /// Generates a new trading key for `userID`, seals it bound to the user and the key's own
    /// address, and returns both. The plain key exists only inside the vault, briefly.
    func generateTradingKey(userID: UserID) async throws -> GeneratedKey
    /// Signs a 32-byte digest with the sealed key; returns the 65-byte `r‖s‖v` signature (v 27/28).
    func sign(digest: [UInt8], with sealedKey: SealedSecret, binding: SealBinding) async throws -> [UInt8]
    /// The address of a sealed key (opens it to derive, never returns it).
    func address(of sealedKey: SealedSecret, binding: SealBinding) async throws -> WalletAddress

    /// Seals an arbitrary secret (a CLOB API secret or passphrase) bound to `binding`.
    func seal(_ plaintext: [UInt8], binding: SealBinding) async throws -> SealedSecret
    /// Opens a sealed secret for an adapter that must use it (HMAC keys). Never for trading keys.
    func open(_ sealed: SealedSecret, binding: SealBinding) async throws -> [UInt8]
    /// Re-encrypts `sealed` under the current master key (for `mirror keys rotate`).
    func reseal(_ sealed: SealedSecret, binding: SealBinding) async throws -> SealedSecret
}

/// A freshly generated, sealed trading key and the address it controls.
public struct GeneratedKey: Hashable, Sendable {
    public let sealed: SealedSecret
    public let address: WalletAddress

    public init(sealed: SealedSecret, address: WalletAddress) {
        self.sealed = sealed
        self.address = address
    }
}

/// What a sealed value is bound to (AES-GCM associated data): a ciphertext copied to another
/// row fails to open.
public struct SealBinding: Hashable, Sendable, CustomStringConvertible {
    public let userID: UserID
    public let address: WalletAddress
    /// Which secret of the row: `trading-key`, `api-secret`, `api-passphrase`.
    public let purpose: String

    public init(userID: UserID, address: WalletAddress, purpose: String) {
        self.userID = userID
        self.address = address
        self.purpose = purpose
    }

    public static func tradingKey(userID: UserID, address: WalletAddress) -> SealBinding {
        SealBinding(userID: userID, address: address, purpose: SealPurpose.tradingKey)
    }

    /// The associated-data bytes: stable, unambiguous.
    public var associatedData: [UInt8] { Array("mirror/v1|\(self.purpose)|\(self.userID.rawValue)|\(self.address.lowercased)".utf8) }
    public var description: String { "\(self.purpose) of \(self.userID.rawValue)/\(self.address.lowercased)" }
}

/// Errors a vault throws. They never carry key material.
public enum KeyVaultError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The ciphertext was tampered with, bound to another row, or sealed under another key.
    case cannotOpen(SealBinding)
    /// Sealed under a master-key version this vault has no key for.
    case unknownKeyVersion(Int)
    case invalidDigest(length: Int)
    /// The opened bytes are not a valid secp256k1 key.
    case invalidKey

    public var description: String {
        switch self {
        case .cannotOpen(let binding): "cannot open the sealed \(binding): tampered, bound to another row, or wrong master key"
        case .unknownKeyVersion(let version): "no master key for version \(version)"
        case .invalidDigest(let length): "a digest must be 32 bytes, got \(length)"
        case .invalidKey: "the sealed value is not a valid trading key"
        }
    }
}
