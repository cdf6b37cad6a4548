public import FakeExchangeAdapter
import HTTPTypes
public import Hummingbird
public import HummingbirdWebSocket
import Kernel

/// Every route's request context: one router serves HTTP and the RTDS WebSocket upgrade.
public typealias FakePolymarketContext = BasicWebSocketRequestContext

/// Polymarket's wire protocol over a ``FakeVenue`` on one port, one path prefix per service
/// (the CLOB and Gamma both have `/markets`), so each `POLYMARKET_*_URL` can point at it:
/// `/clob`, `/gamma`, `/data-api`, `/relayer`, `/rtds` (WebSocket) and `/control` (test-side
/// venue control, which Polymarket does not have).
public struct FakePolymarketServer: Sendable {
    public struct Configuration: Sendable {
        /// How far `POLY_TIMESTAMP` may be from the venue's clock (Polymarket's window is not
        /// documented, spec §14.3).
        public var timestampWindow: Duration
        /// How long a request hit by an injected `timeout` fault is held before its connection
        /// is dropped unanswered; longer than the client's deadline to look like Polymarket hanging.
        public var unansweredHold: Duration
        /// Seeds the API keys issued, so one server derives the same key for an address every time.
        public var keySeed: String
        /// Which builder and relayer API keys the relayer accepts (Polymarket issues them elsewhere).
        public var relayer: FakeRelayerSettings

        public init(timestampWindow: Duration = .seconds(30), unansweredHold: Duration = .seconds(30),
                    keySeed: String = "fake-polymarket", relayer: FakeRelayerSettings = .testDefaults) {
            self.timestampWindow = timestampWindow
            self.unansweredHold = unansweredHold
            self.keySeed = keySeed
            self.relayer = relayer
        }
    }

    public let venue: FakeVenue
    public let configuration: Configuration
    private let ledger: ClobLedger

    public init(venue: FakeVenue, configuration: Configuration = Configuration()) {
        self.venue = venue
        self.configuration = configuration
        self.ledger = ClobLedger(seed: configuration.keySeed)
    }

    /// The routes of every service under their prefixes.
    public func router() -> Router<FakePolymarketContext> {
        let router = Router(context: FakePolymarketContext.self)
        router.add(middleware: WireErrorMiddleware())
        let authentication = ClobAuthentication(
            ledger: self.ledger, clock: self.venue.wallClock, chainID: self.venue.configuration.chainID,
            timestampWindow: self.configuration.timestampWindow)
        ClobRoutes(venue: self.venue, ledger: self.ledger, authentication: authentication, prefix: "/clob")
            .register(on: self.group("clob", on: router, faults: .exchange))
        GammaRoutes(venue: self.venue).register(on: self.group("gamma", on: router, faults: .exchange))
        DataAPIRoutes(venue: self.venue).register(on: self.group("data-api", on: router, faults: .feed))
        RelayerRoutes(venue: self.venue, settings: self.configuration.relayer).register(on: self.group("relayer", on: router, faults: .relayer))
        RTDSRoutes(venue: self.venue).register(on: router.group("rtds"))
        ControlRoutes(venue: self.venue).register(on: router.group("control"))
        return router
    }

    /// An application serving ``router()`` (HTTP and the RTDS upgrade) on `host:port`; port 0
    /// picks a free one, reported through `onServerRunning`.
    public func application(host: String = "127.0.0.1", port: Int,
                            onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        let router = self.router()
        return Application(
            router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "fake-polymarket"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) })
    }

    private func group(_ prefix: String, on router: Router<FakePolymarketContext>, faults service: FakeService)
        -> RouterGroup<FakePolymarketContext>
    {
        router.group(RouterPath(prefix)).add(middleware: TransportFaults(
            venue: self.venue, service: service, unansweredHold: self.configuration.unansweredHold))
    }
}

/// Shows the venue's injected transport faults for one service in HTTP terms: a 5xx burst, a 429
/// with `Retry-After`, extra latency, or no answer at all.
struct TransportFaults: RouterMiddleware {
    typealias Context = FakePolymarketContext

    let venue: FakeVenue
    let service: FakeService
    let unansweredHold: Duration

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        switch await self.venue.takeFault(for: self.service) {
        case nil:
            return try await next(request, context)
        case .latency(let duration):
            try await self.venue.configuration.sleep(duration)
            return try await next(request, context)
        case .serverError(let status):
            throw WireError(HTTPResponse.Status(code: status), "injected server error")
        case .rateLimited(let retryAfter):
            let seconds = retryAfter.map { ($0.wholeMilliseconds + 999) / 1_000 } ?? 1
            throw WireError(.tooManyRequests, "Too Many Requests", headers: [.retryAfter: String(seconds)])
        case .timeout:
            return .unanswered(after: self.unansweredHold)
        }
    }
}
