import ArgumentParser
import Kernel
import KeyVaultAdapter
import Synchronization

/// Proves that every sealed value in the store opens under the configured master key: each
/// wallet's trading key (and that it is the key of the wallet's signer address) and its sealed
/// CLOB API secret and passphrase. The restore drill's last step: a backup whose keys cannot be
/// opened is no backup. Reads only; never prints a key.
struct SealedKeyCheck: Sendable {
    struct Failure: Hashable, Sendable, CustomStringConvertible {
        var walletID: WalletID
        var purpose: String
        var reason: String
        var description: String { "wallet \(self.walletID.rawValue): \(self.purpose): \(self.reason)" }
    }

    struct Outcome: Hashable, Sendable {
        var wallets = 0
        var sealedValues = 0
        var failures: [Failure] = []
    }

    let store: any Store
    let vault: any KeyVault
    var batchSize = 100

    func run() async throws -> Outcome {
        var outcome = Outcome()
        var after: WalletID?
        while true {
            let batch = try await self.store.wallets(after: after, limit: self.batchSize)
            for wallet in batch {
                outcome.wallets += 1
                await self.check(wallet, into: &outcome)
            }
            guard batch.count == self.batchSize, let last = batch.last else { return outcome }
            after = last.id
        }
    }

    private func check(_ wallet: TradingWallet, into outcome: inout Outcome) async {
        func fail(_ purpose: String, _ reason: String) {
            outcome.failures.append(Failure(walletID: wallet.id, purpose: purpose, reason: reason))
        }
        outcome.sealedValues += 1
        do {
            let address = try await self.vault.address(
                of: wallet.sealedKey, binding: .tradingKey(userID: wallet.userID, address: wallet.signerAddress))
            if address != wallet.signerAddress {
                fail(SealPurpose.tradingKey, "opens, but to the key of \(address.lowercased), not the signer \(wallet.signerAddress.lowercased)")
            }
        } catch {
            fail(SealPurpose.tradingKey, String(describing: error))
        }
        let others = [(wallet.sealedAPISecret, SealPurpose.apiSecret), (wallet.sealedAPIPassphrase, SealPurpose.apiPassphrase)]
        for case (let sealed?, let purpose) in others {
            outcome.sealedValues += 1
            do {
                _ = try await self.vault.open(
                    sealed, binding: SealBinding(userID: wallet.userID, address: wallet.signerAddress, purpose: purpose))
            } catch {
                fail(purpose, String(describing: error))
            }
        }
    }
}

extension Keys {
    /// `mirror keys verify`: the restore drill's proof that the master key opens the database's seals.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Check that every sealed trading key and API secret in DATABASE_URL opens under \
                TRADING_KEY_ENCRYPTION_KEY (and belongs to its wallet); exits 1 naming the wallets that do not.
                """)

        func run() async throws {
            try await Startup.run { configuration, logger in
                let vault = try AESKeyVault.make(configuration: configuration, logger: logger)
                let backend = try await StoreBackend.open(
                    configuration.database, poolSize: configuration.databasePoolSize, logger: logger)
                let checked = Mutex(SealedKeyCheck.Outcome())
                do {
                    try await backend.maintenance { store in
                        let result = try await SealedKeyCheck(store: store, vault: vault).run()
                        checked.withLock { $0 = result }
                    }
                    try await backend.close?()
                } catch {
                    try? await backend.close?()
                    throw error
                }
                let outcome = checked.withLock { $0 }
                for failure in outcome.failures { Startup.printError("cannot open: \(failure)") }
                guard outcome.failures.isEmpty else {
                    throw StartupFailure(message: "error: \(outcome.failures.count) of \(outcome.sealedValues) sealed value(s) in \(outcome.wallets) wallet(s) do not open under TRADING_KEY_ENCRYPTION_KEY")
                }
                Startup.printLine("\(outcome.sealedValues) sealed value(s) in \(outcome.wallets) wallet(s) open under TRADING_KEY_ENCRYPTION_KEY")
            }
        }
    }
}
