import FakeExchangeTesting
import Kernel
import KernelTesting
import Logging
import PostgresAdapter
import Synchronization
import Testing

/// The copy engine against Postgres and the fake venue, where the database is what makes it
/// safe: the operator's pause through SQL, two engine instances on one queue, an instance that
/// dies holding a claim. Time is the venue's manual clock; nothing sleeps.
@Suite(.enabled(if: TestDatabase.isEnabled, "set TEST_POSTGRES_URL (or REQUIRE_INTEGRATION=1) to run"))
struct EngineOnPostgresTests {
    @Test func pauseAllIssuedMidCycleStopsTheSendAndResumeAllRestartsCopying() async throws {
        try await TestDatabase.withStore { store in
            let world = try await CopyWorld.make(followers: 1, store: store)
            let follower = try #require(world.followers.first)
            let pauseIssued = Mutex(false)
            // The operator pastes the runbook's pause-all while the engine holds a signed order.
            let engine = world.engine(on: store, owner: "worker-1") { point in
                guard point == .afterPersist, pauseIssued.withLock({ !$0 }) else { return }
                try await store.execute(sql: RunbookSQL.pauseAll)
                pauseIssued.withLock { $0 = true }
            }

            try await world.leaderBuys()
            #expect(try await world.ingestor(store).poll() == 1)
            #expect(try await engine.runOnce() == 1)

            let duringPause = try #require(try await store.attempts(userID: follower.userID, limit: 10).first)
            let ordersDuringPause = try await store.orders(attemptID: duringPause.id)
            #expect(pauseIssued.withLock { $0 })
            #expect(try await store.profile(id: follower.id)?.status == .paused)
            #expect(ordersDuringPause.map(\.status) == [.canceled], "signed, never sent")
            #expect(try await world.sharesHeld(by: follower) == .zero, "nothing reached the venue")

            // Still paused: a new fill is skipped without an order.
            try await world.leaderBuys()
            #expect(try await world.ingestor(store).poll() == 1)
            #expect(try await engine.runOnce() == 1)
            let whilePaused = try #require(try await store.attempts(userID: follower.userID, limit: 10).first)
            #expect(whilePaused.status == .skipped)
            #expect(whilePaused.skipReason == .profileNotActive)
            #expect(try await store.orders(attemptID: whilePaused.id).isEmpty)

            try await store.execute(sql: RunbookSQL.resumeAll)
            try await world.leaderBuys()
            #expect(try await world.ingestor(store).poll() == 1)
            #expect(try await engine.runOnce() == 1)
            let afterResume = try #require(try await store.attempts(userID: follower.userID, limit: 10).first)
            let ordersAfterResume = try await store.orders(attemptID: afterResume.id)
            #expect(afterResume.status == .done)
            #expect(ordersAfterResume.map(\.status) == [.filled])
            #expect(try await world.sharesHeld(by: follower) == ordersAfterResume.first?.filledShares)
            #expect(try await world.sharesHeld(by: follower) > .zero)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func twoEngineInstancesOnOneQueueLoseNothingAndDuplicateNothing() async throws {
        try await TestDatabase.withEmptySchema(poolSize: 4) { configuration in
            try await TestDatabase.withRunningStore(configuration) { first in
                try await TestDatabase.withRunningStore(configuration) { second in
                    try await first.migrate()
                    let world = try await CopyWorld.make(followers: 6, store: first)
                    for _ in 1...4 { try await world.leaderBuys() }
                    #expect(try await world.ingestor(first).poll() == 4)
                    let recorded = try await world.allAttempts(in: first)
                    #expect(recorded.count == 24)

                    // Two processes' engines, each with its own pool, small batches so they interleave.
                    let engines = [world.engine(on: first, owner: "worker-a", batchSize: 2),
                                   world.engine(on: second, owner: "worker-b", batchSize: 2)]
                    let claimed = try await withThrowingTaskGroup(of: Int.self) { group in
                        for engine in engines {
                            group.addTask {
                                var total = 0
                                while case let count = try await engine.runOnce(), count > 0 { total += count }
                                return total
                            }
                        }
                        return try await group.reduce(0, +)
                    }

                    let attempts = try await world.allAttempts(in: first)
                    var orders: [Order] = []
                    for attempt in attempts { orders += try await first.orders(attemptID: attempt.id) }
                    #expect(claimed == 24, "each attempt was claimed once: FOK entries finish in one pass")
                    #expect(Set(attempts.map(\.id)) == Set(recorded.map(\.id)), "no attempt lost")
                    #expect(attempts.allSatisfy { $0.status == .done }, "\(attempts.map(\.status))")
                    #expect(attempts.allSatisfy { $0.fencingToken == 1 })
                    #expect(orders.count == 24, "one order per attempt")
                    #expect(Set(orders.map(\.id)).count == orders.count, "no order twice")
                    #expect(orders.allSatisfy { $0.status == .filled })
                    for follower in world.followers {
                        let booked = try await first.position(profileID: follower.id, tokenID: world.token)?.shares
                        let filled = orders.filter { $0.profileID == follower.id }.reduce(Shares.zero) { $0 + $1.filledShares }
                        #expect(try await world.sharesHeld(by: follower) == filled, "the venue holds what was booked")
                        #expect(booked == filled)
                    }
                }
            }
        }
    }

    @Test func aClaimTakenAndNeverFinishedIsPickedUpWhenItsLeaseExpires() async throws {
        try await TestDatabase.withStore { store in
            let (world, follower) = try await CopyWorld.oneFollowerWithOnePendingEntry(store: store)
            let lease = Duration.seconds(30)
            // An instance claims and dies before doing anything with its claim.
            let dead = try await store.claimAttempts(owner: "worker-dead", now: world.clock.now(), leaseDuration: lease, limit: 10)
            let survivor = world.engine(on: store, owner: "worker-alive", leaseDuration: lease)

            let whileLeased = try await survivor.runOnce()
            world.clock.advance(by: lease - .milliseconds(1))
            let justBeforeExpiry = try await survivor.runOnce()
            let sharesBeforeExpiry = try await world.sharesHeld(by: follower)
            world.clock.advance(by: .milliseconds(1))
            let atExpiry = try await survivor.runOnce()

            let deadClaim = try #require(dead.first)
            let attempt = try #require(try await store.attempt(id: deadClaim.id))
            let orders = try await store.orders(attemptID: attempt.id)
            var staleWrite = deadClaim
            staleWrite.status = .skipped
            staleWrite.skipReason = .fillTooOld
            #expect(dead.count == 1)
            #expect(whileLeased == 0)
            #expect(justBeforeExpiry == 0)
            #expect(sharesBeforeExpiry == .zero)
            #expect(atExpiry == 1)
            #expect(attempt.status == .done)
            #expect(attempt.fencingToken == 2)
            #expect(orders.map(\.status) == [.filled])
            #expect(try await world.sharesHeld(by: follower) == orders.first?.filledShares)
            #expect(try await !store.updateAttempt(staleWrite, from: .pending), "the dead claim's token is void")
        }
    }

    @Test func anInstanceKilledAfterPersistingItsOrderIsResumedWithThatOrderOnly() async throws {
        try await TestDatabase.withStore { store in
            let (world, follower) = try await CopyWorld.oneFollowerWithOnePendingEntry(store: store)
            let lease = Duration.seconds(30)
            let doomed = world.engine(on: store, owner: "worker-doomed", leaseDuration: lease) { point in
                if point == .afterPersist { throw SimulatedCrash(at: point) }
            }
            await #expect(throws: SimulatedCrash(at: .afterPersist)) { try await doomed.runOnce() }
            let signed = try await world.allOrders(in: store)

            let survivor = world.engine(on: store, owner: "worker-alive", leaseDuration: lease)
            let whileLeased = try await survivor.runOnce()
            world.clock.advance(by: lease)
            let afterExpiry = try await survivor.runOnce()

            let orders = try await world.allOrders(in: store)
            let attempt = try #require(try await store.attempts(userID: follower.userID, limit: 10).first)
            // Persisted SUBMITTED in the batch's first commit, before any byte left: the resume
            // looks its hash up, finds nothing and sends the same bytes.
            #expect(signed.map(\.status) == [.submitted])
            #expect(whileLeased == 0)
            #expect(afterExpiry == 1)
            #expect(orders.map(\.id) == signed.map(\.id), "the persisted order was sent, no second one signed")
            #expect(orders.map(\.status) == [.filled])
            #expect(attempt.status == .done)
            #expect(try await world.sharesHeld(by: follower) == orders.first?.filledShares)
        }
    }
}

/// One leader, `followers` funded followers copying it with $10 entries, one market with depth
/// at 0.51 and 0.52, on a fresh fake venue.
struct CopyWorld {
    let venue: VenueHarness
    let vault: TestKeyVault
    let leader: Leader
    let followers: [CopyProfile]
    let accounts: [ProfileID: TradingAccount]
    let token: TokenID
    let ids = SequentialIDs(prefix: "world")

    var clock: ManualWallClock { self.venue.clock }

    static func make(followers count: Int, store: some Store) async throws -> CopyWorld {
        let venue = FakeVenueFixture().harness
        let vault = TestKeyVault()
        let now = venue.clock.now()
        let leader = Leader(id: "leader-1", address: .fixture(0x900), createdAt: now)
        try await store.insertLeader(leader)
        let market = try await venue.control.createMarket(VenueMarketSpec(slug: "engine-market"))
        let token = try #require(market.tokenIDs.first)
        try await venue.control.setBook(OrderBook(
            tokenID: token, bids: [BookLevel(price: Price(baseUnits: 490_000), size: .whole(500))],
            asks: [BookLevel(price: Price(baseUnits: 510_000), size: .whole(500)),
                   BookLevel(price: Price(baseUnits: 520_000), size: .whole(500))],
            tickSize: Price(baseUnits: 10_000), minOrderSize: .whole(5)))
        var profiles: [CopyProfile] = []
        var accounts: [ProfileID: TradingAccount] = [:]
        for n in 1...count {
            let user = User(id: UserID("user-\(n)"), externalID: "dynamic|\(n)", loginAddress: nil, createdAt: now)
            try await store.insertUser(user)
            let account = try await venue.account(for: .testKey(100 + n), type: .depositWallet)
            try await venue.control.fund(wallet: account.funderAddress, amount: .dollars(100))
            let wallet = TradingWallet(
                id: WalletID("wallet-\(n)"), userID: user.id, type: account.type, signerAddress: account.signerAddress,
                funderAddress: account.funderAddress, sealedKey: vault.adopt(.testKey(100 + n)), onboarding: .ready,
                apiKey: account.apiKey, createdAt: now, updatedAt: now)
            try await store.insertWallet(wallet)
            try await store.recordSyncedBalance(walletID: wallet.id, collateral: .dollars(100), at: now)
            let profile = CopyProfile(
                id: ProfileID("profile-\(n)"), userID: user.id, leaderID: leader.id, walletID: wallet.id,
                sizing: .fixedUSD(.dollars(10)), createdAt: now + .milliseconds(Int64(n)),
                updatedAt: now + .milliseconds(Int64(n)))
            try await store.insertProfile(profile)
            profiles.append(profile)
            accounts[profile.id] = account
        }
        return CopyWorld(venue: venue, vault: vault, leader: leader, followers: profiles, accounts: accounts, token: token)
    }

    /// One follower and one leader BUY, recorded: the follower's PENDING entry is due now.
    static func oneFollowerWithOnePendingEntry(store: some Store) async throws -> (CopyWorld, CopyProfile) {
        let world = try await CopyWorld.make(followers: 1, store: store)
        let follower = try #require(world.followers.first)
        try await world.leaderBuys()
        #expect(try await world.ingestor(store).poll() == 1)
        return (world, follower)
    }

    /// The leader buys 100 shares at 0.50 in a transaction of its own.
    func leaderBuys() async throws {
        _ = try await self.venue.control.leaderTrade(LeaderTrade(leader: self.leader.address, legs: [
            LeaderTrade.Leg(tokenID: self.token, side: .buy, size: .whole(100), price: Price(baseUnits: 500_000)),
        ]))
    }

    func ingestor(_ store: some Store) -> FeedIngestor {
        FeedIngestor(store: store, feed: self.venue.feed, wallClock: self.clock.wallClock, ids: self.ids.generator,
                     logger: .test)
    }

    func engine(on store: some Store, owner: String, leaseDuration: Duration = .seconds(30), batchSize: Int = 20,
                faults: @escaping @Sendable (CopyEngine.FaultPoint) async throws -> Void = { _ in }) -> CopyEngine {
        CopyEngine(store: store, exchange: self.venue.exchange, vault: self.vault, wallClock: self.clock.wallClock,
                   ids: SequentialIDs(prefix: owner).generator,
                   settings: .init(owner: owner, leaseDuration: leaseDuration, batchSize: batchSize),
                   logger: .test, faults: faults)
    }

    /// What the venue says the follower's wallet holds of the world's token.
    func sharesHeld(by profile: CopyProfile) async throws -> Shares {
        let account = try #require(self.accounts[profile.id])
        return try await self.venue.control.shares(of: account.funderAddress, tokenID: self.token)
    }

    func allAttempts(in store: some Store) async throws -> [CopyAttempt] {
        var attempts: [CopyAttempt] = []
        for follower in self.followers { attempts += try await store.attempts(userID: follower.userID, limit: 1_000) }
        return attempts
    }

    func allOrders(in store: some Store) async throws -> [Order] {
        var orders: [Order] = []
        for attempt in try await self.allAttempts(in: store) { orders += try await store.orders(attemptID: attempt.id) }
        return orders
    }
}
