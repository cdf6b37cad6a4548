import Ethereum
public import Kernel
public import Testing

/// The KeyVault port's specification: every vault adapter runs these cases on a fresh vault.
/// Signatures are checked by public-key recovery (Ethereum), independently of the vault's code.
public struct KeyVaultContract: Sendable, CustomTestStringConvertible {
    public let name: String
    private let body: @Sendable (any KeyVault) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (any KeyVault) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var testDescription: String { self.name }

    public func run(on vault: some KeyVault) async throws { try await self.body(vault) }
}

extension KeyVaultContract {
    static let user: UserID = "user-vault-1"
    static let digest = Keccak256.hash(Array("mirror key vault contract".utf8))

    public static let cases: [KeyVaultContract] = [
        .init("a generated key signs digests that recover to its address") { vault async throws in
            let key = try await vault.generateTradingKey(userID: Self.user)
            let binding = SealBinding.tradingKey(userID: Self.user, address: key.address)
            let signature = try await vault.sign(digest: Self.digest, with: key.sealed, binding: binding)
            #expect(signature.count == 65)
            #expect(signature[64] == 27 || signature[64] == 28)
            let recovered = try Signature(bytes: signature).recoverAddress(digest: Self.digest).lowercased
            #expect(recovered == key.address.lowercased)
            let derived = try await vault.address(of: key.sealed, binding: binding)
            #expect(derived == key.address)
        },
        .init("signing is deterministic (RFC 6979) and the seal carries the current key version") { vault async throws in
            let key = try await vault.generateTradingKey(userID: Self.user)
            let binding = SealBinding.tradingKey(userID: Self.user, address: key.address)
            let first = try await vault.sign(digest: Self.digest, with: key.sealed, binding: binding)
            let second = try await vault.sign(digest: Self.digest, with: key.sealed, binding: binding)
            #expect(first == second)
            #expect(key.sealed.keyVersion == vault.currentKeyVersion)
        },
        .init("a seal holds at least a key and a tag, and its description shows neither bytes nor address") { vault async throws in
            let key = try await vault.generateTradingKey(userID: Self.user)
            // Confidentiality itself is shown by the binding, tampering and wrong-key cases.
            #expect(key.sealed.ciphertext.count >= 32 + 16)
            #expect(!key.sealed.description.contains(key.address.lowercased))
            #expect(!key.sealed.description.contains(key.sealed.ciphertext.map { String($0, radix: 16) }.joined()))
        },
        .init("a seal bound to another user or address does not open") { vault async throws in
            let key = try await vault.generateTradingKey(userID: Self.user)
            let otherUser = SealBinding.tradingKey(userID: "user-vault-2", address: key.address)
            let otherAddress = SealBinding.tradingKey(
                userID: Self.user, address: try WalletAddress("0x00000000000000000000000000000000000000aa"))
            for binding in [otherUser, otherAddress] {
                await #expect(throws: KeyVaultError.cannotOpen(binding)) {
                    _ = try await vault.sign(digest: Self.digest, with: key.sealed, binding: binding)
                }
            }
        },
        .init("a tampered seal does not open, whichever byte changed") { vault async throws in
            let key = try await vault.generateTradingKey(userID: Self.user)
            let binding = SealBinding.tradingKey(userID: Self.user, address: key.address)
            for index in [0, 1, key.sealed.ciphertext.count / 2, key.sealed.ciphertext.count - 1] {
                var tampered = key.sealed
                tampered.ciphertext[index] ^= 0x01
                await #expect(throws: KeyVaultError.self) {
                    _ = try await vault.sign(digest: Self.digest, with: tampered, binding: binding)
                }
            }
            var truncated = key.sealed
            truncated.ciphertext = Array(truncated.ciphertext.prefix(10))
            await #expect(throws: KeyVaultError.self) {
                _ = try await vault.sign(digest: Self.digest, with: truncated, binding: binding)
            }
        },
        .init("a seal relabelled with another key version does not open") { vault async throws in
            let key = try await vault.generateTradingKey(userID: Self.user)
            let binding = SealBinding.tradingKey(userID: Self.user, address: key.address)
            var relabelled = key.sealed
            relabelled.keyVersion &+= 1
            await #expect(throws: KeyVaultError.self) {
                _ = try await vault.sign(digest: Self.digest, with: relabelled, binding: binding)
            }
        },
        .init("a digest that is not 32 bytes is refused") { vault async throws in
            let key = try await vault.generateTradingKey(userID: Self.user)
            let binding = SealBinding.tradingKey(userID: Self.user, address: key.address)
            await #expect(throws: KeyVaultError.invalidDigest(length: 31)) {
                _ = try await vault.sign(digest: Array(Self.digest.prefix(31)), with: key.sealed, binding: binding)
            }
        },
        .init("secrets round-trip, bound to their row and purpose") { vault async throws in
            let address = try WalletAddress("0x00000000000000000000000000000000000000bb")
            let binding = SealBinding(userID: Self.user, address: address, purpose: SealPurpose.apiSecret)
            let plaintext = Array("canary-api-secret-5b1f".utf8)
            let sealed = try await vault.seal(plaintext, binding: binding)
            #expect(try await vault.open(sealed, binding: binding) == plaintext)
            let passphrase = SealBinding(userID: Self.user, address: address, purpose: SealPurpose.apiPassphrase)
            await #expect(throws: KeyVaultError.cannotOpen(passphrase)) { _ = try await vault.open(sealed, binding: passphrase) }
            #expect(!sealed.ciphertext.containsSubsequence(plaintext))
        },
        .init("nonces are unique: sealing the same secret many times never repeats a ciphertext") { vault async throws in
            let binding = SealBinding(userID: Self.user, address: try WalletAddress("0x00000000000000000000000000000000000000cc"),
                                      purpose: SealPurpose.apiSecret)
            var seen = Set<[UInt8]>()
            for _ in 0..<500 {
                seen.insert(try await vault.seal(Array("same secret".utf8), binding: binding).ciphertext)
            }
            #expect(seen.count == 500)
        },
        .init("reseal keeps the plaintext and uses the current key version") { vault async throws in
            let binding = SealBinding(userID: Self.user, address: try WalletAddress("0x00000000000000000000000000000000000000dd"),
                                      purpose: SealPurpose.apiPassphrase)
            let sealed = try await vault.seal(Array("passphrase".utf8), binding: binding)
            let resealed = try await vault.reseal(sealed, binding: binding)
            #expect(resealed.keyVersion == vault.currentKeyVersion)
            #expect(resealed.ciphertext != sealed.ciphertext)
            #expect(try await vault.open(resealed, binding: binding) == Array("passphrase".utf8))
        },
        .init("errors never carry key material") { vault async throws in
            let key = try await vault.generateTradingKey(userID: Self.user)
            let wrong = SealBinding.tradingKey(userID: "someone-else", address: key.address)
            do {
                _ = try await vault.sign(digest: Self.digest, with: key.sealed, binding: wrong)
                Issue.record("signing with the wrong binding succeeded")
            } catch {
                let text = String(describing: error) + String(reflecting: error)
                let sealedHex = key.sealed.ciphertext.map { String($0, radix: 16) }.joined()
                #expect(!text.contains(sealedHex))
                #expect(!text.contains("\(key.sealed.ciphertext)"))
            }
        },
    ]
}

extension Array where Element: Equatable {
    func containsSubsequence(_ needle: [Element]) -> Bool {
        guard !needle.isEmpty, needle.count <= self.count else { return needle.isEmpty }
        return (0...(self.count - needle.count)).contains { Array(self[$0..<($0 + needle.count)]) == needle }
    }
}
