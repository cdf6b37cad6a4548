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

    /// Reads `POLY_BUILDER_API_KEY`, `POLY_BUILDER_SECRET`, `POLY_BUILDER_PASSPHRASE` or else
    /// `RELAYER_API_KEY`, `RELAYER_API_KEY_ADDRESS` from `environment`; nil when neither set is
    /// there. A partial or malformed set is an error naming the variables, never their values.
    public static func from(environment: [String: String]) throws(RelayerAuthenticationError) -> RelayerAuthentication? {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: " \t\n\r"), !text.isEmpty else { return nil }
            return text
        }
        let builderNames = ["POLY_BUILDER_API_KEY", "POLY_BUILDER_SECRET", "POLY_BUILDER_PASSPHRASE"]
        let builder = builderNames.map(value)
        if builder.contains(where: { $0 != nil }) {
            guard let key = builder[0], let secret = builder[1], let passphrase = builder[2] else {
                throw .incomplete(missing: zip(builderNames, builder).filter { $0.1 == nil }.map(\.0))
            }
            do {
                return .builder(try APICredentials(apiKey: key, secret: secret, passphrase: passphrase))
            } catch {
                throw .malformed(variable: "POLY_BUILDER_SECRET", reason: "not base64")
            }
        }
        let keyNames = ["RELAYER_API_KEY", "RELAYER_API_KEY_ADDRESS"]
        let relayerKey = keyNames.map(value)
        guard relayerKey.contains(where: { $0 != nil }) else { return nil }
        guard let key = relayerKey[0], let addressText = relayerKey[1] else {
            throw .incomplete(missing: zip(keyNames, relayerKey).filter { $0.1 == nil }.map(\.0))
        }
        guard let address = try? WalletAddress(addressText) else {
            throw .malformed(variable: "RELAYER_API_KEY_ADDRESS", reason: "not a 0x address")
        }
        return .relayerKey(apiKey: key, address: address)
    }
}

/// Relayer credentials in the environment that cannot be used; names variables only.
public enum RelayerAuthenticationError: Error, Hashable, Sendable, CustomStringConvertible {
    case incomplete(missing: [String])
    case malformed(variable: String, reason: String)

    public var description: String {
        switch self {
        case .incomplete(let missing): "relayer credentials incomplete: set \(missing.joined(separator: ", "))"
        case .malformed(let variable, let reason): "\(variable) is unusable: \(reason)"
        }
    }
}
