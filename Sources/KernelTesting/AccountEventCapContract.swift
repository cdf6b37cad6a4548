import Ethereum
import Kernel
import Testing

extension AccountEventCapContract {
    public static var cases: [AccountEventCapContract] { [
        .init("EventCap: two racing steps of one user's follows in one event cannot both pass the account cap") { harness in
            try await Self.racingSteps(harness.store)
        },
        .init("EventCap: the account cap reduces and then stops a second follow's entry in another outcome") { harness in
            try await Self.secondFollow(harness)
        },
    ] }

    /// One user, two live follows of one leader, each with its own wallet; the account capped at $15 per
    /// event. Each step buys 17.85 shares at 0.56 ($9.996) of a different outcome token of the
    /// event, and names only its own token (neither worker read the other's market).
    static func racingSteps(_ store: any Store) async throws {
        let leader = try await Seed.leader(1, in: store)
        let user = try await Seed.user(1, in: store)
        // Two wallets: the wallets' locks alone would not keep the two steps apart.
        let wallets = [try await Seed.wallet(1, of: user, in: store), try await Seed.wallet(2, of: user, in: store)]
        let follows = [CopyProfile.fixture(1, userID: user.id, leaderID: leader.id, walletID: wallets[0].id),
                       CopyProfile.fixture(2, userID: user.id, leaderID: leader.id, walletID: wallets[1].id)]
        for profile in follows { try await store.insertProfile(profile) }
        let now = Timestamp.fixture + .seconds(10)
        for wallet in wallets { try await store.recordSyncedBalance(walletID: wallet.id, collateral: .dollars(100), at: now) }

        #expect(try await store.accountEventExposure(userIDs: [user.id]).isEmpty, "no cap, nothing to check")
        try await store.setMaxEventExposure(userID: user.id, .dollars(15), audit: nil)
        #expect(try await store.user(id: user.id)?.maxEventExposure == .dollars(15))
        #expect(try await store.accountEventExposure(userIDs: [user.id])
            == [user.id: AccountEventExposure(cap: .dollars(15), committed: [:])])
        await expectNotFound("an unknown user") { try await store.setMaxEventExposure(userID: "nobody", nil, audit: nil) }

        let ids = SequentialIDs(prefix: "attempt")
        var orderNumber = 0
        /// Claims the attempts of leader event `n` and builds, per follow, a step placing one buy
        /// of `token(follow)` under the account cap `cap`.
        func steps(_ n: Int, cap: Collateral, token: (ProfileID) -> TokenID) async throws -> [ProfileID: AttemptStep] {
            let recorded = try await Seed.record(LeaderEvent.fixture(n, leader: leader), in: store, ids: ids)
            let claimed = try await store.claimAttempts(owner: "worker", now: now, leaseDuration: .seconds(60), limit: 10)
                .filter { attempt in recorded.contains { $0.id == attempt.id } }
            #expect(claimed.count == 2)
            var steps: [ProfileID: AttemptStep] = [:]
            for var attempt in claimed {
                orderNumber += 1
                attempt.status = .placing
                attempt.sentAt = now
                let walletID = follows.first { $0.id == attempt.profileID }?.walletID ?? wallets[0].id
                let order = Order.fixture(orderNumber, attemptID: attempt.id, profileID: attempt.profileID,
                                          walletID: walletID, tokenID: token(attempt.profileID), createdAt: now)
                var step = AttemptStep(attempt: attempt, expected: .pending, newOrders: [order])
                step.eventCap = EventCapCheck(userID: user.id, eventID: "contract-event", cap: cap,
                                              tokens: [order.tokenID])
                steps[attempt.profileID] = step
            }
            return steps
        }

        let tokens: [ProfileID: TokenID] = [follows[0].id: .fixture(11), follows[1].id: .fixture(12)]
        let first = try await steps(1, cap: .dollars(15)) { tokens[$0] ?? .fixture(0) }
        let (one, two) = (try #require(first[follows[0].id]), try #require(first[follows[1].id]))
        // Two workers commit at once: the lock lets one through, and the other then sees its order.
        async let oneOutcome = store.commitAttemptSteps([one])
        async let twoOutcome = store.commitAttemptSteps([two])
        let outcomes = try await oneOutcome + twoOutcome
        #expect(outcomes.filter { $0 == .applied }.count == 1 && outcomes.filter { $0 == .eventCapReached }.count == 1,
                "\(outcomes)")
        let (winner, loser) = outcomes.first == .applied ? (one, two) : (two, one)
        #expect(try await store.order(id: try #require(loser.newOrders.first).id) == nil, "the refused step wrote nothing")
        #expect(try await store.attempt(id: loser.attempt.id)?.status == .pending)

        // Alone, the loser still does not fit: the store knows the winner's token is in the event.
        #expect(try await store.commitAttemptSteps([loser]) == [.eventCapReached])
        let winnerToken = try #require(winner.newOrders.first?.tokenID)
        #expect(try await store.accountEventExposure(userIDs: [user.id])
            == [user.id: AccountEventExposure(cap: .dollars(15), committed: [winnerToken: Collateral(baseUnits: 9_996_000)])])

        // At $25 one more fits, not two: the batch's earlier step counts for the later one, whose
        // token (a third outcome) is again the only one it names.
        try await store.setMaxEventExposure(userID: user.id, .dollars(25), audit: nil)
        var retried = loser
        retried.eventCap?.cap = .dollars(25)
        let second = try await steps(2, cap: .dollars(25)) { _ in .fixture(13) }
        let third = try #require(second[winner.attempt.profileID])
        #expect(try await store.commitAttemptSteps([retried, third]) == [.applied, .eventCapReached])
        #expect(try await store.order(id: try #require(third.newOrders.first).id) == nil)

        // Without a cap to check, the same step is not the cap's business.
        var unchecked = third
        unchecked.eventCap = nil
        #expect(try await store.commitAttemptSteps([unchecked]) == [.applied])
        try await store.setMaxEventExposure(userID: user.id, nil, audit: nil)
        #expect(try await store.user(id: user.id)?.maxEventExposure == nil)
        #expect(try await store.accountEventExposure(userIDs: [user.id]).isEmpty)
    }

    /// Two follows of one user copying two leaders, no cap of their own, the account capped at
    /// $15 per event: the first leader's buy of one outcome is copied in full ($9.99); the second
    /// leader's buy of the event's other outcome is reduced to what the account has left there;
    /// a further buy is skipped with `EVENT_CAP_REACHED`.
    static func secondFollow(_ harness: CopyFlowHarness) async throws {
        let control = harness.venue.control
        var markets: [VenueMarket] = []
        var tokens: [TokenID] = []
        for outcome in ["first", "second"] {
            let (market, token) = try await EventCapMarket.make(control, slug: "account-cap-\(outcome)", event: "account-cap-event")
            markets.append(market)
            tokens.append(token)
        }
        let scenario = try await FlowScenario.make(harness, market: (markets[0], tokens[0]))
        let now = harness.clock.now()
        let otherLeader = Leader(id: LeaderID("leader-2"), address: PrivateKey.testKey(902).address.kernelAddress,
                                 createdAt: now)
        try await harness.store.insertLeader(otherLeader)
        let second = CopyProfile(id: ProfileID("profile-2"), userID: scenario.profile.userID, leaderID: otherLeader.id,
                                 walletID: scenario.wallet.id, sizing: .fixedUSD(.dollars(10)), createdAt: now, updatedAt: now)
        try await harness.store.insertProfile(second)
        let cap = Collateral.dollars(15)
        try await harness.store.setMaxEventExposure(userID: scenario.profile.userID, cap, audit: nil)

        func buys(_ leader: Leader, _ token: TokenID) async throws {
            _ = try await control.leaderTrade(LeaderTrade(
                leader: leader.address, legs: [.init(tokenID: token, side: .buy, size: .whole(100), price: Price(baseUnits: 500_000))]))
            try await harness.ingestor().poll()
            try await harness.engine().runOnce()
            harness.clock.advance(by: .seconds(1))
        }

        try await buys(scenario.leader, tokens[0])
        let inFirst = try #require(try await harness.store.position(profileID: scenario.profile.id, tokenID: tokens[0]))
        #expect(inFirst.shares == FlowScenario.bought, "the first follow's copy, in full")

        try await buys(otherLeader, tokens[1])
        let inSecond = try #require(try await harness.store.position(profileID: second.id, tokenID: tokens[1]))
        #expect(inSecond.shares.baseUnits > 0 && inSecond.shares < FlowScenario.bought,
                "the second follow's copy reduced to the account's room in the event")
        #expect(inFirst.costBasis + inSecond.costBasis <= cap)
        #expect(cap - inFirst.costBasis - inSecond.costBasis < Collateral(baseUnits: 600_000), "the cut uses the room, not less")

        try await buys(otherLeader, tokens[1])
        let attempts = try await harness.store.attempts(userID: scenario.profile.userID, limit: 10)
        #expect(attempts.count == 3)
        #expect(attempts.filter { $0.status == .skipped }.map(\.skipReason) == [.eventCapReached],
                "\(attempts.map { ($0.status, $0.skipReason) })")
        #expect(try await harness.store.position(profileID: second.id, tokenID: tokens[1])?.shares == inSecond.shares)
    }
}
