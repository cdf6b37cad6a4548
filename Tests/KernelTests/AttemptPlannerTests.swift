import Kernel
import Testing

/// The planner's decisions, state × facts → action, checked synchronously without a store or a
/// venue (as postgres-nio tests its connection state machines).
@Suite struct AttemptPlannerTests {
    static let now = Timestamp(epochMilliseconds: 1_800_000_000_000)
    static let token: TokenID = { do { return try TokenID("1234") } catch { preconditionFailure("\(error)") } }()
    static let cent = Price(baseUnits: 10_000)
    static let leader: WalletAddress = {
        do { return try WalletAddress("0x00000000000000000000000000000000000000aa") } catch { preconditionFailure("\(error)") }
    }()
    static let settings = AttemptPlanner.Settings(deferBackoff: .seconds(5), reconcileBackoff: .seconds(2),
                                                  exitRetryBackoff: .seconds(5))

    static func profile(status: ProfileStatus = .enabled, mode: TradingMode = .live) -> CopyProfile {
        CopyProfile(id: "profile-1", userID: "user-1", leaderID: "leader-1", walletID: "wallet-1", status: status,
                    mode: mode, sizing: .fixedUSD(.dollars(10)), createdAt: Self.now, updatedAt: Self.now)
    }

    static func event(side: Side = .buy, size: Shares = .whole(100), before: Shares? = nil,
                      age: Duration = .seconds(1)) -> LeaderEvent {
        let fill = LeaderFill(
            leaderAddress: Self.leader, transactionHash: "0xabc", tokenID: Self.token,
            conditionID: "0xc0", marketSlug: "m", outcome: "Yes", side: side, size: size,
            price: Price(baseUnits: 500_000), occurredAt: Self.now - age, source: .dataAPI)
        return LeaderEvent(id: "event-1", leaderID: "leader-1", identity: "id#1", fill: fill,
                           leaderPositionBefore: before, detectedAt: Self.now, createdAt: Self.now)
    }

    static func attempt(_ kind: CopyAttempt.Kind = .entry, status: CopyAttempt.Status = .pending,
                        target: Shares? = nil) -> CopyAttempt {
        CopyAttempt(id: "attempt-1", profileID: "profile-1", userID: "user-1",
                    leaderEventID: kind == .closeOut ? nil : "event-1", kind: kind, tokenID: Self.token,
                    conditionID: "0xc0", targetShares: target, status: status, dueAt: Self.now,
                    fencingToken: 1, detectedAt: Self.now, leaderPrice: Price(baseUnits: 500_000),
                    createdAt: Self.now, updatedAt: Self.now)
    }

    /// Asks at 0.51 (500 shares), bids at 0.49 (500), tick 0.01, minimum 5 shares.
    static func market(acceptingOrders: Bool = true, asks: [BookLevel]? = nil,
                       bids: [BookLevel]? = nil) -> VenueFact<MarketBook> {
        let info = MarketInfo(tokenID: Self.token, conditionID: "0xc0", slug: "m", outcome: "Yes", tickSize: Self.cent,
                              minOrderSize: .whole(5), negRisk: false, acceptingOrders: acceptingOrders)
        let book = OrderBook(
            tokenID: Self.token, bids: bids ?? [BookLevel(price: Price(baseUnits: 490_000), size: .whole(500))],
            asks: asks ?? [BookLevel(price: Price(baseUnits: 510_000), size: .whole(500))],
            tickSize: Self.cent, minOrderSize: .whole(5))
        return .known(MarketBook(market: info, book: book))
    }

    static func facts(profile: CopyProfile? = Self.profile(), event: LeaderEvent? = Self.event(),
                      market: VenueFact<MarketBook> = .unread, balance: VenueFact<Collateral> = .unread,
                      held: Shares = .zero, sellable: Shares = .zero, orders: [Order] = [],
                      lookups: [OrderID: VenueFact<OrderSnapshot?>] = [:], at now: Timestamp = Self.now) -> AttemptFacts {
        AttemptFacts(now: now, profile: profile, hasWallet: true, event: event, market: market, balance: balance,
                     held: held, sellable: sellable, orders: orders, lookups: lookups)
    }

    static func order(_ status: Order.Status, side: Side = .buy, shares: Shares = .whole(10), filled: Shares = .zero,
                      note: String? = nil, updatedAt: Timestamp = Self.now) -> Order {
        Order(id: "0x01", attemptID: "attempt-1", profileID: "profile-1", walletID: "wallet-1", tokenID: Self.token,
              side: side, type: side == .buy ? .fok : .fak, limitPrice: Price(baseUnits: 530_000), shares: shares,
              makerAmount: 1, takerAmount: 1, status: status, signedPayload: "{}", filledShares: filled,
              filledNotional: filled.value(at: Price(baseUnits: 510_000)), note: note, createdAt: Self.now,
              updatedAt: updatedAt)
    }

    func next(_ attempt: CopyAttempt, _ facts: AttemptFacts) -> AttemptAction {
        AttemptPlanner.next(attempt, facts, settings: Self.settings)
    }

    @Test func plannerFailsAnAttemptWhoseProfileOrWalletIsGone() {
        #expect(self.next(Self.attempt(), Self.facts(profile: nil)) == .fail(note: "profile or wallet missing"))
        var facts = Self.facts()
        facts.hasWallet = false
        #expect(self.next(Self.attempt(), facts) == .fail(note: "profile or wallet missing"))
        #expect(self.next(Self.attempt(), Self.facts(event: nil)) == .fail(note: "leader event missing"))
    }

    @Test(arguments: [
        (ProfileStatus.paused, Duration.seconds(1), AttemptAction.skip(.profileNotActive)),
        (.userPaused, .seconds(1), .skip(.profileNotActive)),
        (.exitOnly, .seconds(1), .skip(.profileNotActive)),
        (.enabled, .seconds(61), .skip(.fillTooOld)),
        (.enabled, .seconds(1), .readMarket(Self.token)),
    ])
    func plannerEntryChecksCheapFactsBeforeReadingTheMarket(_ status: ProfileStatus, _ age: Duration,
                                                            _ expected: AttemptAction) {
        #expect(self.next(Self.attempt(), Self.facts(profile: Self.profile(status: status), event: Self.event(age: age)))
            == expected)
    }

    @Test(arguments: [
        (VenueFact<MarketBook>.unavailable("timeout"), VenueFact<Collateral>.unread, AttemptAction.deferAttempt(note: "timeout")),
        (.refused("bad token"), .unread, .fail(note: "the venue refused to describe the market: bad token")),
        (Self.market(), .unread, .readBalance("wallet-1")),
        (Self.market(), .unavailable("503"), .deferAttempt(note: "503")),
        (Self.market(acceptingOrders: false), .unread, .skip(.marketClosed)),
        (Self.market(asks: [BookLevel(price: Price(baseUnits: 600_000), size: .whole(500))]), .unread,
         .skip(.slippageTooHigh)),
        (Self.market(), .known(.dollars(1)), .skip(.insufficientBalance)),
    ])
    func plannerEntryOutcomeForEachMarketAndBalanceFact(_ market: VenueFact<MarketBook>, _ balance: VenueFact<Collateral>,
                                                        _ expected: AttemptAction) {
        #expect(self.next(Self.attempt(), Self.facts(market: market, balance: balance)) == expected)
    }

    @Test func plannerEntryBuysWhatTheSizingAllowsAtTheSlippageLimit() {
        let action = self.next(Self.attempt(), Self.facts(market: Self.market(), balance: .known(.dollars(100))))
        // $10 at the 0.53 limit (leader 0.50 + 3 cents) is 18.86 shares on the 0.01 step.
        let intent = OrderIntent(tokenID: Self.token, side: .buy, type: .fok, limitPrice: Price(baseUnits: 530_000),
                                 shares: Shares(baseUnits: 18_860_000))
        #expect(action == .place(intent, target: nil, cost: Shares(baseUnits: 18_860_000).value(at: Price(baseUnits: 530_000), rounding: .up)))
    }

    @Test func plannerPaperEntryNeedsNoBalanceAndThinDepthSkips() {
        let paper = Self.profile(mode: .paper)
        guard case .place(let intent, nil, _) = self.next(Self.attempt(), Self.facts(profile: paper, market: Self.market()))
        else { Issue.record("a paper entry places without a balance read"); return }
        #expect(intent.side == .buy && intent.type == .fok)
        // The depth left by followers sized before this one: two shares is below the minimum.
        let thin = Self.market(asks: [BookLevel(price: Price(baseUnits: 510_000), size: .whole(2))])
        #expect(self.next(Self.attempt(), Self.facts(profile: paper, market: thin)) == .skip(.insufficientDepth))
    }

    @Test(arguments: [
        // (leader sold, leader held before, sellable) → shares sold: the leader's fraction, or all of it.
        (Shares.whole(50), Shares?.some(.whole(100)), Shares.whole(20), Shares.whole(10)),
        (.whole(100), .some(.whole(100)), .whole(20), .whole(20)),
        (.whole(50), nil, .whole(20), .whole(20)),
        (.whole(90), .some(.whole(100)), .whole(20), .whole(20)),   // 2 would be left: below the minimum, sell all
    ])
    func plannerExitSellsTheLeadersFractionAtTheBidLessSlippage(_ sold: Shares, _ before: Shares?, _ sellable: Shares,
                                                                 _ expected: Shares) {
        let facts = Self.facts(event: Self.event(side: .sell, size: sold, before: before), market: Self.market(),
                               held: sellable, sellable: sellable)
        let intent = OrderIntent(tokenID: Self.token, side: .sell, type: .fak, limitPrice: Price(baseUnits: 440_000),
                                 shares: expected)
        #expect(self.next(Self.attempt(.exit), facts) == .place(intent, target: expected, cost: .zero))
    }

    @Test(arguments: [
        (CopyAttempt.Kind.exit, ProfileStatus.paused, VenueFact<MarketBook>.unread, Shares.whole(20), AttemptAction.skip(.profileNotActive)),
        (.exit, .exitOnly, .unread, .whole(20), .readMarket(Self.token)),
        (.exit, .exitOnly, .unavailable("503"), .whole(20), .deferAttempt(note: "503")),
        (.exit, .enabled, Self.market(acceptingOrders: false), .whole(20), .skip(.marketClosed)),
        (.exit, .enabled, Self.market(), .zero, .skip(.nothingToSell)),
        (.closeOut, .stopped, Self.market(), .whole(3), .skip(.belowExchangeMinimum)),
        (.closeOut, .stopped, Self.market(bids: []), .whole(20), .waitForBids(target: .whole(20))),
    ])
    func plannerExitAndCloseOutOutcomes(_ kind: CopyAttempt.Kind, _ status: ProfileStatus, _ market: VenueFact<MarketBook>,
                                        _ sellable: Shares, _ expected: AttemptAction) {
        let facts = Self.facts(profile: Self.profile(status: status), event: kind == .exit ? Self.event(side: .sell) : nil,
                               market: market, held: sellable, sellable: sellable)
        #expect(self.next(Self.attempt(kind), facts) == expected)
    }

    @Test(arguments: [
        // (order status, profile status, lookup) → action
        (Order.Status.signed, ProfileStatus.enabled, VenueFact<OrderSnapshot?>?.none, "send"),
        (.signed, .paused, nil, "cancel"),
        (.submitted, .enabled, nil, "lookUp"),
        (.unknown, .enabled, .some(.unavailable("timeout")), "release"),
        (.live, .enabled, .some(.known(OrderSnapshot(orderID: "0x01", state: .filled))), "settle"),
        (.unknown, .enabled, .some(.known(nil)), "send"),
        (.submitted, .paused, .some(.known(nil)), "cancel"),
    ])
    func plannerReconcilesEachOpenOrderState(_ status: Order.Status, _ profile: ProfileStatus,
                                             _ lookup: VenueFact<OrderSnapshot?>?, _ expected: String) {
        let order = Self.order(status)
        let facts = Self.facts(profile: Self.profile(status: profile), orders: [order],
                               lookups: lookup.map { [order.id: $0] } ?? [:])
        let action = self.next(Self.attempt(status: .placing), facts)
        switch (action, expected) {
        case (.send(let sent), "send"): #expect(sent == order)
        case (.cancelUnsent(let canceled, _), "cancel"): #expect(canceled == order)
        case (.lookUp(let asked), "lookUp"): #expect(asked == order)
        case (.release(let dueIn), "release"): #expect(dueIn == Self.settings.deferBackoff)
        case (.settle(let settled, let snapshot), "settle"): #expect(settled == order && snapshot.state == .filled)
        default: Issue.record("\(status) with \(String(describing: lookup)): expected \(expected), got \(action)")
        }
    }

    @Test func plannerCompletesWhenEveryOrderIsFinal() {
        let filled = Self.order(.filled, filled: .whole(10))
        let done = self.next(Self.attempt(status: .placing), Self.facts(orders: [filled]))
        #expect(done == .complete(Completion(failed: false, filledShares: .whole(10), fillPrice: Price(baseUnits: 510_000),
                                             note: nil), target: nil))
        let rejected = Self.order(.rejected, note: "HTTP 400: invalid")
        let failed = self.next(Self.attempt(status: .placing), Self.facts(orders: [rejected]))
        #expect(failed == .complete(Completion(failed: true, filledShares: .zero, fillPrice: nil, note: "HTTP 400: invalid"),
                                    target: nil))
    }

    @Test func plannerExitShortOfItsTargetSellsTheRestAfterTheBackoff() {
        let first = Self.order(.partiallyFilled, side: .sell, shares: .whole(20), filled: .whole(8))
        let attempt = Self.attempt(.exit, status: .placing, target: .whole(20))
        let early = Self.facts(event: Self.event(side: .sell), held: .whole(12), orders: [first], at: Self.now + .seconds(1))
        #expect(self.next(attempt, early) == .release(dueIn: .seconds(4)))
        let due = Self.facts(event: Self.event(side: .sell), held: .whole(12), orders: [first], at: Self.now + .seconds(5))
        #expect(self.next(attempt, due) == .readMarket(Self.token))
        var withMarket = due
        withMarket.market = Self.market()
        let intent = OrderIntent(tokenID: Self.token, side: .sell, type: .fak, limitPrice: Price(baseUnits: 440_000),
                                 shares: .whole(12))
        #expect(self.next(attempt, withMarket) == .place(intent, target: .whole(20), cost: .zero))
    }

    @Test func plannerAfterPrepareAndAfterSendTables() {
        let prepared = PreparedOrder(
            orderID: "0x01", digest: [], intent: OrderIntent(tokenID: Self.token, side: .buy, type: .fok,
                                                            limitPrice: Self.cent, shares: .whole(5)),
            makerAmount: 1, takerAmount: 1, exchangeAddress: Self.leader, unsignedPayload: "")
        let entry = Self.attempt(status: .placing)
        #expect(AttemptPlanner.afterPrepare(entry, prepared: .known(prepared), mode: .live, settings: Self.settings)
            == .signAndPersist(prepared))
        #expect(AttemptPlanner.afterPrepare(entry, prepared: .known(prepared), mode: .paper, settings: Self.settings)
            == .fillOnPaper(prepared))
        #expect(AttemptPlanner.afterPrepare(Self.attempt(), prepared: .unavailable("503"), mode: .live, settings: Self.settings)
            == .deferAttempt(note: "503"))
        #expect(AttemptPlanner.afterPrepare(Self.attempt(.exit, status: .placing), prepared: .unavailable("503"),
                                            mode: .live, settings: Self.settings) == .release(dueIn: .seconds(5)))
        #expect(AttemptPlanner.afterPrepare(Self.attempt(), prepared: .refused("tick"), mode: .live, settings: Self.settings)
            == .fail(note: "order refused before signing: tick"))

        let order = Self.order(.submitted)
        let filled = OrderSnapshot(orderID: order.id, state: .filled)
        #expect(AttemptPlanner.afterSend(order, answer: .known(filled)) == .settle(order, filled))
        #expect(AttemptPlanner.afterSend(order, answer: .unavailable("timeout"))
            == .markUnknown(order, note: "send outcome unknown: timeout"))
        guard case .settle(_, let refused) = AttemptPlanner.afterSend(order, answer: .refused("bad")),
              case .rejected = refused.state
        else { Issue.record("a refused send settles as rejected"); return }
    }

    @Test func plannerSettlementBooksOnlyWhatFilledSinceTheLastLook() {
        let live = Self.order(.live, shares: .whole(10), filled: .whole(4))
        let snapshot = OrderSnapshot(orderID: live.id, state: .filled, filledShares: .whole(10),
                                     filledNotional: Shares.whole(10).value(at: Price(baseUnits: 510_000)))
        let settlement = AttemptPlanner.settlement(of: live, snapshot: snapshot, conditionID: "0xc0", at: Self.now)
        #expect(settlement?.order.status == .filled)
        #expect(settlement?.booking?.shares == .whole(6))
        #expect(settlement?.booking?.notional == Shares.whole(6).value(at: Price(baseUnits: 510_000)))
        // The venue's view is what we hold: nothing to write.
        let resting = OrderSnapshot(orderID: live.id, state: .live, filledShares: .whole(4))
        #expect(AttemptPlanner.settlement(of: live, snapshot: resting, conditionID: "0xc0", at: Self.now) == nil)
    }

    @Test func plannerFanOutSharesOneBookAndShufflesEachFanOut() {
        var fanOut = FanOut(seed: 7)
        fanOut.setMarket(Self.market(asks: [BookLevel(price: Price(baseUnits: 510_000), size: .whole(30))]), for: Self.token)
        let intent = OrderIntent(tokenID: Self.token, side: .buy, type: .fok, limitPrice: Price(baseUnits: 530_000),
                                 shares: .whole(20))
        fanOut.planned(intent, cost: .dollars(10), attempt: Self.attempt(), walletID: "wallet-1")
        // The next follower sees the 10 shares left, and the wallet's $10 already spoken for.
        guard case .known(let left) = fanOut.market(for: Self.token) else { Issue.record("market kept"); return }
        #expect(left.book.asks == [BookLevel(price: Price(baseUnits: 510_000), size: .whole(10))])
        #expect(fanOut.balance(.dollars(25), walletID: "wallet-1") == .dollars(15))
        #expect(fanOut.exposure(.init(market: .zero, total: .zero, today: .zero), profileID: "profile-1", conditionID: "0xc0")
            == .init(market: .dollars(10), total: .dollars(10), today: .dollars(10)))

        // 50 followers of two fills: each fan-out is a permutation with places 0…49, the same for
        // the same seed, and the two fills do not put the followers in the same order.
        func attempts(_ event: String) -> [CopyAttempt] {
            (0..<50).map { n in
                var attempt = Self.attempt()
                attempt.id = AttemptID("\(event)-\(n)")
                attempt.profileID = ProfileID("profile-\(n)")
                attempt.leaderEventID = LeaderEventID(event)
                return attempt
            }
        }
        let first = fanOut.ordered(attempts("event-a"))
        let second = fanOut.ordered(attempts("event-b"))
        #expect(first.map(\.place) == Array(0..<50))
        #expect(first.map(\.attempt.id) == fanOut.ordered(attempts("event-a")).map(\.attempt.id))
        #expect(first.map(\.attempt.profileID) != second.map(\.attempt.profileID))
        #expect(first.map(\.attempt.profileID) != attempts("event-a").map(\.profileID))
    }
}
