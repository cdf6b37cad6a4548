import Kernel
@testable import PolymarketAdapter
import Testing

/// The market info names its event (issue #22's event caps) from Gamma's `events`.
@Suite struct EventCapMarketTests {
    @Test func eventCapTheMarketCarriesGammasEventSlug() async throws {
        let transport = RecordingTransport()
        Fixture.serveMarket(transport, negRisk: true, gammaExtra: #","events":[{"id":"9","slug":"who-wins-2026"}]"#)
        let market = try await Fixture.exchange(transport).market(tokenID: Fixture.token)
        #expect(market.eventID == "who-wins-2026")
    }

    @Test func eventCapAMarketWithoutAnEventHasNone() async throws {
        let transport = RecordingTransport()
        Fixture.serveMarket(transport)
        #expect(try await Fixture.exchange(transport).market(tokenID: Fixture.token).eventID == nil)
    }
}
