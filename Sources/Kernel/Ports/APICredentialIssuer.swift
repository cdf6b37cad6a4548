/// Issues a trading wallet's CLOB API credentials (Polymarket's L1 "create or derive API key").
/// Idempotent: asking again for the same wallet yields the same key, so an onboarding that died
/// between issuing and storing simply asks again. The secret and passphrase come back sealed by
/// the vault (bound with ``SealPurpose/apiSecret`` / ``SealPurpose/apiPassphrase`` to the wallet's
/// user and signer), so no plain secret leaves the adapter.
///
/// The FakeExchange adapter's `FakeAPICredentialIssuer` conforms; the Polymarket adapter's
/// `APIKeyIssuer.createOrDeriveAPIKey(for:)` has this shape and is meant to conform.
public protocol APICredentialIssuer: Sendable {
    func issueCredentials(for wallet: TradingWallet) async throws -> IssuedAPICredentials
}

/// A wallet's CLOB API key with its secret and passphrase sealed.
public struct IssuedAPICredentials: Hashable, Sendable {
    public var apiKey: String
    public var sealedSecret: SealedSecret
    public var sealedPassphrase: SealedSecret

    public init(apiKey: String, sealedSecret: SealedSecret, sealedPassphrase: SealedSecret) {
        self.apiKey = apiKey
        self.sealedSecret = sealedSecret
        self.sealedPassphrase = sealedPassphrase
    }
}

extension SealBinding {
    /// The binding of a wallet's CLOB API secret.
    public static func apiSecret(userID: UserID, signer: WalletAddress) -> SealBinding {
        SealBinding(userID: userID, address: signer, purpose: SealPurpose.apiSecret)
    }

    /// The binding of a wallet's CLOB API passphrase.
    public static func apiPassphrase(userID: UserID, signer: WalletAddress) -> SealBinding {
        SealBinding(userID: userID, address: signer, purpose: SealPurpose.apiPassphrase)
    }
}
