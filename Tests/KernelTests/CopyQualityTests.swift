import Kernel
import Testing

/// Copy drag's arithmetic (issue #22), exact to the micro-dollar, without a store or a venue.
@Suite struct CopyQualityDragTests {
    static let token: TokenID = { do { return try TokenID("1234") } catch { preconditionFailure("\(error)") } }()
    static let other: TokenID = { do { return try TokenID("5678") } catch { preconditionFailure("\(error)") } }()
    static let now = Timestamp(epochMilliseconds: 1_800_000_000_000)

    static func price(_ text: String) -> Price { (try? Price(decimal: text)) ?? .zero }
    static func usd(_ text: String) -> Collateral { (try? Collateral(decimal: text)) ?? .zero }
    static func shares(_ text: String) -> Shares { (try? Shares(decimal: text)) ?? .zero }

    /// A copied buy: 8 of 10 ideal shares at 0.52 (book 0.51, leader 0.50), fee 0.02, mark 0.60.
    static let copied = CopyDrag.Entry(
        attemptID: "a1", tokenID: token, side: .buy, leaderPrice: price("0.5"), idealShares: shares("10"),
        filledShares: shares("8"), filledNotional: usd("4.16"), decisionPrice: price("0.51"), fees: usd("0.02"))
    /// A buy skipped for slippage: 5 ideal shares at the leader's 0.40.
    static let skipped = CopyDrag.Entry(
        attemptID: "a2", tokenID: token, side: .buy, leaderPrice: price("0.4"), idealShares: shares("5"),
        filledShares: .zero, filledNotional: .zero, decisionPrice: price("0.45"), fees: .zero, skipReason: .slippageTooHigh)
    /// A close-out: 3 shares sold at 0.55, fee 0.01 — no leader fill, so its result is U.
    static let closeOut = CopyDrag.Entry(
        attemptID: "a3", tokenID: token, side: .sell, leaderPrice: nil, idealShares: .zero,
        filledShares: shares("3"), filledNotional: usd("1.65"), decisionPrice: price("0.56"), fees: usd("0.01"))

    @Test func copyQualityComponentsAddUpExactlyToIdealLessActual() {
        let report = CopyDrag.report([Self.copied, Self.skipped, Self.closeOut], marks: [Self.token: Self.price("0.6")])
        #expect(report.ideal == Self.usd("2"))
        #expect(report.actual == Self.usd("0.46"))
        #expect(report.drag.slippage == Self.usd("0.08"))
        #expect(report.drag.timing == Self.usd("0.24"), "0.08 of timing plus the close-out's −U of 0.16")
        #expect(report.drag.sizing == Self.usd("0.2"))
        #expect(report.drag.skips == Self.usd("1"))
        #expect(report.drag.fees == Self.usd("0.02"))
        #expect(report.drag.total == report.ideal - report.actual)
        #expect(report.slippageBps == [400])
        #expect(report.idealNotional == Self.usd("7"))
        let slippageLine = report.skipsByReason.first { $0.reason == "SLIPPAGE_TOO_HIGH" }
        #expect(slippageLine == CopyDrag.SkipLine(reason: "SLIPPAGE_TOO_HIGH", count: 1, value: Self.usd("1")))
        #expect(report.skipsByReason.map(\.reason) == SkipReason.allCases.map(\.rawValue) + ["NOT_FILLED", "FAILED"])
        #expect(report.skipsByReason.reduce(Collateral.zero) { $0 + $1.value } == report.drag.skips)
    }

    @Test func copyQualityLeavesUnmarkedTokensOutAndCountsThem() {
        var elsewhere = Self.copied
        elsewhere.tokenID = Self.other
        let report = CopyDrag.report([Self.copied, elsewhere], marks: [Self.token: Self.price("0.6")])
        #expect(report.unmarked == 1)
        #expect(report.attempts == 1)
        #expect(report.ideal == Self.usd("1"))
    }

    @Test func copyQualityValuesRoundHalfToEvenAtOneMicroDollar() {
        let half = Price(baseUnits: 500_000)
        #expect(CopyDrag.value(.buy, Shares(baseUnits: 1), mark: half, at: .zero) == Collateral(baseUnits: 0))
        #expect(CopyDrag.value(.buy, Shares(baseUnits: 3), mark: half, at: .zero) == Collateral(baseUnits: 2))
        #expect(CopyDrag.value(.buy, Shares(baseUnits: 5), mark: half, at: .zero) == Collateral(baseUnits: 2))
        #expect(CopyDrag.value(.sell, Shares(baseUnits: 3), mark: half, at: .zero) == Collateral(baseUnits: -2))
        #expect(CopyDrag.value(.sell, Shares(baseUnits: 1), mark: half, at: .zero) == Collateral(baseUnits: 0))
        // Many odd half-cents still add up: each V is rounded once and the components are sums of them.
        var entries: [CopyDrag.Entry] = []
        for index in Int64(1)...7 {
            let side: Side = index % 2 == 0 ? .buy : .sell
            let idealUnits: Int64 = 1_234_567 * index
            let filledUnits: Int64 = 999_999 * index
            let notionalUnits: Int64 = 345_677 * index
            entries.append(CopyDrag.Entry(
                attemptID: AttemptID("a\(index)"), tokenID: Self.token, side: side,
                leaderPrice: Price(baseUnits: 333_333), idealShares: Shares(baseUnits: idealUnits),
                filledShares: Shares(baseUnits: filledUnits), filledNotional: Collateral(baseUnits: notionalUnits),
                decisionPrice: Price(baseUnits: 341_111), fees: Collateral(baseUnits: 7 * index)))
        }
        let report = CopyDrag.report(entries, marks: [Self.token: Price(baseUnits: 777_777)])
        #expect(report.drag.total == report.ideal - report.actual)
    }

    @Test func copyQualitySlippageIsSignedWorsePositiveForBuysAndSells() {
        #expect(CopyDrag.slippageBps(.buy, shares: Self.shares("10"), notional: Self.usd("5.1"), leader: Self.price("0.5")) == 200)
        #expect(CopyDrag.slippageBps(.buy, shares: Self.shares("10"), notional: Self.usd("4.9"), leader: Self.price("0.5")) == -200)
        #expect(CopyDrag.slippageBps(.sell, shares: Self.shares("10"), notional: Self.usd("4.9"), leader: Self.price("0.5")) == 200)
        #expect(CopyDrag.percentile([5, 1, 4, 2, 3], 50) == 3)
        #expect(CopyDrag.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9)
        #expect(CopyDrag.percentile([], 90) == nil)
    }

    @Test func copyQualityAutoPauseJudgesOnlyAFullWindowAndNamesTheRule() {
        // Each copy: 8 of 10 ideal shares; drag per copy 0.38 of an ideal notional of 5 (7.6%).
        let copies = [Self.copied, Self.copied, Self.copied]
        let marks = [Self.token: Self.price("0.6")]
        let drag = AutoPauseRule(maxDragPercent: Ratio(baseUnits: 7_000_000), maxSlippageBpsP90: nil, window: 3)
        #expect(drag.breach(Array(copies.prefix(2)), marks: marks) == nil, "two copies are not a window of three")
        #expect(drag.breach(copies, marks: marks)
            == "maxDragPercent: drag 1.14 pUSD is 7.6% of the ideal notional 15 over the last 3 copies (limit 7%)")
        let lenient = AutoPauseRule(maxDragPercent: Ratio(baseUnits: 7_600_000), maxSlippageBpsP90: nil, window: 3)
        #expect(lenient.breach(copies, marks: marks) == nil, "exactly at the limit is not a breach")
        let slippage = AutoPauseRule(maxDragPercent: nil, maxSlippageBpsP90: 399, window: 2)
        #expect(slippage.breach(copies, marks: marks)
            == "maxSlippageBpsP90: slippage p90 400 bps over the last 2 copies (limit 399 bps)")
        #expect(AutoPauseRule(maxDragPercent: nil, maxSlippageBpsP90: 400, window: 2).breach(copies, marks: marks) == nil)
    }

    @Test func copyQualityRecordsQStarAndTheDecisionPriceOnTheFirstDecisionOnly() throws {
        let leader = try WalletAddress("0x00000000000000000000000000000000000000aa")
        let fill = LeaderFill(leaderAddress: leader, transactionHash: "0x1", tokenID: Self.token, conditionID: "0xc0",
                              marketSlug: "m", outcome: "Yes", side: .buy, size: Self.shares("100"),
                              price: Self.price("0.4"), occurredAt: Self.now, source: .dataAPI)
        let event = LeaderEvent(id: "e1", leaderID: "l1", identity: "x#0", fill: fill, detectedAt: Self.now, createdAt: Self.now)
        var profile = CopyProfile(id: "p1", userID: "u1", leaderID: "l1", walletID: "w1", sizing: .fixedUSD(.dollars(10)),
                                  createdAt: Self.now, updatedAt: Self.now)
        let book = OrderBook(tokenID: Self.token, bids: [BookLevel(price: Self.price("0.49"), size: .whole(10))],
                             asks: [BookLevel(price: Self.price("0.51"), size: .whole(10))], tickSize: Self.price("0.01"),
                             minOrderSize: .whole(5))
        let market = MarketInfo(tokenID: Self.token, conditionID: "0xc0", slug: "m", outcome: "Yes",
                                tickSize: Self.price("0.01"), minOrderSize: .whole(5), negRisk: false)
        let pending = Self.attempt("a1", kind: .entry, status: .pending, event: "e1", at: 0)
        var facts = AttemptFacts(now: Self.now, profile: profile, hasWallet: true, event: event,
                                 market: .known(MarketBook(market: market, book: book)))
        let skipped = DecisionRecord.recorded(pending, action: .skip(.slippageTooHigh), facts: facts)
        #expect(skipped.idealShares == Self.shares("25"), "$10 at the leader's 0.40")
        #expect(skipped.decisionPrice == Self.price("0.51"), "the best ask")
        #expect(skipped.note == nil)
        var placing = skipped
        placing.status = .placing
        #expect(DecisionRecord.recorded(placing, action: .release(dueIn: .zero), facts: facts) == placing)
        profile.status = .userPaused
        facts.profile = profile
        facts.market = .unread
        let paused = DecisionRecord.recorded(pending, action: .skip(.profileNotActive), facts: facts)
        #expect(paused.note == QualityHistory.userPausedNote && paused.decisionPrice == nil)
        profile.status = .paused
        facts.profile = profile
        #expect(DecisionRecord.recorded(pending, action: .skip(.profileNotActive), facts: facts).note == nil,
                "an operator's pause is counted")
        profile.sizing = .percentOfBalance(Ratio(baseUnits: 100_000))
        facts.profile = profile
        #expect(DecisionRecord.idealShares(profile, fill: fill, facts: facts) == nil, "live, balance not read")
        facts.balance = .known(.dollars(200))
        #expect(DecisionRecord.idealShares(profile, fill: fill, facts: facts) == Self.shares("50"))
    }

    static func attempt(_ id: String, kind: CopyAttempt.Kind, status: CopyAttempt.Status, ideal: Shares? = nil,
                        event: LeaderEventID? = nil, at offset: Int64, skip: SkipReason? = nil,
                        note: String? = nil) -> CopyAttempt {
        let time = Timestamp(epochMilliseconds: Self.now.epochMilliseconds + offset)
        return CopyAttempt(id: AttemptID(id), profileID: "p1", userID: "u1", leaderEventID: event, kind: kind,
                           tokenID: Self.token, status: status, skipReason: skip, note: note, dueAt: time,
                           detectedAt: time, leaderPrice: kind == .closeOut ? nil : Self.price("0.5"),
                           idealShares: ideal, createdAt: time, updatedAt: time)
    }

    static func order(_ attemptID: String, side: Side, shares: String, notional: String, fee: String) -> Order {
        Order(id: OrderID("0x\(attemptID)"), attemptID: AttemptID(attemptID), profileID: "p1", walletID: "w1",
              tokenID: Self.token, side: side, type: side == .buy ? .fok : .fak, limitPrice: Self.price("0.5"),
              shares: Self.shares(shares), makerAmount: 0, takerAmount: 0, status: .filled, signedPayload: "{}",
              filledShares: Self.shares(shares), filledNotional: Self.usd(notional), fee: Self.usd(fee),
              paper: false, createdAt: Self.now, updatedAt: Self.now)
    }

    @Test func copyQualityReplaysTheIdealHoldingForExitsAndLeavesUserPausesOut() throws {
        let leader = try WalletAddress("0x00000000000000000000000000000000000000aa")
        let sell = LeaderFill(leaderAddress: leader, transactionHash: "0x1", tokenID: Self.token, conditionID: "0xc0",
                              marketSlug: "m", outcome: "Yes", side: .sell, size: Self.shares("50"),
                              price: Self.price("0.5"), occurredAt: Self.now, source: .dataAPI)
        let exitEvent = LeaderEvent(id: "e2", leaderID: "l1", identity: "x#0", fill: sell,
                                    leaderPositionBefore: Self.shares("100"), detectedAt: Self.now, createdAt: Self.now)
        let attempts = [
            Self.attempt("a1", kind: .entry, status: .done, ideal: Self.shares("10"), at: 0),
            Self.attempt("a2", kind: .entry, status: .skipped, ideal: Self.shares("4"), at: 1, skip: .profileNotActive,
                         note: QualityHistory.userPausedNote),
            Self.attempt("a3", kind: .exit, status: .done, event: "e2", at: 2),
            Self.attempt("a4", kind: .entry, status: .pending, ideal: Self.shares("2"), at: 3),
        ]
        let orders = [Self.order("a1", side: .buy, shares: "8", notional: "4", fee: "0.01"),
                      Self.order("a3", side: .sell, shares: "4", notional: "2", fee: "0")]
        let entries = QualityHistory.entries(attempts: attempts, orders: orders, events: ["e2": exitEvent], since: nil)
        #expect(entries.map(\.attemptID) == ["a1", "a3"], "the user's pause and an unfinished attempt are left out")
        #expect(entries.map(\.idealShares) == [Self.shares("10"), Self.shares("5")], "half of the ideal 10, not of the 8 held")
        #expect(entries.map(\.fees) == [Self.usd("0.01"), .zero])
        let windowed = QualityHistory.entries(attempts: attempts, orders: orders, events: ["e2": exitEvent],
                                              since: Timestamp(epochMilliseconds: Self.now.epochMilliseconds + 2))
        #expect(windowed.map(\.idealShares) == [Self.shares("5")], "replayed from the start, counted in the window")
    }
}
