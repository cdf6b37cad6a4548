import Crypto
import Ethereum
public import Kernel

/// The KeyVault port on AES-256-GCM under the master key (ARCHITECTURE §7).
///
/// A sealed value is `format(1) ‖ nonce(12) ‖ ciphertext ‖ tag(16)`; its associated data binds it
/// to its row (purpose, user id, address) and to the key version, so a ciphertext copied to
/// another row, or relabelled with another version, fails to open. Trading keys are opened only
/// inside `sign` and `address(of:)` and wiped right after; they never leave this type.
public struct AESKeyVault: KeyVault {
    private static let format: UInt8 = 1
    private let current: MasterKey
    private let byVersion: [Int: MasterKey]

    /// `previous` keys can still open old seals (during `mirror keys rotate`); new seals always
    /// use `current`.
    public init(current: MasterKey, previous: [MasterKey] = []) {
        self.current = current
        var byVersion: [Int: MasterKey] = [:]
        for key in previous { byVersion[key.version] = key }
        byVersion[current.version] = current
        self.byVersion = byVersion
    }

    public var currentKeyVersion: Int { self.current.version }

    public func generateTradingKey(userID: UserID) async throws -> GeneratedKey {
        let key = PrivateKey.generate()
        let address = try WalletAddress(key.address.lowercased)
        let binding = SealBinding.tradingKey(userID: userID, address: address)
        let sealed = try key.withUnsafeSecretBytes { secret in try self.seal(bytes: secret, binding: binding) }
        return GeneratedKey(sealed: sealed, address: address)
    }

    public func sign(digest: [UInt8], with sealedKey: SealedSecret, binding: SealBinding) async throws -> [UInt8] {
        guard digest.count == 32 else { throw KeyVaultError.invalidDigest(length: digest.count) }
        let key = try self.openTradingKey(sealedKey, binding: binding)
        return try key.sign(digest: digest).bytes
    }

    public func address(of sealedKey: SealedSecret, binding: SealBinding) async throws -> WalletAddress {
        try WalletAddress(try self.openTradingKey(sealedKey, binding: binding).address.lowercased)
    }

    public func seal(_ plaintext: [UInt8], binding: SealBinding) async throws -> SealedSecret {
        try plaintext.withUnsafeBytes { try self.seal(bytes: $0, binding: binding) }
    }

    public func open(_ sealed: SealedSecret, binding: SealBinding) async throws -> [UInt8] {
        try self.openBytes(sealed, binding: binding)
    }

    public func reseal(_ sealed: SealedSecret, binding: SealBinding) async throws -> SealedSecret {
        var plaintext = try self.openBytes(sealed, binding: binding)
        defer { plaintext.wipe() }
        return try plaintext.withUnsafeBytes { try self.seal(bytes: $0, binding: binding) }
    }

    // MARK: Internals

    /// Opens a trading key and checks it controls the bound address, so a key sealed for one
    /// wallet can never sign for another even if the associated data were ever weakened.
    private func openTradingKey(_ sealed: SealedSecret, binding: SealBinding) throws -> PrivateKey {
        var bytes = try self.openBytes(sealed, binding: binding)
        let key: PrivateKey
        do { key = try PrivateKey(wiping: &bytes) } catch { throw KeyVaultError.invalidKey }
        guard key.address.lowercased == binding.address.lowercased else { throw KeyVaultError.cannotOpen(binding) }
        return key
    }

    private func seal(bytes: UnsafeRawBufferPointer, binding: SealBinding) throws -> SealedSecret {
        let box = try AES.GCM.seal(bytes, using: self.current.key, nonce: AES.GCM.Nonce(),
                                   authenticating: Self.associatedData(binding, version: self.current.version))
        return SealedSecret(keyVersion: self.current.version,
                            ciphertext: [Self.format] + Array(box.nonce) + Array(box.ciphertext) + Array(box.tag))
    }

    private func openBytes(_ sealed: SealedSecret, binding: SealBinding) throws -> [UInt8] {
        guard let master = self.byVersion[sealed.keyVersion] else { throw KeyVaultError.unknownKeyVersion(sealed.keyVersion) }
        let bytes = sealed.ciphertext
        guard bytes.count >= 1 + 12 + 16, bytes[0] == Self.format else { throw KeyVaultError.cannotOpen(binding) }
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: bytes[1..<13]),
                                            ciphertext: bytes[13..<(bytes.count - 16)],
                                            tag: bytes[(bytes.count - 16)...])
            return Array(try AES.GCM.open(box, using: master.key,
                                          authenticating: Self.associatedData(binding, version: sealed.keyVersion)))
        } catch {
            throw KeyVaultError.cannotOpen(binding)
        }
    }

    private static func associatedData(_ binding: SealBinding, version: Int) -> [UInt8] {
        binding.associatedData + Array("|k\(version)".utf8)
    }
}

extension [UInt8] {
    /// Best-effort zeroing of a plaintext copy.
    mutating func wipe() {
        self.withUnsafeMutableBytes { buffer in
            for index in buffer.indices { buffer[index] = 0 }
        }
    }
}
