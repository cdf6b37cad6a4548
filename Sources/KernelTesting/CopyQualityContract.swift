import Kernel
import Logging
import Testing

extension CopyQualityContract {
    public static var cases: [CopyQualityContract] { [
        .init("a known history gives the exact drag components, to the micro-dollar") { harness async throws in
            try await Self.knownHistory(harness)
        },
        .init("a twin with a wider slippage limit copies what the live follow skipped, with no order sent") { harness async throws in
            try await Self.twin(harness)
        },
        .init("an auto-pause rule pauses a follow whose copies drift, and a resume restarts its window") { harness async throws in
            try await Self.autoPause(harness)
        },
        .init("EventCap: the event cap reduces and then stops the second outcome of one event") { harness async throws in
            try await Self.eventCap(harness)
        },
    ] }

    /// The leader buys at 0.40 while the book asks 0.51: the live follow (3 cents of slippage)
    /// skips it; its twin allowing 15 cents copies it on paper, after the live follower, with no
    /// order reaching the venue. A follow has at most 3 twins.
    static func twin(_ harness: CopyFlowHarness) async throws {
        let scenario = try await FlowScenario.make(harness)
        let commands = ProfileCommands(store: harness.store, wallClock: harness.clock.wallClock, ids: harness.ids.generator)
        let twin = try await commands.twin(of: scenario.profile.id, settings: { profile in
            var wider = profile
            wider.limits.maxSlippage = price(150_000)
            return wider
        }, by: "user:\(scenario.profile.userID.rawValue)")
        #expect(twin.mode == .paper && twin.twinOf == scenario.profile.id && twin.leaderID == scenario.leader.id)
        _ = try await control(harness).leaderTrade(LeaderTrade(
            leader: scenario.leader.address,
            legs: [.init(tokenID: scenario.token, side: .buy, size: .whole(100), price: price(400_000))]))
        try await harness.ingestor().poll()
        try await harness.engine().runOnce()

        let attempts = try await scenario.attempts(harness)
        let live = try #require(attempts.first { $0.profileID == scenario.profile.id })
        let shadow = try #require(attempts.first { $0.profileID == twin.id })
        #expect(live.status == .skipped && live.skipReason == .slippageTooHigh)
        #expect(shadow.status == .done && shadow.filledShares.baseUnits > 0)
        #expect(shadow.fanoutPlace == 1, "the twin is sized after the live follower")
        let orders = try await harness.store.orders(attemptID: shadow.id)
        #expect(!orders.isEmpty && orders.allSatisfy(\.paper))
        #expect(try await control(harness).collateral(of: scenario.account.funderAddress) == .dollars(100), "nothing was sent")
        #expect(try await control(harness).shares(of: scenario.account.funderAddress, tokenID: scenario.token) == .zero)

        let reader = QualityReader(store: harness.store,
                                   marks: QualityReader.venueMarks(exchange: harness.venue.exchange, feed: harness.venue.feed))
        let liveReport = try await reader.report(of: [scenario.profile], since: nil)
        let twinReport = try await reader.report(of: [twin], since: nil)
        #expect(liveReport.skipsByReason.first { $0.reason == "SLIPPAGE_TOO_HIGH" }?.count == 1)
        #expect(twinReport.skipsByReason.allSatisfy { $0.count == 0 } && twinReport.ideal == liveReport.ideal)

        for _ in 0..<2 {
            _ = try await commands.twin(of: scenario.profile.id, settings: { $0 }, by: "test")
        }
        await #expect(throws: ProfileCommands.TwinFailure.tooManyTwins(scenario.profile.id)) {
            _ = try await commands.twin(of: scenario.profile.id, settings: { $0 }, by: "test")
        }
        await #expect(throws: ProfileCommands.TwinFailure.twinMustBePaper) {
            _ = try await commands.twin(of: scenario.profile.id, settings: { var live = $0; live.mode = .live; return live },
                                        by: "test")
        }
    }

    static func control(_ harness: CopyFlowHarness) -> any VenueControl { harness.venue.control }

    /// A rule of slippage p90 ≤ 100 bps over 2 copies; every copy fills at the 0.51 ask against the
    /// leader's 0.50 (200 bps): one copy is not a full window, two break the rule; after a resume
    /// the window starts again.
    static func autoPause(_ harness: CopyFlowHarness) async throws {
        let rule = AutoPauseRule(maxDragPercent: nil, maxSlippageBpsP90: 100, window: 2)
        let scenario = try await FlowScenario.make(harness, limits: CopyLimits(autoPause: rule))
        let guardian = AutoPauseGuard(
            store: harness.store, marks: QualityReader.venueMarks(exchange: harness.venue.exchange, feed: harness.venue.feed),
            wallClock: harness.clock.wallClock, ids: harness.ids.generator, logger: Logger(label: "auto-pause"))
        #expect(try await harness.store.profilesWithAutoPause().map(\.id) == [scenario.profile.id])
        try await scenario.copyLeaderBuy(on: harness)
        #expect(try await guardian.run().isEmpty, "one copy is not a full window")
        harness.clock.advance(by: .seconds(1))
        try await scenario.copyLeaderBuy(on: harness)
        #expect(try await guardian.run() == [scenario.profile.id])
        var profile = try #require(try await harness.store.profile(id: scenario.profile.id))
        #expect(profile.status == .userPaused)
        #expect(profile.pausedByRule?.hasPrefix("maxSlippageBpsP90: slippage p90 200 bps over the last 2 copies") == true,
                "\(profile.pausedByRule ?? "no rule")")
        let audit = try await harness.store.recentAudit(limit: 5)
        #expect(audit.contains { $0.action == "profile.auto_paused" && $0.subjectID == scenario.profile.id.rawValue })
        #expect(try await harness.store.profilesWithAutoPause().isEmpty, "a paused follow is not judged")

        harness.clock.advance(by: .seconds(1))
        let commands = ProfileCommands(store: harness.store, wallClock: harness.clock.wallClock, ids: harness.ids.generator)
        profile = try await commands.resume(scenario.profile.id)
        #expect(profile.status == .enabled && profile.pausedByRule == nil)
        #expect(profile.resumedAt == harness.clock.now())
        #expect(try await guardian.run().isEmpty, "the window restarts at the resume")
        harness.clock.advance(by: .seconds(1))
        try await scenario.copyLeaderBuy(on: harness)
        #expect(try await guardian.run().isEmpty, "one copy since the resume")
        #expect(try await harness.store.profile(id: scenario.profile.id)?.status == .enabled)
    }

    static func price(_ units: Int64) -> Price { Price(baseUnits: units) }
    static func usd(_ units: Int64) -> Collateral { Collateral(baseUnits: units) }

    /// Two markets (one free, one with a taker fee), a $10 follow capped at $15 per market:
    /// 1. copied on A across two ask levels (known slippage against the decision's best ask);
    /// 2. copied on B, paying the fee;
    /// 3. a second buy on A, cut by the market cap (sizing drag);
    /// 4. a buy at 0.40 skipped for slippage; 5. one seen 61 s late, skipped as too old;
    /// 6. stopped with "sell now": both positions closed out at the bid (U).
    /// Marked at midpoints 0.60 (A) and 0.70 (B).
    static func knownHistory(_ harness: CopyFlowHarness) async throws {
        let cent = FlowScenario.cent
        let scenario = try await FlowScenario.make(
            harness, limits: CopyLimits(maxPerMarket: .dollars(15)),
            asks: [BookLevel(price: price(510_000), size: .whole(10)), BookLevel(price: price(520_000), size: .whole(500))])
        let control = harness.venue.control
        let feeMarket = try await control.createMarket(VenueMarketSpec(
            slug: "quality-fee-market", tickSize: cent, minOrderSize: .whole(5),
            takerFee: FeeSchedule(rate: Ratio(baseUnits: 100_000), exponent: 1)))
        let feeToken = try #require(feeMarket.tokenIDs.first)
        try await control.setBook(OrderBook(
            tokenID: feeToken, bids: [BookLevel(price: price(390_000), size: .whole(500))],
            asks: [BookLevel(price: price(410_000), size: .whole(500))], tickSize: cent, minOrderSize: .whole(5)))
        let engine = harness.engine()
        let ingestor = harness.ingestor()
        func trade(_ token: TokenID, at price: Price) async throws {
            _ = try await control.leaderTrade(LeaderTrade(
                leader: scenario.leader.address, legs: [.init(tokenID: token, side: .buy, size: .whole(100), price: price)]))
        }
        // 1 and 2.
        try await trade(scenario.token, at: price(500_000))
        try await trade(feeToken, at: price(400_000))
        try await ingestor.poll()
        try await engine.runOnce()
        harness.clock.advance(by: .seconds(1))
        // 3: the cap leaves $15 less what the first copy cost.
        try await trade(scenario.token, at: price(500_000))
        // 4: 0.40 + 3 cents is below the 0.52 ask.
        try await trade(scenario.token, at: price(400_000))
        try await ingestor.poll()
        try await engine.runOnce()
        harness.clock.advance(by: .seconds(1))
        // 5: seen 61 s after it happened.
        try await trade(scenario.token, at: price(500_000))
        harness.clock.advance(by: .seconds(61))
        try await ingestor.poll()
        try await engine.runOnce()
        // 6.
        let commands = ProfileCommands(store: harness.store, wallClock: harness.clock.wallClock, ids: harness.ids.generator)
        _ = try await commands.stop(scenario.profile.id, behavior: .sellNow)
        try await engine.runOnce()

        let attempts = try await scenario.attempts(harness)
        let finished = attempts.allSatisfy { $0.status.isTerminal }
        #expect(finished, "\(attempts.map(\.status))")
        #expect(attempts.filter { $0.status == .skipped }.compactMap(\.skipReason).sorted { $0.rawValue < $1.rawValue }
            == [.fillTooOld, .slippageTooHigh])

        try await control.setBook(OrderBook(
            tokenID: scenario.token, bids: [BookLevel(price: price(590_000), size: .whole(100))],
            asks: [BookLevel(price: price(610_000), size: .whole(100))], tickSize: cent, minOrderSize: .whole(5)))
        try await control.setBook(OrderBook(
            tokenID: feeToken, bids: [BookLevel(price: price(690_000), size: .whole(100))],
            asks: [BookLevel(price: price(710_000), size: .whole(100))], tickSize: cent, minOrderSize: .whole(5)))
        let reader = QualityReader(store: harness.store,
                                   marks: QualityReader.venueMarks(exchange: harness.venue.exchange, feed: harness.venue.feed))
        let report = try await reader.report(of: [scenario.profile], since: nil)
        // By hand, marks A 0.60, B 0.70 (V = s·q·(m − p)):
        // 1. A q* 20 @ 0.50, p_d 0.51, 18.849 for 9.70148: V* 2, V_L 1.8849, V_d 1.69641, V_f 1.60792.
        // 2. B q* 25 @ 0.40, p_d 0.41, 22 for 9.02, fee 0.53218: V* 7.5, V_L 6.6, V_d 6.38, V_f 6.38.
        // 3. A q* 20 @ 0.50, p_d 0.52, capped to 9.9811 for 5.190172: V* 2, V_L 0.99811, V_d = V_f 0.798488.
        // 4. A q* 25 @ 0.40 skipped for slippage: 5. 5. A q* 20 @ 0.50 too old: 2.
        // Close-outs: B 22 sold for 8.58, fee 0.52338: U −7.34338; A 28.83 sold for 14.1267: U −3.1713.
        #expect(report.ideal == usd(18_500_000))
        #expect(report.actual == usd(-2_260_452))
        #expect(report.drag.slippage == usd(88_490))
        #expect(report.drag.timing == usd(11_122_792))
        #expect(report.drag.sizing == usd(2_016_990))
        #expect(report.drag.skips == usd(7_000_000))
        #expect(report.drag.fees == usd(532_180))
        #expect(report.slippageBps == [294, 250, 400])
        #expect(report.drag.total == report.ideal - report.actual)
        #expect(report.unmarked == 0)
        let lines = Dictionary(uniqueKeysWithValues: report.skipsByReason.map { ($0.reason, $0) })
        #expect(lines["SLIPPAGE_TOO_HIGH"] == CopyDrag.SkipLine(reason: "SLIPPAGE_TOO_HIGH", count: 1, value: usd(5_000_000)))
        #expect(lines["FILL_TOO_OLD"] == CopyDrag.SkipLine(reason: "FILL_TOO_OLD", count: 1, value: usd(2_000_000)))
        #expect(report.skipsByReason.reduce(0) { $0 + $1.count } == 2)
        // A window starting just after the first two copies leaves them out.
        let later = try await reader.report(of: [scenario.profile], since: attempts.map(\.createdAt).min().map { $0 + .milliseconds(1) })
        #expect(later.ideal == usd(9_000_000) && later.drag.total == later.ideal - later.actual)
    }
}
