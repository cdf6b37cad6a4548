import Foundation
import Hummingbird
import Kernel

/// A browser session, kept server-side in the cache (Redis in production) so every web instance
/// sees it; the browser holds only its random id in an HttpOnly cookie.
struct WebSession: Codable, Sendable, Equatable {
    enum Kind: String, Codable, Sendable {
        case user
        /// Opened by entering ADMIN_TOKEN; short-lived and separate from any user session.
        case `operator`
    }

    var kind: Kind
    var userID: String?
    /// Every form of this session carries it; a POST without it is refused.
    var csrfToken: String
    var expiresAt: Int64
}

/// Opens, reads and ends sessions in the cache. Keys are `web:session:<id>`; the TTL is the
/// session's lifetime, so an abandoned session disappears on its own.
struct WebSessions: Sendable {
    static let userCookie = "mirror_session"
    static let operatorCookie = "mirror_operator"
    /// The double-submit token of the sign-in forms, before any session exists.
    static let signInCookie = "mirror_signin"
    static let userLifetime: Duration = .seconds(12 * 3600)
    static let operatorLifetime: Duration = .seconds(15 * 60)

    let cache: any Cache
    let wallClock: WallClock
    /// Cookies carry `Secure` outside local mode (local mode is served over plain HTTP).
    let secureCookies: Bool

    /// 32 random bytes as hex: a session id or CSRF token nobody can guess.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    static func key(_ id: String) -> String { "web:session:\(id)" }

    /// A new session; returns its id (the cookie's value) and the session.
    func open(_ kind: WebSession.Kind, userID: UserID?) async throws -> (id: String, session: WebSession) {
        let lifetime = kind == .user ? Self.userLifetime : Self.operatorLifetime
        let session = WebSession(kind: kind, userID: userID?.rawValue, csrfToken: Self.randomToken(),
                                 expiresAt: (self.wallClock.now() + lifetime).epochMilliseconds)
        let id = Self.randomToken()
        let json = String(decoding: try JSONEncoder().encode(session), as: UTF8.self)
        try await self.cache.set(json, forKey: Self.key(id), ttl: lifetime)
        return (id, session)
    }

    /// The live session of `kind` named by the request's cookie, if any.
    func session(_ kind: WebSession.Kind, request: Request) async throws -> (id: String, session: WebSession)? {
        let name = kind == .user ? Self.userCookie : Self.operatorCookie
        guard let id = request.cookies[name]?.value, id.count == 64, id.allSatisfy(\.isHexDigit),
              let json = try await self.cache.value(forKey: Self.key(id)),
              let session = try? JSONDecoder().decode(WebSession.self, from: Data(json.utf8)),
              session.kind == kind, session.expiresAt > self.wallClock.now().epochMilliseconds
        else { return nil }
        return (id, session)
    }

    func end(id: String) async throws {
        try await self.cache.removeValue(forKey: Self.key(id))
    }

    /// The session cookie: HttpOnly, SameSite=Lax, Secure outside local mode.
    func cookie(_ kind: WebSession.Kind, id: String) -> Cookie {
        let lifetime = kind == .user ? Self.userLifetime : Self.operatorLifetime
        return Cookie(name: kind == .user ? Self.userCookie : Self.operatorCookie, value: id,
                      maxAge: Int(lifetime.components.seconds), path: kind == .user ? "/" : "/app/operator",
                      secure: self.secureCookies, httpOnly: true, sameSite: .lax)
    }

    /// A cookie that makes the browser forget `name`.
    func expired(_ name: String, path: String) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: path, secure: self.secureCookies, httpOnly: true, sameSite: .lax)
    }

    /// The sign-in forms' double-submit cookie (10 minutes).
    func signInCookie(_ token: String) -> Cookie {
        Cookie(name: Self.signInCookie, value: token, maxAge: 600, path: "/", secure: self.secureCookies, httpOnly: true,
               sameSite: .lax)
    }
}

/// Whether two secrets are equal, in time that depends only on their lengths.
func constantTimeEqual(_ left: String, _ right: String) -> Bool {
    AdminAuthMiddleware.constantTimeEqual(Array(left.utf8), Array(right.utf8))
}

/// A form body (`application/x-www-form-urlencoded`) as name → value; a repeated name keeps its
/// first value. Bodies over 64 KiB are refused.
struct FormFields: Sendable {
    var values: [String: String]

    subscript(_ name: String) -> String? { self.values[name] }

    /// The trimmed value, `nil` when absent or blank.
    func text(_ name: String) -> String? {
        guard let value = self.values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    static func read(_ request: Request, context: some RequestContext) async throws -> FormFields {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        return FormFields(encoded: String(buffer: buffer))
    }

    init(values: [String: String]) { self.values = values }

    init(encoded: String) {
        var values: [String: String] = [:]
        for pair in encoded.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            if values[name] == nil { values[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        self.values = values
    }
}
