import Ethereum
public import Kernel
import PolymarketProtocol

/// Creates or derives a wallet's CLOB API key with Level 1 auth (spec §6.1–6.2): the trading key
/// signs the `ClobAuth` digest inside the vault, and the returned secret and passphrase are sealed
/// at once — the plain values live only in this call.
public struct APIKeyIssuer: Sendable {
    let http: VenueHTTP
    let vault: any KeyVault

    /// "Create or derive", the SDKs' pattern: `POST /auth/api-key`, and on a 400 (a key for
    /// this nonce exists) `GET /auth/derive-api-key`. Store the result with
    /// `UserStore.setAPICredentials`.
    public func createOrDeriveAPIKey(for wallet: TradingWallet, nonce: UInt64 = 0) async throws -> SealedAPICredentials {
        let created = try await self.request(method: "POST", path: "/auth/api-key", wallet: wallet, nonce: nonce)
        if created.status == 400 {
            let derived = try await self.request(method: "GET", path: "/auth/derive-api-key", wallet: wallet, nonce: nonce)
            return try await self.seal(derived, wallet: wallet)
        }
        return try await self.seal(created, wallet: wallet)
    }

    /// Derives the existing key for `(owner, nonce)` without trying to create one.
    public func deriveAPIKey(for wallet: TradingWallet, nonce: UInt64 = 0) async throws -> SealedAPICredentials {
        try await self.seal(try await self.request(method: "GET", path: "/auth/derive-api-key", wallet: wallet, nonce: nonce),
                            wallet: wallet)
    }

    /// The L1 headers: `ClobAuth` for the key's owner address, signed by the wallet's trading key.
    func l1Headers(for wallet: TradingWallet, nonce: UInt64) async throws -> [HTTPHeader] {
        let owner = self.http.configuration.apiKeyOwner.address(of: TradingAccount(wallet))
        let message = ClobAuth(address: owner.ethereum, timestamp: self.http.clock.now().epochMilliseconds / 1_000,
                               nonce: nonce, chainID: self.http.configuration.chainID)
        let signature = try await self.vault.sign(
            digest: message.digest, with: wallet.sealedKey,
            binding: .tradingKey(userID: wallet.userID, address: wallet.signerAddress))
        // Written out rather than through `ClobAuth.headers(signature:)`, which insists that the
        // signature recovers to the owner: with a deposit wallet as owner it cannot (ERC-1271).
        return [
            HTTPHeader(name: "POLY_ADDRESS", value: owner.ethereum.checksummed),
            HTTPHeader(name: "POLY_SIGNATURE", value: Hex.encode(signature)),
            HTTPHeader(name: "POLY_TIMESTAMP", value: String(message.timestamp)),
            HTTPHeader(name: "POLY_NONCE", value: String(nonce)),
        ]
    }

    private func request(method: String, path: String, wallet: TradingWallet, nonce: UInt64) async throws -> Reply {
        let headers = try await self.l1Headers(for: wallet, nonce: nonce)
        return try await self.http.perform(
            Endpoint(service: .clob, method: method, path: path, family: .apiKeys, auth: .l1(headers)))
    }

    private func seal(_ reply: Reply, wallet: TradingWallet) async throws -> SealedAPICredentials {
        let json = try VenueHTTP.requireJSON(
            reply, endpoint: Endpoint(service: .clob, method: "GET", path: "/auth/api-key"), now: self.http.clock.now())
        guard let apiKey = json["apiKey"]?.nonEmptyText, let secret = json["secret"]?.nonEmptyText,
              let passphrase = json["passphrase"]?.nonEmptyText
        else { throw VenueError.malformedResponse("API key reply lacks apiKey, secret or passphrase") }
        guard (try? APICredentials(apiKey: apiKey, secret: secret, passphrase: passphrase)) != nil else {
            throw VenueError.malformedResponse("API key reply has a secret that is not base64")
        }
        return SealedAPICredentials(
            apiKey: apiKey,
            sealedSecret: try await self.vault.seal(
                Array(secret.utf8),
                binding: SealedAPICredentials.secretBinding(userID: wallet.userID, signer: wallet.signerAddress)),
            sealedPassphrase: try await self.vault.seal(
                Array(passphrase.utf8),
                binding: SealedAPICredentials.passphraseBinding(userID: wallet.userID, signer: wallet.signerAddress)))
    }
}
