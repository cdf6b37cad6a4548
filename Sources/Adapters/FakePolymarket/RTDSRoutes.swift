import FakeExchangeAdapter
import Hummingbird

/// The RTDS activity stream (spec §10.3) over the venue's live fills.
struct RTDSRoutes: Sendable {
    let venue: FakeVenue

    func register(on group: RouterGroup<FakePolymarketContext>) {}
}
