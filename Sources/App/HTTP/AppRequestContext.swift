import Hummingbird

/// The request context every route of Mirror's API sees; the place later per-request values
/// (the signed-in user, the admin flag) will live.
struct AppRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }
}
