import Ethereum
import PolymarketProtocol
import Testing

@Suite struct AuthTests {
    let key = try! PrivateKey(hex: "0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    let credentials = try! APICredentials(
        apiKey: "00000000-1111-2222-3333-444444444444",
        secret: "Y2xvYi1zZWNyZXQtZm9yLXRlc3QtdmVjdG9ycy0wMDE=", passphrase: "test-passphrase-0001")

    @Test func theQueryStringIsNeverSignedAndTheMethodIsUppercased() {
        let plain = HMACAuth.prehash(timestamp: 1_760_000_000, method: "GET", requestPath: "/data/orders", body: nil)
        let withQuery = HMACAuth.prehash(
            timestamp: 1_760_000_000, method: "get", requestPath: "/data/orders?market=0xabc&next_cursor=MA==", body: nil)
        #expect(plain == "1760000000GET/data/orders")
        #expect(withQuery == plain)
    }

    @Test func aSecretWithoutPaddingOrInTheStandardAlphabetGivesTheSameKey() throws {
        let unpadded = try APICredentials(
            apiKey: "k", secret: "Y2xvYi1zZWNyZXQtZm9yLXRlc3QtdmVjdG9ycy0wMDE", passphrase: "p")
        let urlSafe = try APICredentials(apiKey: "k", secret: "-_-_AAAA", passphrase: "p")
        let standard = try APICredentials(apiKey: "k", secret: "+/+/AAAA", passphrase: "p")
        let prehash = "1760000000GET/auth/api-keys"
        #expect(HMACAuth.signature(prehash: prehash, credentials: unpadded)
                == HMACAuth.signature(prehash: prehash, credentials: self.credentials))
        #expect(HMACAuth.signature(prehash: prehash, credentials: urlSafe)
                == HMACAuth.signature(prehash: prehash, credentials: standard))
        // URL-safe alphabet with '=' padding on output.
        let signature = HMACAuth.signature(prehash: prehash, credentials: urlSafe)
        #expect(signature.hasSuffix("="))
        #expect(!signature.contains("+") && !signature.contains("/"))
    }

    @Test(arguments: ["not base64!", "abcde", "ab=c"])
    func aSecretThatIsNotBase64IsRefused(secret: String) {
        #expect(throws: APICredentialsError.secretNotBase64) {
            try APICredentials(apiKey: "k", secret: secret, passphrase: "p")
        }
    }

    @Test func secretsStayOutOfDescriptions() {
        let headers = HMACAuth.l2Headers(
            address: self.key.address, credentials: self.credentials, timestamp: 1, method: "GET",
            requestPath: "/auth/api-keys", body: nil)
        for text in [String(describing: self.credentials), String(reflecting: self.credentials), String(describing: headers)] {
            #expect(!text.contains("Y2xvYi1zZWNyZXQ"))
            #expect(!text.contains("test-passphrase-0001"))
            #expect(!text.contains(headers.signature))
        }
    }

    @Test func builderHeadersUseTheBuilderNames() {
        let headers = HMACAuth.builderHeaders(
            credentials: self.credentials, timestamp: 1_760_000_000, method: "POST", requestPath: "/submit", body: "{}")
        #expect(headers.fields.map(\.name) == [
            "POLY_BUILDER_API_KEY", "POLY_BUILDER_TIMESTAMP", "POLY_BUILDER_PASSPHRASE", "POLY_BUILDER_SIGNATURE",
        ])
        let l2 = HMACAuth.l2Headers(
            address: self.key.address, credentials: self.credentials, timestamp: 1_760_000_000, method: "POST",
            requestPath: "/submit", body: "{}")
        #expect(headers.signature == l2.signature, "same HMAC, different header names")
    }

    @Test func clobAuthDefaultsAndSignerCheck() async throws {
        let auth = ClobAuth(address: self.key.address, timestamp: 1_760_000_000)
        #expect(auth.nonce == 0)
        #expect(auth.chainID == 137)
        #expect(auth.message == "This message attests that I control the given wallet")
        let headers = try await auth.headers(signedBy: self.key)
        #expect(headers.fields.map(\.name) == ["POLY_ADDRESS", "POLY_SIGNATURE", "POLY_TIMESTAMP", "POLY_NONCE"])
        #expect(try headers.signature.recoverAddress(digest: auth.digest) == self.key.address)

        let other = try PrivateKey(hex: "0x0000000000000000000000000000000000000000000000000000000000000001")
        #expect(throws: ClobAuthError.signatureNotFromAddress) {
            try auth.headers(signature: other.sign(digest: auth.digest))
        }
        // Another nonce is another message, so another API key.
        #expect(ClobAuth(address: self.key.address, timestamp: 1_760_000_000, nonce: 1).digest != auth.digest)
    }
}
