@testable import App
import Foundation
import JWTKit
import Kernel

/// Token minting for the JWT table and the API tests: RS256 with test keys, the HS256
/// key-confusion forgery, and JWKS documents.
enum TestTokens {
    static func claims(sub: String? = "dynamic|user-1", iss: String? = nil, aud: [String]? = nil, exp: Timestamp? = nil,
                       nbf: Timestamp? = nil, scope: String? = "user:basic") -> TokenClaims {
        TokenClaims(sub: sub.map(SubjectClaim.init(value:)), iss: iss.map(IssuerClaim.init(value:)),
                    aud: aud.map(AudienceClaim.init(value:)), exp: exp.map { ExpirationClaim(value: $0.date) },
                    nbf: nbf.map { NotBeforeClaim(value: $0.date) }, iat: nil, scope: scope)
    }

    static func rs256(_ claims: TokenClaims, privateKeyPEM: String, kid: String?) async throws -> String {
        let keys = await JWTKeyCollection().add(rsa: try Insecure.RSA.PrivateKey(pem: privateKeyPEM), digestAlgorithm: .sha256)
        return try await keys.sign(claims, kid: kid.map { JWKIdentifier(string: $0) })
    }

    /// HS256 with `secret` as the HMAC key: the classic key-confusion attack when `secret` is the
    /// server's public key.
    static func hs256(_ claims: TokenClaims, secret: String, kid: String?) async throws -> String {
        let keys = await JWTKeyCollection().add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return try await keys.sign(claims, kid: kid.map { JWKIdentifier(string: $0) })
    }

    static func publicKeyPEM(privateKeyPEM: String) throws -> String {
        try Insecure.RSA.PrivateKey(pem: privateKeyPEM).publicKey.pemRepresentation
    }

    /// A JWKS holding the public half of each key under its kid.
    static func jwks(_ keys: [(kid: String, privateKeyPEM: String)]) throws -> Data {
        let entries = try keys.map { key -> [String: String] in
            let (modulus, exponent) = try Insecure.RSA.PrivateKey(pem: key.privateKeyPEM).publicKey.getKeyPrimitives()
            return ["kty": "RSA", "alg": "RS256", "use": "sig", "kid": key.kid,
                    "n": base64URLEncoded(modulus), "e": base64URLEncoded(exponent)]
        }
        return try JSONSerialization.data(withJSONObject: ["keys": entries])
    }
}
