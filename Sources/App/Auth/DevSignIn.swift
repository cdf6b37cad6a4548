import Foundation
import JWTKit
import Kernel

/// Local mode's offline sign-in: tokens signed with an ES256 key made when the process starts
/// (so a restart signs everyone out, and no key is ever stored). They carry their own issuer and
/// audience and the `user:basic` scope, and pass the same claim rules as Dynamic's tokens. Never
/// constructed in production mode.
actor DevTokenIssuer {
    static let keyID = "mirror-local-dev"
    static let rules = TokenClaimRules(issuer: "mirror-local-dev", audience: "mirror-local")
    static let lifetime: Duration = .seconds(12 * 3600)

    private let keys: JWTKeyCollection
    private let wallClock: WallClock

    init(wallClock: WallClock) async {
        self.keys = await JWTKeyCollection().add(ecdsa: ES256PrivateKey(), kid: JWKIdentifier(string: Self.keyID))
        self.wallClock = wallClock
    }

    /// A token for the local user `name` (external id `local|<name>`).
    func issue(name: String) async throws -> (token: String, expiresAt: Timestamp) {
        let now = self.wallClock.now()
        let expiresAt = now + Self.lifetime
        let claims = TokenClaims(
            sub: SubjectClaim(value: "local|\(name)"), iss: IssuerClaim(value: Self.rules.issuer),
            aud: AudienceClaim(value: [Self.rules.audience]), exp: ExpirationClaim(value: expiresAt.date),
            nbf: NotBeforeClaim(value: now.date), iat: IssuedAtClaim(value: now.date), scope: "user:basic")
        return (try await self.keys.sign(claims, kid: JWKIdentifier(string: Self.keyID)), expiresAt)
    }

    /// Whether `header` names this issuer's key (then only this issuer may verify the token).
    static func claims(_ header: TokenHeader) -> Bool {
        header.kid == Self.keyID
    }

    func verify(_ token: String) async throws(TokenRejection) -> VerifiedIdentity {
        guard let header = TokenHeader.decode(token) else { throw .malformed }
        guard header.alg == "ES256" else { throw .algorithmNotAllowed(header.alg) }
        let claims: TokenClaims
        do {
            claims = try await self.keys.verify(token, as: TokenClaims.self)
        } catch {
            throw .badSignature
        }
        return try Self.rules.check(claims, now: self.wallClock.now())
    }
}

extension Timestamp {
    /// Only for JWT claims, which JWTKit keeps as `Date`.
    var date: Date { Date(timeIntervalSince1970: Double(self.epochMilliseconds) / 1000) }
}

/// Which verifier a bearer token goes to.
struct TokenAuthority: Sendable {
    var dynamic: DynamicTokenVerifier?
    var dev: DevTokenIssuer?

    func verify(_ token: String) async throws(TokenRejection) -> VerifiedIdentity {
        guard let header = TokenHeader.decode(token) else { throw .malformed }
        if let dev = self.dev, DevTokenIssuer.claims(header) {
            return try await dev.verify(token)
        }
        guard let dynamic = self.dynamic else { throw .unknownKey }
        return try await dynamic.verify(token)
    }
}
