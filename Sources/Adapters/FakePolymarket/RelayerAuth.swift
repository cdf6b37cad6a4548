import HTTPTypes
import Hummingbird
import Kernel
import PolymarketProtocol

/// The relayer's request authentication (spec §11.1): a builder key whose HMAC covers the
/// timestamp, method, path and exact body, or a relayer API key with the address that owns it.
/// Every failure is the relayer's 401 `invalid authorization`, naming no secret.
struct RelayerAuth {
    let settings: FakeRelayerSettings
    let now: Timestamp

    /// `path` is the route as the client signs it, without the facade's `/relayer` prefix.
    func verify(_ request: Request, path: String, body: String?) throws(WireError) {
        let headers = request.headers
        func header(_ name: String) -> String? {
            HTTPField.Name(name).flatMap { headers[$0] }
        }
        if let apiKey = header("POLY_BUILDER_API_KEY") {
            guard let credentials = self.settings.builderKeys.first(where: { $0.apiKey == apiKey }),
                  header("POLY_BUILDER_PASSPHRASE") == credentials.passphrase,
                  let timestamp = header("POLY_BUILDER_TIMESTAMP").flatMap({ Int64($0) }),
                  let signature = header("POLY_BUILDER_SIGNATURE")
            else { throw Self.invalid }
            let skew = Duration.seconds(abs(timestamp - self.now.epochMilliseconds / 1_000))
            guard skew <= self.settings.timestampTolerance else { throw Self.invalid }
            let prehash = HMACAuth.prehash(timestamp: timestamp, method: request.method.rawValue, requestPath: path, body: body)
            let expected = HMACAuth.signature(prehash: prehash, credentials: credentials)
            // Either base64 alphabet is the same signature.
            let sent = String(signature.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
            guard sent == expected else { throw Self.invalid }
            return
        }
        if let apiKey = header("RELAYER_API_KEY") {
            guard let owner = self.settings.relayerAPIKeys[apiKey],
                  let address = header("RELAYER_API_KEY_ADDRESS").flatMap({ try? WalletAddress($0) }), address == owner
            else { throw Self.invalid }
            return
        }
        throw Self.invalid
    }

    static let invalid = WireError(.unauthorized, "invalid authorization")
}
