public import Ethereum
import Crypto

/// An API key triple as `POST /auth/api-key` (CLOB) or the Builder Profile returns it. The secret
/// is held decoded and, with the passphrase, never appears in `description`.
public struct APICredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let apiKey: String
    public let passphrase: String
    /// The HMAC key: the base64url-decoded secret.
    let secretKey: [UInt8]

    /// Throws ``APICredentialsError/secretNotBase64`` when `secret` is not base64 (URL-safe or
    /// standard alphabet, padding optional).
    public init(apiKey: String, secret: String, passphrase: String) throws(APICredentialsError) {
        guard let key = Base64URL.decode(secret) else { throw .secretNotBase64 }
        self.apiKey = apiKey
        self.passphrase = passphrase
        self.secretKey = key
    }

    public var description: String { "APICredentials(apiKey: \(self.apiKey), secret: <redacted>, passphrase: <redacted>)" }
    public var debugDescription: String { self.description }
}

public enum APICredentialsError: Error, Hashable, Sendable {
    case secretNotBase64
}

/// The HMAC scheme shared by CLOB Level 2 auth and the relayer's builder auth (spec §6.3, §11.1).
public enum HMACAuth {
    /// `timestamp + METHOD + path + body`: seconds in decimal, the method uppercased, the path
    /// without host and without query string (the SDKs never sign query parameters, so anything
    /// from `?` on is dropped here), then the exact body bytes that are sent, if any.
    public static func prehash(timestamp: Int64, method: String, requestPath: String, body: String?) -> String {
        let path = requestPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return String(timestamp) + method.uppercased() + path + (body ?? "")
    }

    /// URL-safe base64, with padding, of HMAC-SHA256 over the UTF-8 prehash keyed by the
    /// decoded secret.
    public static func signature(prehash: String, credentials: APICredentials) -> String {
        let code = HMAC<SHA256>.authenticationCode(
            for: Array(prehash.utf8), using: SymmetricKey(data: credentials.secretKey))
        return Base64URL.encode(Array(code))
    }

    /// The five `POLY_*` headers of an L2-authenticated CLOB request. `address` is the EOA that
    /// owns the API key (spec §4: the SDKs always use the EOA, whatever the signature type).
    public static func l2Headers(
        address: Address, credentials: APICredentials,
        timestamp: Int64, method: String, requestPath: String, body: String?
    ) -> L2Headers {
        let prehash = Self.prehash(timestamp: timestamp, method: method, requestPath: requestPath, body: body)
        return L2Headers(
            address: address, signature: Self.signature(prehash: prehash, credentials: credentials),
            timestamp: timestamp, apiKey: credentials.apiKey, passphrase: credentials.passphrase)
    }

    /// The four `POLY_BUILDER_*` headers that authenticate a relayer request with a builder key
    /// (spec §11.1). Sign the exact body that is sent: the SDKs differ in JSON separators.
    public static func builderHeaders(
        credentials: APICredentials, timestamp: Int64, method: String, requestPath: String, body: String?
    ) -> BuilderHeaders {
        let prehash = Self.prehash(timestamp: timestamp, method: method, requestPath: requestPath, body: body)
        return BuilderHeaders(
            apiKey: credentials.apiKey, timestamp: timestamp, passphrase: credentials.passphrase,
            signature: Self.signature(prehash: prehash, credentials: credentials))
    }
}

/// CLOB Level 2 headers (spec §6.3). `description` hides the passphrase and signature.
public struct L2Headers: Sendable, Hashable, CustomStringConvertible {
    public let address: Address
    public let signature: String
    public let timestamp: Int64
    public let apiKey: String
    public let passphrase: String

    public var fields: [HTTPHeader] {
        [
            HTTPHeader(name: "POLY_ADDRESS", value: self.address.checksummed),
            HTTPHeader(name: "POLY_SIGNATURE", value: self.signature),
            HTTPHeader(name: "POLY_TIMESTAMP", value: String(self.timestamp)),
            HTTPHeader(name: "POLY_API_KEY", value: self.apiKey),
            HTTPHeader(name: "POLY_PASSPHRASE", value: self.passphrase),
        ]
    }

    public var description: String {
        "L2Headers(address: \(self.address), timestamp: \(self.timestamp), apiKey: \(self.apiKey), <signed>)"
    }
}

/// Relayer builder-auth headers (spec §11.1). `description` hides the passphrase and signature.
public struct BuilderHeaders: Sendable, Hashable, CustomStringConvertible {
    public let apiKey: String
    public let timestamp: Int64
    public let passphrase: String
    public let signature: String

    public var fields: [HTTPHeader] {
        [
            HTTPHeader(name: "POLY_BUILDER_API_KEY", value: self.apiKey),
            HTTPHeader(name: "POLY_BUILDER_TIMESTAMP", value: String(self.timestamp)),
            HTTPHeader(name: "POLY_BUILDER_PASSPHRASE", value: self.passphrase),
            HTTPHeader(name: "POLY_BUILDER_SIGNATURE", value: self.signature),
        ]
    }

    public var description: String {
        "BuilderHeaders(apiKey: \(self.apiKey), timestamp: \(self.timestamp), <signed>)"
    }
}
