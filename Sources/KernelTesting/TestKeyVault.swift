public import Ethereum
public import Kernel
import Synchronization

/// A key vault for flow tests: keys live in memory and a "sealed" key is just a handle, so the
/// engine's vault calls are real while the suite needs no master key. Never for production: the
/// KeyVault adapter is `AESKeyVault`, with its own contract.
public final class TestKeyVault: KeyVault {
    private let keys = Mutex<[[UInt8]: PrivateKey]>([:])

    public init() {}

    public var currentKeyVersion: Int { 0 }

    /// Registers `key` and returns its handle as a sealed value.
    public func adopt(_ key: PrivateKey) -> SealedSecret {
        let handle = Array(key.address.bytes)
        self.keys.withLock { $0[handle] = key }
        return SealedSecret(keyVersion: 0, ciphertext: handle)
    }

    public func generateTradingKey(userID: UserID) async throws -> GeneratedKey {
        let key = PrivateKey.generate()
        return GeneratedKey(sealed: self.adopt(key), address: try WalletAddress(key.address.lowercased))
    }

    public func sign(digest: [UInt8], with sealedKey: SealedSecret, binding: SealBinding) async throws -> [UInt8] {
        guard digest.count == 32 else { throw KeyVaultError.invalidDigest(length: digest.count) }
        return try self.key(sealedKey, binding).sign(digest: digest).bytes
    }

    public func address(of sealedKey: SealedSecret, binding: SealBinding) async throws -> WalletAddress {
        try WalletAddress(try self.key(sealedKey, binding).address.lowercased)
    }

    public func seal(_ plaintext: [UInt8], binding: SealBinding) async throws -> SealedSecret {
        SealedSecret(keyVersion: 0, ciphertext: plaintext)
    }

    public func open(_ sealed: SealedSecret, binding: SealBinding) async throws -> [UInt8] { sealed.ciphertext }

    public func reseal(_ sealed: SealedSecret, binding: SealBinding) async throws -> SealedSecret { sealed }

    private func key(_ sealed: SealedSecret, _ binding: SealBinding) throws -> PrivateKey {
        guard let key = self.keys.withLock({ $0[sealed.ciphertext] }), key.address.lowercased == binding.address.lowercased
        else { throw KeyVaultError.cannotOpen(binding) }
        return key
    }
}
