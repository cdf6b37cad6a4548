import Ethereum
public import Kernel

/// The ``APICredentialIssuer`` port over a ``FakeVenue``: "create or derive" returns the same
/// credentials for the same signer every time, as Polymarket's derive does for (owner, nonce 0),
/// and seals the secret and passphrase at once. The fake exchange does not check L2 credentials
/// on orders, so these only exercise the onboarding flow and the sealing around it.
public struct FakeAPICredentialIssuer: APICredentialIssuer {
    let venue: FakeVenue
    let vault: any KeyVault

    public init(venue: FakeVenue, vault: any KeyVault) {
        self.venue = venue
        self.vault = vault
    }

    public func issueCredentials(for wallet: TradingWallet) async throws -> IssuedAPICredentials {
        try await self.venue.transport(.exchange)
        let seed = "fake-clob-credentials|\(wallet.signerAddress.lowercased)"
        let keyDigits = Hex.encode(Keccak256.hash(utf8: "\(seed)|key"), prefix: false)
        let apiKey = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32]
            .map { String(Array(keyDigits)[$0]) }.joined(separator: "-")
        let secret = Array(Hex.encode(Keccak256.hash(utf8: "\(seed)|secret"), prefix: false).utf8)
        let passphrase = Array(Hex.encode(Keccak256.hash(utf8: "\(seed)|passphrase"), prefix: false).utf8)
        return IssuedAPICredentials(
            apiKey: apiKey,
            sealedSecret: try await self.vault.seal(secret, binding: .apiSecret(userID: wallet.userID, signer: wallet.signerAddress)),
            sealedPassphrase: try await self.vault.seal(
                passphrase, binding: .apiPassphrase(userID: wallet.userID, signer: wallet.signerAddress)))
    }
}
