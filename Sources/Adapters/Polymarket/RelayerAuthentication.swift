import Ethereum
public import Kernel
public import PolymarketProtocol

/// How requests to the relayer are authenticated (spec §11.1). `description` never shows a
/// secret, a passphrase or a key.
public enum RelayerAuthentication: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// A Builder Program key: `POLY_BUILDER_*` headers, HMAC over the exact body sent.
    case builder(APICredentials)
    /// A relayer API key and the address that owns it: sent as is, no signing.
    case relayerKey(apiKey: String, address: WalletAddress)

    /// The headers of one request, and the values among them to keep out of logs and errors.
    func headers(timestamp: Int64, method: String, path: String, body: String?) -> (fields: [HTTPHeader], secrets: [String]) {
        switch self {
        case .builder(let credentials):
            let signed = HMACAuth.builderHeaders(
                credentials: credentials, timestamp: timestamp, method: method, requestPath: path, body: body)
            return (signed.fields, [signed.signature, signed.passphrase])
        case .relayerKey(let apiKey, let address):
            return ([HTTPHeader(name: "RELAYER_API_KEY", value: apiKey),
                     HTTPHeader(name: "RELAYER_API_KEY_ADDRESS", value: address.ethereum.checksummed)], [apiKey])
        }
    }

    public var description: String {
        switch self {
        case .builder(let credentials): "RelayerAuthentication.builder(apiKey: \(credentials.apiKey), <signed>)"
        case .relayerKey(_, let address): "RelayerAuthentication.relayerKey(address: \(address), key: <redacted>)"
        }
    }

    public var debugDescription: String { self.description }
}
