import Foundation
import Hummingbird
import Kernel
import Logging

/// Lets a page request through only with a live session cookie of `kind` (pages never accept a
/// bearer token), and a POST only with that session's CSRF token in its form. Puts the session
/// (and, for a user session, the user) on the context.
struct WebSessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let kind: WebSession.Kind
    let sessions: WebSessions
    let store: any Store
    /// Where a visitor without a session is sent.
    let signIn: String

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let (id, session) = try await self.sessions.session(self.kind, request: request) else {
            return WebPage.redirect(self.signIn)
        }
        var context = context
        var request = request
        if request.method == .post {
            let form = try await FormFields.readKeeping(&request, context: context)
            guard let presented = form["_csrf"], constantTimeEqual(presented, session.csrfToken) else {
                throw APIError.csrfRefused
            }
        }
        if self.kind == .user {
            guard let userID = session.userID, let user = try await self.store.user(id: UserID(userID)) else {
                try await self.sessions.end(id: id)
                return WebPage.redirect(self.signIn)
            }
            context.user = user
        }
        context.webSession = session
        context.webSessionID = id
        return try await next(request, context)
    }
}

extension FormFields {
    /// Reads the form and leaves the collected body on the request for the handler to read again.
    static func readKeeping(_ request: inout Request, context: some RequestContext) async throws -> FormFields {
        let buffer = try await request.collectBody(upTo: 64 * 1024)
        return FormFields(encoded: String(buffer: buffer))
    }
}

extension AppRequestContext {
    /// The page's session; a route behind ``WebSessionMiddleware`` always has one.
    func requireWebSession() throws -> WebSession {
        guard let session = self.webSession else { throw APIError.unauthorized }
        return session
    }
}

/// What the pages need.
struct WebDependencies: Sendable {
    var api: APIDependencies
    var withdrawals: Withdrawals
    var admin: AdminDependencies
    var sessions: WebSessions
    var authority: TokenAuthority
    var localMode: Bool
    var dynamicEnvironmentID: String?
    var adminToken: Secret
    /// Local mode's one-click sign-in: the user with external id `local|<name>`, created and funded.
    var localSignIn: (@Sendable (String) async throws -> User)?
}

extension Router where Context == AppRequestContext {
    /// `/` and the sign-in pages: `/sign-in`, the local dev form, Dynamic's JWT hand-over, sign-out.
    func addSignInPages(_ web: WebDependencies) {
        self.get("/") { _, _ in WebPage.redirect("/app") }
        self.addAssets()
        let pages = self.group().add(middleware: WebPageMiddleware(dynamicConfigured: web.dynamicEnvironmentID != nil))
        pages.get("/sign-in") { request, _ -> Response in
            if try await web.sessions.session(.user, request: request) != nil { return WebPage.redirect("/app") }
            return Self.signInPage(web, error: nil, name: nil, status: .ok)
        }
        pages.post("/sign-in/dev") { request, context -> Response in
            var request = request
            let form = try await Self.checkedSignInForm(&request, context: context)
            guard let localSignIn = web.localSignIn else { throw APIError.notFound("page") }
            let name = form.text("name") ?? ""
            guard (1...32).contains(name.count),
                  name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
            else {
                return Self.signInPage(web, error: "A name is 1 to 32 characters of a-z, 0-9 and -.", name: name,
                                       status: .unprocessableContent)
            }
            let user = try await localSignIn(name)
            return try await Self.opened(web, user: user)
        }
        pages.post("/sign-in/dynamic") { request, context -> Response in
            var request = request
            let form = try await Self.checkedSignInForm(&request, context: context)
            guard web.dynamicEnvironmentID != nil, let token = form.text("token"), token.count <= 8192 else {
                return Self.signInPage(web, error: "Sign-in did not complete. Try again.", name: nil, status: .unauthorized)
            }
            let identity: VerifiedIdentity
            do {
                identity = try await web.authority.verify(token)
            } catch {
                context.logger.debug("web sign-in token refused", metadata: ["auth.reason": "\(error)"])
                return Self.signInPage(web, error: "Sign-in did not complete. Try again.", name: nil, status: .unauthorized)
            }
            let user = try await web.api.accounts.signIn(identity, logger: context.logger)
            return try await Self.opened(web, user: user)
        }
        pages.post("/sign-out") { request, context -> Response in
            var request = request
            let form = try await FormFields.readKeeping(&request, context: context)
            if let (id, session) = try await web.sessions.session(.user, request: request) {
                guard let presented = form["_csrf"], constantTimeEqual(presented, session.csrfToken) else {
                    throw APIError.csrfRefused
                }
                try await web.sessions.end(id: id)
            }
            var response = WebPage.redirect("/sign-in")
            response.setCookie(web.sessions.expired(WebSessions.userCookie, path: "/"))
            return response
        }
    }

    /// The sign-in page, with a fresh double-submit token in its forms and cookie.
    static func signInPage(_ web: WebDependencies, error: String?, name: String?, status: HTTPResponse.Status) -> Response {
        let csrf = WebSessions.randomToken()
        var context: [String: Any] = ["csrf": csrf, "local": web.localSignIn != nil]
        if let error { context["pageError"] = error }
        if web.localSignIn != nil {
            context["nameField"] = WebPage.field("dev-name", name: "name", label: "Or sign in as another local user",
                                                 value: name, hint: "1 to 32 characters of a-z, 0-9 and -",
                                                 autocomplete: "username")
        }
        if let environment = web.dynamicEnvironmentID {
            context["dynamic"] = ["environmentID": environment, "sdkURL": WebAssets.dynamicSDKURL] as [String: Any]
        }
        var response = WebPage.render(title: "Sign in", template: "signIn", context: context,
                                      chrome: PageChrome(area: .signedOut, dynamic: web.dynamicEnvironmentID != nil),
                                      status: status)
        response.setCookie(web.sessions.signInCookie(csrf))
        return response
    }

    /// A sign-in form's body, refused unless its token matches the sign-in cookie.
    static func checkedSignInForm(_ request: inout Request, context: AppRequestContext) async throws -> FormFields {
        let form = try await FormFields.readKeeping(&request, context: context)
        guard let cookie = request.cookies[WebSessions.signInCookie]?.value, cookie.count == 64,
              let presented = form["_csrf"], constantTimeEqual(presented, cookie)
        else { throw APIError.csrfRefused }
        return form
    }

    static func opened(_ web: WebDependencies, user: User) async throws -> Response {
        let (id, _) = try await web.sessions.open(.user, userID: user.id)
        var response = WebPage.redirect("/app?done=signed-in")
        response.setCookie(web.sessions.cookie(.user, id: id))
        response.setCookie(web.sessions.expired(WebSessions.signInCookie, path: "/"))
        return response
    }

    func addAssets() {
        let assets: [(String, String, String)] = [
            ("/app/assets/app.css", "text/css; charset=utf-8", WebAssets.css),
            ("/app/assets/app.js", "text/javascript; charset=utf-8", WebAssets.appJS),
            ("/app/assets/dynamic-sign-in.js", "text/javascript; charset=utf-8", WebAssets.dynamicJS),
            ("/app/assets/icon.svg", "image/svg+xml", WebAssets.icon),
        ]
        for (path, type, text) in assets {
            self.get(RouterPath(path)) { _, _ in
                Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=300",
                                                .xContentTypeOptions: "nosniff"],
                         body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
            }
        }
    }
}
