public import Kernel

/// Wallet onboarding's credential step (`WalletOnboarder`) on the real CLOB: create or derive
/// the key with Level 1 auth; the secret and passphrase arrive already sealed.
extension APIKeyIssuer: APICredentialIssuer {
    public func issueCredentials(for wallet: TradingWallet) async throws -> IssuedAPICredentials {
        let sealed = try await self.createOrDeriveAPIKey(for: wallet)
        return IssuedAPICredentials(apiKey: sealed.apiKey, sealedSecret: sealed.sealedSecret,
                                    sealedPassphrase: sealed.sealedPassphrase)
    }
}
