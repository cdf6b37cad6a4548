import FakeExchangeAdapter
import Hummingbird

/// The relayer's routes (spec §11) over the venue.
struct RelayerRoutes: Sendable {
    let venue: FakeVenue

    func register(on group: RouterGroup<FakePolymarketContext>) {}
}
