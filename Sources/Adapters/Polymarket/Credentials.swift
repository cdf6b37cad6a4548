public import Kernel
public import PolymarketProtocol
import Synchronization

/// A wallet's CLOB API key as stored: the key is an identifier, secret and passphrase are sealed
/// by the vault (bound to the wallet's signer with ``SealPurpose/apiSecret`` and
/// ``SealPurpose/apiPassphrase``, so `mirror keys rotate` reseals them).
public struct SealedAPICredentials: Hashable, Sendable {
    public var apiKey: String
    public var sealedSecret: SealedSecret
    public var sealedPassphrase: SealedSecret

    public init(apiKey: String, sealedSecret: SealedSecret, sealedPassphrase: SealedSecret) {
        self.apiKey = apiKey
        self.sealedSecret = sealedSecret
        self.sealedPassphrase = sealedPassphrase
    }

    static func secretBinding(userID: UserID, signer: WalletAddress) -> SealBinding {
        SealBinding(userID: userID, address: signer, purpose: SealPurpose.apiSecret)
    }

    static func passphraseBinding(userID: UserID, signer: WalletAddress) -> SealBinding {
        SealBinding(userID: userID, address: signer, purpose: SealPurpose.apiPassphrase)
    }
}

/// Resolves the L2 credentials of a trading account. The adapter never sees them otherwise.
public protocol CLOBCredentialProvider: Sendable {
    /// The opened credentials of `account`'s wallet; throws `VenueError.refused` when the wallet
    /// has no API key yet.
    func credentials(for account: TradingAccount) async throws -> APICredentials
    /// Forgets cached credentials after the venue refused them (401/403), so the next call reads
    /// them again (they may have been re-derived).
    func invalidate(walletID: WalletID) async
}

/// Opens a wallet's sealed credentials from the store through the vault and keeps the opened
/// ones in memory only, keyed by wallet and API key (a new key replaces the cached one).
public final class VaultCredentialProvider: CLOBCredentialProvider {
    private let wallets: any UserStore
    private let vault: any KeyVault
    private let cache = Mutex<[WalletID: APICredentials]>([:])

    public init(wallets: any UserStore, vault: any KeyVault) {
        self.wallets = wallets
        self.vault = vault
    }

    public func credentials(for account: TradingAccount) async throws -> APICredentials {
        if let cached = self.cache.withLock({ $0[account.walletID] }), cached.apiKey == account.apiKey || account.apiKey == nil {
            return cached
        }
        guard let wallet = try await self.wallets.wallet(id: account.walletID), let apiKey = wallet.apiKey,
              let sealedSecret = wallet.sealedAPISecret, let sealedPassphrase = wallet.sealedAPIPassphrase
        else {
            throw VenueError.refused(status: 401, message: "wallet \(account.walletID) has no CLOB API credentials yet")
        }
        let secret = try await self.vault.open(
            sealedSecret, binding: SealedAPICredentials.secretBinding(userID: wallet.userID, signer: wallet.signerAddress))
        let passphrase = try await self.vault.open(
            sealedPassphrase,
            binding: SealedAPICredentials.passphraseBinding(userID: wallet.userID, signer: wallet.signerAddress))
        let credentials: APICredentials
        do {
            credentials = try APICredentials(
                apiKey: apiKey, secret: String(decoding: secret, as: UTF8.self),
                passphrase: String(decoding: passphrase, as: UTF8.self))
        } catch {
            throw VenueError.refused(status: 401, message: "wallet \(account.walletID) has a malformed sealed API secret")
        }
        self.cache.withLock { $0[account.walletID] = credentials }
        return credentials
    }

    public func invalidate(walletID: WalletID) async {
        _ = self.cache.withLock { $0.removeValue(forKey: walletID) }
    }
}
