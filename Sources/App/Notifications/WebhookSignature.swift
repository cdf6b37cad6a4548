import Crypto
import Foundation

/// Standard Webhooks signing (https://www.standardwebhooks.com): a secret is `whsec_` + base64 of
/// random bytes; a signature is `v1,` + base64(HMAC-SHA256(secret bytes, "id.timestamp.body")),
/// several of them space-separated while a rotated-out secret still signs.
enum WebhookSignature {
    static let secretPrefix = "whsec_"

    /// A new secret: 24 random bytes (the specification asks for 24 to 64).
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Self.secretPrefix + Data(bytes).base64EncodedString()
    }

    /// The key bytes of a `whsec_…` secret; `nil` when it is not one.
    static func keyBytes(of secret: String) -> [UInt8]? {
        guard secret.hasPrefix(Self.secretPrefix),
              let data = Data(base64Encoded: String(secret.dropFirst(Self.secretPrefix.count)))
        else { return nil }
        return Array(data)
    }

    /// `v1,<base64>` for one key.
    static func sign(id: String, timestamp: Int64, body: String, key: [UInt8]) -> String {
        let content = Data("\(id).\(timestamp).\(body)".utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The `webhook-signature` header: one `v1,` signature per key, space-separated.
    static func header(id: String, timestamp: Int64, body: String, keys: [[UInt8]]) -> String {
        keys.map { Self.sign(id: id, timestamp: timestamp, body: body, key: $0) }.joined(separator: " ")
    }
}
