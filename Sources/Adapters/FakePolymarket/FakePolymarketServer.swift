public import FakeExchangeAdapter
public import Hummingbird
public import HummingbirdWebSocket

/// Every route's request context: one router serves HTTP and the RTDS WebSocket upgrade.
public typealias FakePolymarketContext = BasicWebSocketRequestContext

/// Polymarket's wire protocol over a ``FakeVenue`` on one port, one path prefix per service
/// (the CLOB and Gamma both have `/markets`), so each `POLYMARKET_*_URL` can point at it:
/// `/clob`, `/gamma`, `/data-api`, `/relayer`, `/rtds` (WebSocket) and `/control` (test-side
/// venue control, which Polymarket does not have).
public struct FakePolymarketServer: Sendable {
    public let venue: FakeVenue

    public init(venue: FakeVenue) {
        self.venue = venue
    }

    /// The routes of every service under their prefixes.
    public func router() -> Router<FakePolymarketContext> {
        let router = Router(context: FakePolymarketContext.self)
        RelayerRoutes(venue: self.venue).register(on: router.group("relayer"))
        RTDSRoutes(venue: self.venue).register(on: router.group("rtds"))
        return router
    }
}
