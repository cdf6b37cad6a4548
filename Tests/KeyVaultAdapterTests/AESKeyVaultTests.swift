import Ethereum
import InMemoryAdapter
import InMemoryLogging
import Kernel
import KernelTesting
import KeyVaultAdapter
import Logging
import Synchronization
import Testing

/// A master key no log line, error or response may ever show.
let canaryMasterKeyHex = "c0ffee00" + String(repeating: "5a", count: 24) + "deadbeef"

@Suite struct AESKeyVaultTests {
    @Test(arguments: KeyVaultContract.cases)
    func contract(_ check: KeyVaultContract) async throws {
        try await check.run(on: AESKeyVault(current: try MasterKey(hex: canaryMasterKeyHex)))
    }

    @Test(arguments: [
        ("", "must be exactly 64 hex characters, got 0"),
        (String(repeating: "a", count: 63), "must be exactly 64 hex characters, got 63"),
        (String(repeating: "a", count: 65), "must be exactly 64 hex characters, got 65"),
        (String(repeating: "g", count: 64), "must contain only hex characters 0-9 a-f"),
    ])
    func masterKeyMustBe64Hex(_ text: String, _ problem: String) {
        #expect(throws: MasterKeyError(variable: "TRADING_KEY_ENCRYPTION_KEY", problem: problem)) {
            try MasterKey(hex: text)
        }
    }

    @Test func masterKeyErrorsAndDescriptionsNeverEchoTheKey() throws {
        let almost = String(canaryMasterKeyHex.dropLast()) + "z"
        do {
            _ = try MasterKey(hex: almost)
            Issue.record("an invalid key was accepted")
        } catch {
            #expect(!"\(error)".contains("c0ffee00"))
            #expect("\(error)".hasPrefix("TRADING_KEY_ENCRYPTION_KEY "))
        }
        let key = try MasterKey(hex: canaryMasterKeyHex)
        #expect(!"\(key)".contains("c0ffee00"))
        #expect(!String(reflecting: key).contains("c0ffee00"))
        #expect(!String(reflecting: key).lowercased().contains("5a5a5a"))
    }

    @Test func upperAndLowerCaseHexAreTheSameKey() throws {
        #expect(try MasterKey(hex: canaryMasterKeyHex).version == MasterKey(hex: canaryMasterKeyHex.uppercased()).version)
    }

    @Test func aWrongMasterKeyOpensNothing() async throws {
        let right = AESKeyVault(current: try MasterKey(hex: canaryMasterKeyHex))
        let other = try MasterKey(hex: String(repeating: "11", count: 32))
        let wrong = AESKeyVault(current: other)
        let key = try await right.generateTradingKey(userID: "user-1")
        let binding = SealBinding.tradingKey(userID: "user-1", address: key.address)
        // The version names the key that sealed it: a vault without that key says so.
        await #expect(throws: KeyVaultError.unknownKeyVersion(key.sealed.keyVersion)) {
            _ = try await wrong.sign(digest: [UInt8](repeating: 1, count: 32), with: key.sealed, binding: binding)
        }
        // Even relabelled to the wrong key's version, it does not open.
        var relabelled = key.sealed
        relabelled.keyVersion = other.version
        await #expect(throws: KeyVaultError.cannotOpen(binding)) {
            _ = try await wrong.sign(digest: [UInt8](repeating: 1, count: 32), with: relabelled, binding: binding)
        }
    }

    @Test func previousKeysOpenOldSealsButNewSealsUseTheCurrentKey() async throws {
        let old = try MasterKey(hex: String(repeating: "22", count: 32))
        let new = try MasterKey(hex: canaryMasterKeyHex)
        let before = try await AESKeyVault(current: old).generateTradingKey(userID: "user-1")
        let during = AESKeyVault(current: new, previous: [old])
        let binding = SealBinding.tradingKey(userID: "user-1", address: before.address)
        #expect(try await during.address(of: before.sealed, binding: binding) == before.address)
        let resealed = try await during.reseal(before.sealed, binding: binding)
        #expect(resealed.keyVersion == new.version)
        #expect(try await AESKeyVault(current: new).address(of: resealed, binding: binding) == before.address)
    }
}

/// `mirror keys rotate`: interrupted anywhere and run again, every value ends up under the new
/// key and openable.
@Suite struct KeyRotationTests {
    static let old = try! MasterKey(hex: String(repeating: "33", count: 32))
    static let new = try! MasterKey(hex: canaryMasterKeyHex)

    /// Seeds `count` wallets whose key, API secret and passphrase are sealed under `old`.
    func seedWallets(_ count: Int, in store: any Store) async throws -> [TradingWallet] {
        let vault = AESKeyVault(current: Self.old)
        var wallets: [TradingWallet] = []
        for n in 1...count {
            let user = User.fixture(n)
            try await store.insertUser(user)
            let key = try await vault.generateTradingKey(userID: user.id)
            let secret = try await vault.seal(Array("secret-\(n)".utf8),
                binding: SealBinding(userID: user.id, address: key.address, purpose: SealPurpose.apiSecret))
            let passphrase = try await vault.seal(Array("passphrase-\(n)".utf8),
                binding: SealBinding(userID: user.id, address: key.address, purpose: SealPurpose.apiPassphrase))
            let wallet = TradingWallet.fixture(n, userID: user.id, signerAddress: key.address, sealedKey: key.sealed,
                                               apiKey: "api-key-\(n)", sealedAPISecret: secret, sealedAPIPassphrase: passphrase)
            try await store.insertWallet(wallet)
            wallets.append(wallet)
        }
        return wallets
    }

    /// Opens every sealed value of every wallet with `vault`, checking the plaintexts.
    func expectAllOpen(_ wallets: [TradingWallet], in store: any Store, with vault: AESKeyVault) async throws {
        for (index, original) in wallets.enumerated() {
            let wallet = try #require(try await store.wallet(id: original.id))
            let n = index + 1
            let address = try await vault.address(of: wallet.sealedKey,
                binding: .tradingKey(userID: wallet.userID, address: wallet.signerAddress))
            #expect(address == original.signerAddress)
            let secret = try await vault.open(try #require(wallet.sealedAPISecret),
                binding: SealBinding(userID: wallet.userID, address: wallet.signerAddress, purpose: SealPurpose.apiSecret))
            #expect(secret == Array("secret-\(n)".utf8))
            let passphrase = try await vault.open(try #require(wallet.sealedAPIPassphrase),
                binding: SealBinding(userID: wallet.userID, address: wallet.signerAddress, purpose: SealPurpose.apiPassphrase))
            #expect(passphrase == Array("passphrase-\(n)".utf8))
        }
    }

    /// The canary master key, a trading key and the API secrets never reach the log or an error,
    /// through a rotation that fails half-way and one that finishes.
    @Test func noSecretReachesTheLogOrAnError() async throws {
        let store: any Store = InMemoryStore()
        let wallets = try await self.seedWallets(2, in: store)
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "rotation") { _ in handler }
        logger.logLevel = .trace
        let clock = ManualWallClock()
        let rotating = AESKeyVault(current: Self.new, previous: [Self.old])
        var errors: [String] = []
        do {
            _ = try await KeyRotation(store: store, vault: FailingVault(base: rotating, failAfter: 2),
                                      wallClock: clock.wallClock, logger: logger).run()
        } catch {
            errors.append(String(describing: error) + String(reflecting: error))
        }
        do {
            _ = try await AESKeyVault(current: Self.new).sign(
                digest: [UInt8](repeating: 7, count: 32), with: wallets[0].sealedKey,
                binding: .tradingKey(userID: wallets[0].userID, address: wallets[0].signerAddress))
        } catch {
            errors.append(String(describing: error) + String(reflecting: error))
        }
        _ = try await KeyRotation(store: store, vault: rotating, wallClock: clock.wallClock, logger: logger).run()
        let logged = handler.entries.map { "\($0.message) \($0.metadata) \(String(describing: $0.error))" }
        #expect(!logged.isEmpty)
        #expect(errors.count == 2)
        let secrets = [canaryMasterKeyHex, "c0ffee00", String(repeating: "33", count: 32), "secret-1", "passphrase-1"]
        for text in logged + errors {
            for secret in secrets {
                #expect(!text.lowercased().contains(secret), "a secret reached: \(text)")
            }
        }
    }

    @Test(arguments: [0, 1, 4, 7, 11])
    func interruptedRotationFinishesWhenRunAgain(failAfterReseals: Int) async throws {
        let store: any Store = InMemoryStore()
        let wallets = try await self.seedWallets(5, in: store)
        let clock = ManualWallClock()
        let rotating = AESKeyVault(current: Self.new, previous: [Self.old])

        // First run dies after a number of reseal calls (each wallet needs three).
        let dying = FailingVault(base: rotating, failAfter: failAfterReseals)
        await #expect(throws: InterruptedRotation.self) {
            _ = try await KeyRotation(store: store, vault: dying, wallClock: clock.wallClock, logger: .init(label: "test")).run()
        }
        // In between, every value is openable with the old and new keys together.
        try await self.expectAllOpen(wallets, in: store, with: rotating)

        let outcome = try await KeyRotation(store: store, vault: rotating, wallClock: clock.wallClock,
                                            logger: .init(label: "test")).run()
        #expect(outcome.resealed + failAfterReseals / 3 == 5)
        #expect(try await store.wallets(sealedUnderOtherThan: Self.new.version, limit: 10).isEmpty)
        // Afterwards the old key is no longer needed.
        try await self.expectAllOpen(wallets, in: store, with: AESKeyVault(current: Self.new))
        // And running once more changes nothing.
        let again = try await KeyRotation(store: store, vault: rotating, wallClock: clock.wallClock,
                                          logger: .init(label: "test")).run()
        #expect(again.resealed == 0)
    }
}

struct InterruptedRotation: Error {}

/// A vault whose `reseal` dies after `failAfter` calls, standing in for a crash mid-rotation.
final class FailingVault: KeyVault {
    let base: AESKeyVault
    let failAfter: Int
    private let calls = Mutex(0)

    init(base: AESKeyVault, failAfter: Int) {
        self.base = base
        self.failAfter = failAfter
    }

    var currentKeyVersion: Int { self.base.currentKeyVersion }
    func generateTradingKey(userID: UserID) async throws -> GeneratedKey { try await self.base.generateTradingKey(userID: userID) }
    func sign(digest: [UInt8], with sealedKey: SealedSecret, binding: SealBinding) async throws -> [UInt8] {
        try await self.base.sign(digest: digest, with: sealedKey, binding: binding)
    }
    func address(of sealedKey: SealedSecret, binding: SealBinding) async throws -> WalletAddress {
        try await self.base.address(of: sealedKey, binding: binding)
    }
    func seal(_ plaintext: [UInt8], binding: SealBinding) async throws -> SealedSecret { try await self.base.seal(plaintext, binding: binding) }
    func open(_ sealed: SealedSecret, binding: SealBinding) async throws -> [UInt8] { try await self.base.open(sealed, binding: binding) }
    func reseal(_ sealed: SealedSecret, binding: SealBinding) async throws -> SealedSecret {
        let count = self.calls.withLock { calls in
            calls += 1
            return calls
        }
        if count > self.failAfter { throw InterruptedRotation() }
        return try await self.base.reseal(sealed, binding: binding)
    }
}
