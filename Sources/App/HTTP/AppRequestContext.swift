import Hummingbird
import Kernel

/// The request context every route of Mirror's API sees: the signed-in user once
/// ``AuthMiddleware`` has verified the bearer token.
struct AppRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Set by ``AuthMiddleware`` on the routes behind it; `nil` elsewhere.
    var user: User?
    /// Set by ``WebSessionMiddleware`` on the pages; `nil` on the JSON API.
    var webSession: WebSession?
    var webSessionID: String?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.user = nil
        self.webSession = nil
        self.webSessionID = nil
    }

    /// The signed-in user; a route behind ``AuthMiddleware`` always has one.
    func requireUser() throws -> User {
        guard let user = self.user else { throw APIError.unauthorized }
        return user
    }
}
