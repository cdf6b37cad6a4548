import Foundation
import JWTKit
import Kernel

/// Why a bearer token was refused. Never echoed to the client in detail (every case is a 401
/// "invalid token"); the case goes to the debug log so an operator can tell them apart.
enum TokenRejection: Error, Hashable, Sendable {
    case malformed
    case algorithmNotAllowed(String)
    case unknownKey
    case badSignature
    case expired
    case notYetValid
    case wrongIssuer
    case wrongAudience
    case missingScope
    case missingSubject
}

/// Who a verified token says the caller is.
struct VerifiedIdentity: Hashable, Sendable {
    /// The identity provider's subject (`sub`): the user's external id.
    var subject: String
    /// When the token was issued (`iat`): how recent the sign-in is, for actions that need a
    /// fresh one (adding a withdrawal address). `nil` when the token does not say.
    var issuedAt: Timestamp? = nil
}

/// The claims Mirror reads from a token. Signature checking is JWTKit's; every claim check is
/// ours (``TokenClaimRules``), against the injected clock.
struct TokenClaims: JWTPayload, Equatable {
    var sub: SubjectClaim?
    var iss: IssuerClaim?
    var aud: AudienceClaim?
    var exp: ExpirationClaim?
    var nbf: NotBeforeClaim?
    var iat: IssuedAtClaim?
    /// Dynamic's scopes: one whitespace-separated string (RFC 8693).
    var scope: String?

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// The claim checks every accepted token passes: `exp` (required) and `nbf` within `leeway`,
/// the issuer and audience, the `user:basic` scope, a subject.
struct TokenClaimRules: Hashable, Sendable {
    var issuer: String
    var audience: String
    var requiredScope: String = "user:basic"
    var leeway: Duration = .seconds(30)

    func check(_ claims: TokenClaims, now: Timestamp) throws(TokenRejection) -> VerifiedIdentity {
        let nowSeconds = Double(now.epochMilliseconds) / 1000
        let leewaySeconds = Double(self.leeway.components.seconds)
        guard let exp = claims.exp else { throw .expired }
        guard exp.value.timeIntervalSince1970 + leewaySeconds > nowSeconds else { throw .expired }
        if let nbf = claims.nbf, nbf.value.timeIntervalSince1970 - leewaySeconds > nowSeconds { throw .notYetValid }
        guard claims.iss?.value == self.issuer else { throw .wrongIssuer }
        guard claims.aud?.value.contains(self.audience) == true else { throw .wrongAudience }
        let scopes = (claims.scope ?? "").split(whereSeparator: \.isWhitespace)
        guard scopes.contains(Substring(self.requiredScope)) else { throw .missingScope }
        guard let subject = claims.sub?.value, !subject.isEmpty, subject.count <= 200 else { throw .missingSubject }
        let issuedAt = claims.iat.map { Timestamp(epochMilliseconds: Int64(($0.value.timeIntervalSince1970 * 1000).rounded())) }
        return VerifiedIdentity(subject: subject, issuedAt: issuedAt)
    }
}

/// The parts of a compact JWT this code looks at before any key is chosen.
struct TokenHeader: Decodable, Hashable, Sendable {
    var alg: String
    var kid: String?

    /// Decodes the header of `token` (three base64url parts); `nil` for anything else.
    static func decode(_ token: String) -> TokenHeader? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, token.utf8.count <= 16_384, let bytes = base64URLDecoded(parts[0]) else { return nil }
        return try? JSONDecoder().decode(TokenHeader.self, from: bytes)
    }
}

func base64URLDecoded(_ text: some StringProtocol) -> Data? {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
    return Data(base64Encoded: base64)
}

func base64URLEncoded(_ bytes: some DataProtocol) -> String {
    Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

/// Fetches Dynamic's JSON Web Key Set; behind a protocol so tests need no network.
protocol JWKSFetcher: Sendable {
    func fetchJWKS() async throws -> Data
}

/// Verifies Dynamic.xyz access tokens: RS256 only (the header's `alg` is pinned before any key
/// is used, so `none` and HS256-with-the-public-key are refused), with the pinned PEM key or the
/// environment's JWKS. JWKS keys are cached for `cacheLifetime`; a `kid` not in the cache
/// triggers a refetch (Dynamic rotated its key) and is refused if still unknown. Unauthenticated
/// callers choose the `kid`, so refetches are bounded: at most one per `minimumRefreshInterval`
/// whatever arrives, and a `kid` the set did not have is remembered as unknown for that long
/// (the negative cache) — 100 made-up kids cost at most one fetch.
actor DynamicTokenVerifier {
    enum Keys {
        case pinned(JWTKeyCollection)
        case jwks(any JWKSFetcher)
    }

    private let keys: Keys
    private let rules: TokenClaimRules
    private let wallClock: WallClock
    private let cacheLifetime: Duration
    private let minimumRefreshInterval: Duration
    private var cached: [String: JWTKeyCollection] = [:]
    private var cachedAt: Timestamp?
    /// When the set was last fetched (or tried): the next refetch waits `minimumRefreshInterval`.
    private var lastFetchAttempt: Timestamp?
    /// Kids the set lacked, and when that was found out.
    private var unknownKids: [String: Timestamp] = [:]

    init(keys: Keys, rules: TokenClaimRules, wallClock: WallClock, cacheLifetime: Duration = .seconds(600),
         minimumRefreshInterval: Duration = .seconds(60)) {
        self.keys = keys
        self.rules = rules
        self.wallClock = wallClock
        self.cacheLifetime = cacheLifetime
        self.minimumRefreshInterval = minimumRefreshInterval
    }

    /// A verifier pinned to one PEM public key (RS256).
    static func pinned(publicKeyPEM: String, rules: TokenClaimRules, wallClock: WallClock) async throws -> DynamicTokenVerifier {
        let collection = await JWTKeyCollection().add(rsa: try Insecure.RSA.PublicKey(pem: publicKeyPEM), digestAlgorithm: .sha256)
        return DynamicTokenVerifier(keys: .pinned(collection), rules: rules, wallClock: wallClock)
    }

    func verify(_ token: String) async throws(TokenRejection) -> VerifiedIdentity {
        guard let header = TokenHeader.decode(token) else { throw .malformed }
        guard header.alg == "RS256" else { throw .algorithmNotAllowed(header.alg) }
        let collection = try await self.collection(for: header.kid)
        let claims: TokenClaims
        do {
            claims = try await collection.verify(token, as: TokenClaims.self)
        } catch {
            throw .badSignature
        }
        return try self.rules.check(claims, now: self.wallClock.now())
    }

    private func collection(for kid: String?) async throws(TokenRejection) -> JWTKeyCollection {
        switch self.keys {
        case .pinned(let collection):
            return collection
        case .jwks(let fetcher):
            guard let kid, kid.utf8.count <= 200 else { throw .unknownKey }
            let now = self.wallClock.now()
            let stale = self.cachedAt.map { now >= $0 + self.cacheLifetime } ?? true
            let knownUnknown = self.unknownKids[kid].map { now < $0 + self.minimumRefreshInterval } ?? false
            let mayFetch = self.lastFetchAttempt.map { now >= $0 + self.minimumRefreshInterval } ?? true
            if (stale || (self.cached[kid] == nil && !knownUnknown)) && mayFetch {
                // A failed fetch keeps what was cached, and still counts against the interval.
                self.lastFetchAttempt = now
                if let fetched = try? await Self.rsaKeys(from: fetcher.fetchJWKS()) {
                    self.cached = fetched
                    self.cachedAt = now
                    self.unknownKids = [:]
                }
            }
            guard let collection = self.cached[kid] else {
                // Bounded: made-up kids cannot grow it without limit.
                if self.unknownKids.count >= 10_000 { self.unknownKids = [:] }
                self.unknownKids[kid] = self.unknownKids[kid] ?? now
                throw .unknownKey
            }
            return collection
        }
    }

    /// One single-key collection per RSA key of the set that may sign RS256.
    static func rsaKeys(from json: Data) async throws -> [String: JWTKeyCollection] {
        let set = try JSONDecoder().decode(JWKS.self, from: json)
        var keys: [String: JWTKeyCollection] = [:]
        for key in set.keys where key.keyType == .rsa && (key.algorithm == nil || key.algorithm == .rs256) {
            guard let kid = key.keyIdentifier?.string, let modulus = key.modulus, let exponent = key.exponent,
                  let publicKey = try? Insecure.RSA.PublicKey(modulus: modulus, exponent: exponent)
            else { continue }
            keys[kid] = await JWTKeyCollection().add(rsa: publicKey, digestAlgorithm: .sha256)
        }
        return keys
    }
}

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches the JWKS over HTTPS with a 10 s timeout.
struct HTTPJWKSFetcher: JWKSFetcher {
    let url: URL

    func fetchJWKS() async throws -> Data {
        var request = URLRequest(url: self.url, timeoutInterval: 10)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
            throw TokenRejection.unknownKey
        }
        return data
    }
}
