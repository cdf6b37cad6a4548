public import Logging

/// `mirror keys rotate`: re-encrypts every sealed value under the vault's current master key.
///
/// Each wallet is resealed with one compare-and-set on its sealed key, so a run interrupted at
/// any point leaves every value sealed under either the old or the new key — both of which the
/// vault opens while the rotation runs — and running it again finishes the job.
public struct KeyRotation: Sendable {
    let store: any UserStore
    let vault: any KeyVault
    let wallClock: WallClock
    let logger: Logger
    let batchSize: Int

    public init(store: any UserStore, vault: any KeyVault, wallClock: WallClock, logger: Logger, batchSize: Int = 100) {
        self.store = store
        self.vault = vault
        self.wallClock = wallClock
        self.logger = logger
        self.batchSize = batchSize
    }

    public struct Outcome: Hashable, Sendable {
        /// Wallets whose sealed values this run re-encrypted.
        public var resealed: Int
        /// Wallets another writer changed in between (retried until none are left).
        public var raced: Int
    }

    public func run() async throws -> Outcome {
        var outcome = Outcome(resealed: 0, raced: 0)
        let target = self.vault.currentKeyVersion
        while true {
            let batch = try await self.store.wallets(sealedUnderOtherThan: target, limit: self.batchSize)
            if batch.isEmpty { break }
            var progressed = false
            for wallet in batch {
                if try await self.reseal(wallet, target: target) {
                    outcome.resealed += 1
                    progressed = true
                } else {
                    outcome.raced += 1
                }
            }
            // Every wallet of a batch lost its race: someone else is rotating; let them finish.
            if !progressed { break }
        }
        self.logger.info("key rotation finished", metadata: [
            "rotation.resealed": "\(outcome.resealed)", "rotation.raced": "\(outcome.raced)",
        ])
        return outcome
    }

    private func reseal(_ wallet: TradingWallet, target: Int) async throws -> Bool {
        func resealed(_ secret: SealedSecret, _ purpose: String) async throws -> SealedSecret {
            guard secret.keyVersion != target else { return secret }
            let binding = SealBinding(userID: wallet.userID, address: wallet.signerAddress, purpose: purpose)
            return try await self.vault.reseal(secret, binding: binding)
        }
        let key = try await resealed(wallet.sealedKey, SealPurpose.tradingKey)
        let secret = try await wallet.sealedAPISecret.asyncMap { try await resealed($0, SealPurpose.apiSecret) }
        let passphrase = try await wallet.sealedAPIPassphrase.asyncMap { try await resealed($0, SealPurpose.apiPassphrase) }
        return try await self.store.resealWallet(
            walletID: wallet.id, expected: wallet.sealedKey, sealedKey: key, sealedAPISecret: secret,
            sealedAPIPassphrase: passphrase, at: self.wallClock.now())
    }
}

/// The purposes a wallet's sealed values are bound to.
public enum SealPurpose {
    public static let tradingKey = "trading-key"
    public static let apiSecret = "api-secret"
    public static let apiPassphrase = "api-passphrase"
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): try await transform(value)
        case .none: nil
        }
    }
}
