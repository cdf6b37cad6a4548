import Kernel
import Testing

extension CopyQualityContract {
    /// EventCap: two outcome markets of one neg-risk event and a market of another event, a $10
    /// follow capped at $15 per event (no per-market cap). The copy in the other event does not
    /// count; the first outcome is copied in full; the second outcome's copy is reduced to what
    /// the event has left; a further buy of it is skipped with `EVENT_CAP_REACHED`, which the
    /// quality answer counts.
    static func eventCap(_ harness: CopyFlowHarness) async throws {
        let control = harness.venue.control
        var markets: [VenueMarket] = []
        var tokens: [TokenID] = []
        for outcome in ["first", "second", "elsewhere"] {
            let (market, token) = try await EventCapMarket.make(
                control, slug: "event-cap-\(outcome)", event: outcome == "elsewhere" ? nil : "event-cap-event")
            markets.append(market)
            tokens.append(token)
        }
        let scenario = try await FlowScenario.make(harness, limits: CopyLimits(maxPerEvent: .dollars(15)),
                                                   market: (markets[0], tokens[0]))
        let cap = Collateral.dollars(15)

        func leaderBuys(_ token: TokenID) async throws {
            _ = try await control.leaderTrade(LeaderTrade(
                leader: scenario.leader.address, legs: [.init(tokenID: token, side: .buy, size: .whole(100), price: price(500_000))]))
            try await harness.ingestor().poll()
            try await harness.engine().runOnce()
            harness.clock.advance(by: .seconds(1))
        }
        func position(_ token: TokenID) async throws -> Position? {
            try await harness.store.position(profileID: scenario.profile.id, tokenID: token)
        }

        try await leaderBuys(tokens[2])
        #expect(try await position(tokens[2])?.shares == FlowScenario.bought, "another event's copy, in full")
        try await leaderBuys(tokens[0])
        let inFirst = try #require(try await position(tokens[0]))
        #expect(inFirst.shares == FlowScenario.bought, "the first outcome is copied in full")

        try await leaderBuys(tokens[1])
        let inSecond = try #require(try await position(tokens[1]))
        #expect(inSecond.shares.baseUnits > 0 && inSecond.shares < FlowScenario.bought, "reduced to the event's room")
        #expect(inFirst.costBasis + inSecond.costBasis <= cap)
        // What was left: $15 less the first outcome, at the 0.53 limit, on the 0.01 step.
        let room = cap - inFirst.costBasis
        #expect(room - inSecond.costBasis < Collateral(baseUnits: 600_000), "the cut uses the room, not less")

        try await leaderBuys(tokens[1])
        let attempts = try await scenario.attempts(harness)
        #expect(attempts.count == 4)
        let skipped = attempts.filter { $0.status == .skipped }
        #expect(skipped.map(\.skipReason) == [.eventCapReached], "\(attempts.map { ($0.status, $0.skipReason) })")
        #expect(try await position(tokens[1])?.shares == inSecond.shares, "nothing more bought")

        let reader = QualityReader(store: harness.store,
                                   marks: QualityReader.venueMarks(exchange: harness.venue.exchange, feed: harness.venue.feed))
        let report = try await reader.report(of: [scenario.profile], since: nil)
        #expect(report.skipsByReason.first { $0.reason == "EVENT_CAP_REACHED" }?.count == 1)
    }
}

/// The event caps' markets: one outcome token each, in a neg-risk event (or none), its book
/// asking 0.51 and 0.52 (500 shares each) and bidding 0.49, on the 0.01 tick with a 5-share minimum.
enum EventCapMarket {
    static func make(_ control: any VenueControl, slug: String, event: String?) async throws -> (VenueMarket, TokenID) {
        let cent = FlowScenario.cent
        let market = try await control.createMarket(VenueMarketSpec(
            slug: slug, tickSize: cent, minOrderSize: .whole(5), negRisk: event != nil, eventSlug: event))
        let token = try #require(market.tokenIDs.first)
        try await control.setBook(OrderBook(
            tokenID: token, bids: [BookLevel(price: Price(baseUnits: 490_000), size: .whole(500))],
            asks: [BookLevel(price: Price(baseUnits: 510_000), size: .whole(500)),
                   BookLevel(price: Price(baseUnits: 520_000), size: .whole(500))],
            tickSize: cent, minOrderSize: .whole(5)))
        return (market, token)
    }
}
