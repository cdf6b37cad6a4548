import FakeExchangeAdapter
import FakeExchangeTesting
import InMemoryAdapter
import Kernel
import KernelTesting
import Ethereum
import Logging
import Synchronization
import Testing

/// Money coming back (auto-claim), going out (withdrawals) and the operator's retry, on the
/// in-memory store against the FakeExchange.
struct OperationsWorld {
    let fixture: FakeVenueFixture
    let store: any Store
    let vault: TestKeyVault
    let ids = SequentialIDs(prefix: "ops")
    let wallet: TradingWallet
    let profile: CopyProfile
    let market: VenueMarket

    var control: any VenueControl { self.fixture.harness.control }
    var wallClock: WallClock { self.fixture.clock.wallClock }
    var driver: RelayerTxDriver {
        RelayerTxDriver(store: self.store, vault: self.vault, relayer: self.fixture.venue.relayer, wallClock: self.wallClock,
                        ids: self.ids.generator)
    }

    func autoClaim() -> AutoClaim {
        AutoClaim(store: self.store, feed: self.fixture.venue.leaderFeed, relayerTxs: self.driver, wallClock: self.wallClock,
                  logger: Logger(label: "test"))
    }

    var withdrawals: Withdrawals {
        Withdrawals(store: self.store, exchange: self.fixture.venue.exchange, relayerTxs: self.driver)
    }

    var administration: Administration {
        let store = self.store
        let feed = self.fixture.venue.leaderFeed
        let engine = CopyEngine(store: store, exchange: self.fixture.venue.exchange, vault: self.vault, wallClock: self.wallClock,
                                ids: self.ids.generator, settings: CopyEngine.Settings(owner: "admin"), logger: Logger(label: "test"))
        return Administration(store: store, engine: engine, relayerTxs: self.driver,
                              request: { try await RelayerTxDriver.request(for: $0, store: store, feed: feed) },
                              wallClock: self.wallClock, ids: self.ids.generator)
    }

    func positionSync<C: Clock<Duration>>(clock: C) -> PositionSync<C> {
        PositionSync(store: self.store, feed: self.fixture.venue.leaderFeed, exchange: self.fixture.venue.exchange,
                     cache: InMemoryCache(clock: self.wallClock), clock: clock, wallClock: self.wallClock,
                     ids: self.ids.generator, logger: Logger(label: "test"), holder: "test")
    }

    static func make(negRisk: Bool = false) async throws -> OperationsWorld {
        let fixture = FakeVenueFixture()
        let store = InMemoryStore()
        let vault = TestKeyVault()
        let key = PrivateKey.testKey(41)
        let account = try await FakeVenueFixture.openAccount(key: key, type: .depositWallet, on: fixture.venue)
        let user = User.fixture(1)
        try await store.insertUser(user)
        let wallet = TradingWallet(id: account.walletID, userID: user.id, type: .depositWallet, signerAddress: account.signerAddress,
                                   funderAddress: account.funderAddress, sealedKey: vault.adopt(key), onboarding: .ready,
                                   createdAt: .fixture, updatedAt: .fixture)
        try await store.insertWallet(wallet)
        let leader = Leader.fixture(1)
        try await store.insertLeader(leader)
        let profile = CopyProfile.fixture(1, userID: user.id, leaderID: leader.id, walletID: wallet.id)
        try await store.insertProfile(profile)
        let market = try await fixture.harness.control.createMarket(VenueMarketSpec(slug: "will-it-rain", negRisk: negRisk))
        return OperationsWorld(fixture: fixture, store: store, vault: vault, wallet: wallet, profile: profile, market: market)
    }

    private init(fixture: FakeVenueFixture, store: any Store, vault: TestKeyVault, wallet: TradingWallet,
                 profile: CopyProfile, market: VenueMarket) {
        self.fixture = fixture
        self.store = store
        self.vault = vault
        self.wallet = wallet
        self.profile = profile
        self.market = market
    }

    /// The profile holds `shares` of the market's first outcome, bought for `cost`, on the venue and in the ledger.
    func hold(_ shares: Shares, cost: Collateral) async throws -> TokenID {
        let token = self.market.tokenIDs[0]
        try await self.control.grant(shares, of: token, to: self.wallet.funderAddress)
        try await self.store.savePosition(Position(profileID: self.profile.id, tokenID: token, conditionID: self.market.conditionID,
                                                   shares: shares, costBasis: cost, updatedAt: .fixture))
        return token
    }
}

@Suite struct OperationsTests {
    @Test(arguments: [false, true])
    func aResolvedWinningPositionIsMarkedRedeemableClaimedExactlyOnceAndItsPayoutBooked(negRisk: Bool) async throws {
        let world = try await OperationsWorld.make(negRisk: negRisk)
        let token = try await world.hold(.whole(10), cost: .dollars(4))
        let before = try await world.control.collateral(of: world.wallet.funderAddress)
        try await world.control.resolve(conditionID: world.market.conditionID, winningToken: token)

        let sync = try await world.positionSync(clock: VirtualClock()).sweep()
        #expect(sync.markedRedeemable == 1)
        #expect(sync.mismatches == 0)
        let synced = try await world.store.walletFunds(walletID: world.wallet.id)
        #expect(synced.syncedBalance == before, "the sweep records the venue balance it read")
        #expect(synced.syncedAt == world.wallClock.now())
        let marked = try await world.store.position(profileID: world.profile.id, tokenID: token)
        #expect(marked?.redeemable == true)

        let claim = world.autoClaim()
        var statuses: [RelayerTx.Status] = []
        for _ in 0..<4 {
            let outcome = try await claim.run()
            statuses += outcome.claims.map(\.status)
            try await world.control.step()
        }
        #expect(statuses.first == .submitted)
        #expect(statuses.contains(.confirmed))
        let rows = try await world.store.relayerTxs(userID: world.wallet.userID, limit: 10)
        #expect(rows.count == 1)
        #expect(rows.first?.idempotencyKey == RelayerTxDriver.redeemKey(walletID: world.wallet.id, conditionID: world.market.conditionID))
        #expect(rows.first?.kind == .redeem)
        let after = try await world.control.collateral(of: world.wallet.funderAddress)
        #expect(after - before == .dollars(10), "10 winning shares pay 10 USDC, once")
        let booked = try #require(try await world.store.position(profileID: world.profile.id, tokenID: token))
        #expect(booked.shares == .zero)
        #expect(!booked.redeemable)
        #expect(booked.costBasis == .zero)
        #expect(booked.realizedPnL == .dollars(6), "payout 10 less the 4 it cost")
        let idle = try await claim.run()
        #expect(idle == AutoClaim.Outcome(), "nothing left to claim")
    }

    @Test func aLosingPositionIsBookedAsALossWithoutATransaction() async throws {
        let world = try await OperationsWorld.make()
        let token = try await world.hold(.whole(10), cost: .dollars(4))
        try await world.control.resolve(conditionID: world.market.conditionID, winningToken: world.market.tokenIDs[1])
        _ = try await world.positionSync(clock: VirtualClock()).sweep()
        let outcome = try await world.autoClaim().run()
        #expect(outcome.claims.isEmpty)
        let booked = try #require(try await world.store.position(profileID: world.profile.id, tokenID: token))
        #expect(booked.shares == .zero)
        #expect(booked.realizedPnL == .dollars(-4))
        let rows = try await world.store.relayerTxs(userID: world.wallet.userID, limit: 10)
        #expect(rows.isEmpty)
    }

    @Test func pauseAllHoldsNewClaimsUntilResumeAll() async throws {
        let world = try await OperationsWorld.make()
        let token = try await world.hold(.whole(10), cost: .dollars(4))
        let before = try await world.control.collateral(of: world.wallet.funderAddress)
        try await world.control.resolve(conditionID: world.market.conditionID, winningToken: token)
        _ = try await world.positionSync(clock: VirtualClock()).sweep()

        let pause = AuditEntry(id: "audit-pause", actor: "admin", action: "admin.pause_all", subjectType: "copy_profiles",
                               subjectID: "*", createdAt: .fixture)
        #expect(try await world.store.transitionAllProfiles(from: .enabled, to: .paused, at: .fixture, audit: pause) == 1)
        let held = try await world.autoClaim().run()
        #expect(held == AutoClaim.Outcome(), "nothing signed, sent or booked under pause-all")
        #expect(try await world.store.relayerTxs(userID: world.wallet.userID, limit: 10).isEmpty)

        let resume = AuditEntry(id: "audit-resume", actor: "admin", action: "admin.resume_all", subjectType: "copy_profiles",
                                subjectID: "*", createdAt: .fixture)
        _ = try await world.store.transitionAllProfiles(from: .paused, to: .enabled, at: .fixture, audit: resume)
        for _ in 0..<4 {
            _ = try await world.autoClaim().run()
            try await world.control.step()
        }
        let rows = try await world.store.relayerTxs(userID: world.wallet.userID, limit: 10)
        #expect(rows.map(\.status) == [.confirmed], "claimed on the first ticks after resume-all")
        let after = try await world.control.collateral(of: world.wallet.funderAddress)
        #expect(after - before == .dollars(10))
    }

    @Test(arguments: [ProfileStatus.userPaused, .exitOnly, .stopped])
    func aUsersOwnPauseExitOnlyOrStopNeverWithholdsWinnings(status: ProfileStatus) async throws {
        let world = try await OperationsWorld.make()
        let token = try await world.hold(.whole(10), cost: .dollars(4))
        #expect(try await world.store.transitionProfile(world.profile.id, from: .enabled, to: status, at: .fixture))
        try await world.control.resolve(conditionID: world.market.conditionID, winningToken: token)
        _ = try await world.positionSync(clock: VirtualClock()).sweep()
        let outcome = try await world.autoClaim().run()
        #expect(outcome.claims.map(\.status) == [.submitted])
    }

    @Test func aWorkerKilledMidClaimAndTwoWorkersAtOnceNeverClaimTwice() async throws {
        let world = try await OperationsWorld.make()
        let token = try await world.hold(.whole(10), cost: .dollars(4))
        let before = try await world.control.collateral(of: world.wallet.funderAddress)
        try await world.control.resolve(conditionID: world.market.conditionID, winningToken: token)
        _ = try await world.positionSync(clock: VirtualClock()).sweep()

        // Killed after the claim was stored, signed and its bytes went out, before the relayer's
        // answer was recorded (the answer is lost).
        let key = RelayerTxDriver.redeemKey(walletID: world.wallet.id, conditionID: world.market.conditionID)
        let request = RelayerRequest.redeem(conditionID: world.market.conditionID, negRisk: false, shares: [token: .whole(10)])
        let stored = try await world.driver.stored(kind: .redeem, key: key, wallet: world.wallet, amount: .dollars(10))
        let losing = RelayerTxDriver(store: world.store, vault: world.vault,
                                     relayer: AnswerLosingRelayer(inner: world.fixture.venue.relayer),
                                     wallClock: world.wallClock, ids: world.ids.generator)
        let unanswered = try await losing.advance(stored) { _ in request }
        #expect(unanswered.status == .pending && !unanswered.payload.isEmpty, "signed and stored before it was sent")

        // Restarted, with a second worker process running beside it.
        let first = world.autoClaim()
        let second = world.autoClaim()
        for _ in 0..<4 {
            async let a = first.run()
            async let b = second.run()
            _ = try await (a, b)
            try await world.control.step()
        }
        let rows = try await world.store.relayerTxs(userID: world.wallet.userID, limit: 10)
        #expect(rows.map(\.id) == [stored.id], "one row: the one stored before the crash")
        #expect(rows.first?.status == .confirmed)
        let after = try await world.control.collateral(of: world.wallet.funderAddress)
        #expect(after - before == .dollars(10), "redeemed once")
        let booked = try await world.store.position(profileID: world.profile.id, tokenID: token)
        #expect(booked?.realizedPnL == .dollars(6), "booked once")
    }

    @Test func aWithdrawalIsBalanceCheckedAndPolledToConfirmed() async throws {
        let world = try await OperationsWorld.make()
        let destination = WalletAddress.fixture(0xd00d)
        try await world.control.fund(wallet: world.wallet.funderAddress, amount: .dollars(50))
        let withdrawals = world.withdrawals
        await #expect(throws: Withdrawals.Failure.insufficientBalance(available: .dollars(50))) {
            _ = try await withdrawals.request(userID: world.wallet.userID, amount: .dollars(51), destination: destination, clientKey: "k0")
        }
        let requested = try await withdrawals.request(userID: world.wallet.userID, amount: .dollars(20), destination: destination,
                                                      clientKey: "k1")
        #expect(requested.status == .submitted)
        let again = try await withdrawals.request(userID: world.wallet.userID, amount: .dollars(20), destination: destination,
                                                  clientKey: "k1")
        #expect(again.id == requested.id, "the same key is the same withdrawal")
        await #expect(throws: Withdrawals.Failure.insufficientBalance(available: .dollars(30))) {
            _ = try await withdrawals.request(userID: world.wallet.userID, amount: .dollars(31), destination: destination, clientKey: "k2")
        }
        for _ in 0..<2 {
            try await world.control.step()
            try await withdrawals.pollInFlight()
        }
        let listed = try await withdrawals.list(userID: world.wallet.userID)
        #expect(listed.map(\.status) == [.confirmed])
        let arrived = try await world.control.collateral(of: destination)
        let left = try await world.control.collateral(of: world.wallet.funderAddress)
        #expect(arrived == .dollars(20))
        #expect(left == .dollars(30))
    }

    @Test func aWithdrawalTakesItsTurnPastAnOlderRowItsDriverCannotBuild() async throws {
        let world = try await OperationsWorld.make()
        try await world.control.fund(wallet: world.wallet.funderAddress, amount: .dollars(50))
        // A redemption stored but not yet sent (its holdings are read when its turn comes).
        let claim = try await world.driver.stored(kind: .redeem, key: "redeem:\(world.wallet.id.rawValue):0xc0",
                                                  wallet: world.wallet, amount: .dollars(1))
        let withdrawal = try await world.withdrawals.request(userID: world.wallet.userID, amount: .dollars(5),
                                                             destination: .fixture(0xd00d), clientKey: "past")
        #expect(withdrawal.status == .submitted, "not held up by the row its driver cannot build")
        #expect(try await world.store.relayerTx(id: claim.id)?.status == .pending, "left for auto-claim")
    }

    @Test func aFailedWithdrawalWaitsForTheOperatorAndItsRetryIsOneTransfer() async throws {
        let world = try await OperationsWorld.make()
        let destination = WalletAddress.fixture(0xd00d)
        try await world.control.fund(wallet: world.wallet.funderAddress, amount: .dollars(50))
        try await world.control.inject(.relayerTransactionFails, times: 1)
        let withdrawals = world.withdrawals
        let requested = try await withdrawals.request(userID: world.wallet.userID, amount: .dollars(20), destination: destination,
                                                      clientKey: "k1")
        for _ in 0..<3 {
            try await world.control.step()
            try await withdrawals.pollInFlight()
        }
        let failed = try #require(try await world.store.relayerTx(id: requested.id))
        #expect(failed.status == .failed, "visible as FAILED; workers leave it alone")
        #expect(try await world.control.collateral(of: destination) == .zero)

        let retried = try await world.administration.retryRelayer(requested.id)
        #expect(retried.status == .pending)
        await #expect(throws: Administration.Failure.notRetryable(status: .pending)) {
            _ = try await world.administration.retryRelayer(requested.id)
        }
        for _ in 0..<3 {
            try await withdrawals.pollInFlight()
            try await world.control.step()
        }
        try await withdrawals.pollInFlight()
        let rows = try await world.store.relayerTxs(userID: world.wallet.userID, limit: 10)
        #expect(rows.map(\.id) == [requested.id], "the retry is the same row")
        #expect(rows.first?.status == .confirmed)
        #expect(try await world.control.collateral(of: destination) == .dollars(20), "one transfer")
        #expect(try await world.control.collateral(of: world.wallet.funderAddress) == .dollars(30))
        let trail = try await world.store.recentAudit(limit: 20).map(\.action)
        #expect(trail.first == "withdrawal.confirmed")
        #expect(trail.filter { $0 == "admin.retry_relayer" }.count == 1)
        #expect(trail.filter { $0 == "withdrawal.failed" }.count == 1)
        #expect(trail.suffix(2) == ["withdrawal.requested", "withdrawal_address.added"],
                "local mode adds a new destination on first use, audited")
    }

    @Test func reconcileMovesStaleRelayerTransactionsAndLeavesFreshOnesAndUnseenOrdersAlone() async throws {
        let world = try await OperationsWorld.make()
        try await world.control.fund(wallet: world.wallet.funderAddress, amount: .dollars(50))
        let stuck = try await world.withdrawals.request(userID: world.wallet.userID, amount: .dollars(5),
                                                         destination: .fixture(0xd00d), clientKey: "stuck")
        #expect(stuck.status == .submitted)
        try await world.control.step()
        // An order the venue never saw, SUBMITTED long ago: nothing to apply.
        let order = Order.fixture(1, profileID: world.profile.id, walletID: world.wallet.id, status: .submitted,
                                  createdAt: .fixture, updatedAt: .fixture)
        try await world.store.insertOrder(order)

        let fresh = try await world.administration.reconcile(olderThan: .seconds(60))
        #expect(fresh.relayerTxs.isEmpty, "in flight for less than the threshold: left to the workers")

        world.fixture.clock.advance(by: .seconds(61))
        let report = try await world.administration.reconcile(olderThan: .seconds(60))
        #expect(report.relayerTxs == [Administration.Change(id: stuck.id.rawValue, from: "SUBMITTED", to: "MINED")])
        #expect(report.orders.isEmpty)
        #expect(report.unchanged == 1)
        let stored = try await world.store.order(id: order.id)
        #expect(stored?.status == .submitted)
        let trail = try await world.store.recentAudit(limit: 10)
        #expect(trail.map(\.action).filter { $0 == "admin.reconcile" }.count == 2,
                "one row for the quiet first run, one for the change")
        #expect(trail.contains { $0.subjectID == stuck.id.rawValue && $0.details == "SUBMITTED -> MINED" })
    }

    @Test func aLedgerThatBooksMoreThanTheVenueHoldsIsRecordedNotOverwritten() async throws {
        let world = try await OperationsWorld.make()
        let token = try await world.hold(.whole(10), cost: .dollars(4))
        try await world.store.savePosition(Position(profileID: world.profile.id, tokenID: token, conditionID: world.market.conditionID,
                                                    shares: .whole(12), costBasis: .dollars(5), updatedAt: .fixture))
        let sync = world.positionSync(clock: VirtualClock())
        let report = try await sync.sweep()
        #expect(report.mismatches == 1)
        _ = try await sync.sweep()
        let trail = try await world.store.recentAudit(limit: 10)
        #expect(trail.map(\.action) == ["ledger.mismatch"], "one row for one mismatch, however many sweeps see it")
        #expect(trail.first?.details.contains("ledger 12 shares, venue 10") == true)
        let ledger = try await world.store.position(profileID: world.profile.id, tokenID: token)
        #expect(ledger?.shares == .whole(12), "never silently overwritten")
    }

    /// `.fixture` is 30 minutes into its hour: 20 minutes on is the same hour, 40 more the next.
    @Test func theSweepRecordsTheWalletsEquityOncePerHourWithHoldingsAtTheirMark() async throws {
        let world = try await OperationsWorld.make()
        try await world.control.fund(wallet: world.wallet.funderAddress, amount: .dollars(50))
        let collateral = try await world.control.collateral(of: world.wallet.funderAddress)
        let token = try await world.hold(.whole(10), cost: .dollars(4))
        try await world.control.setBook(OrderBook(
            tokenID: token, bids: [BookLevel(price: try Price(decimal: "0.4"), size: .whole(100))],
            asks: [BookLevel(price: try Price(decimal: "0.5"), size: .whole(100))],
            tickSize: try Price(decimal: "0.01"), minOrderSize: .whole(5)))
        let sync = world.positionSync(clock: VirtualClock())
        _ = try await sync.sweep()
        world.fixture.clock.advance(by: .seconds(20 * 60))
        try await world.control.fund(wallet: world.wallet.funderAddress, amount: .dollars(1))
        _ = try await sync.sweep()
        let since = Timestamp.fixture - .seconds(3600)
        let first = EquitySnapshot(walletID: world.wallet.id, collateral: collateral,
                                   positionsValue: Collateral(baseUnits: 4_500_000), takenAt: .fixture)
        #expect(try await world.store.equitySnapshots(walletID: world.wallet.id, since: since) == [first],
                "10 shares at the 0.45 midpoint; the second sweep in the hour adds nothing")

        world.fixture.clock.advance(by: .seconds(40 * 60))
        try await world.control.resolve(conditionID: world.market.conditionID, winningToken: token)
        _ = try await sync.sweep()
        let points = try await world.store.equitySnapshots(walletID: world.wallet.id, since: since)
        #expect(points.count == 2)
        #expect(points.last?.collateral == collateral + .dollars(1))
        #expect(points.last?.positionsValue == .dollars(10), "a resolved winner at what it pays out")
    }

    @Test func aTokensMarkIsReadOnceForEveryWalletHoldingItWithinFiveMinutes() async throws {
        let world = try await OperationsWorld.make()
        let token = try await world.hold(.whole(10), cost: .dollars(4))
        func book(_ bid: String, _ ask: String) async throws {
            try await world.control.setBook(OrderBook(
                tokenID: token, bids: [BookLevel(price: try Price(decimal: bid), size: .whole(100))],
                asks: [BookLevel(price: try Price(decimal: ask), size: .whole(100))],
                tickSize: try Price(decimal: "0.01"), minOrderSize: .whole(5)))
        }
        try await book("0.4", "0.5")
        let sync = world.positionSync(clock: VirtualClock())
        _ = try await sync.sweep()
        // A second wallet holding the same token, and a new book, a minute later in the same hour.
        let account = try await FakeVenueFixture.openAccount(key: .testKey(42), type: .depositWallet, on: world.fixture.venue)
        try await world.store.insertUser(.fixture(2))
        try await world.store.insertWallet(TradingWallet(
            id: account.walletID, userID: User.fixture(2).id, type: .depositWallet, signerAddress: account.signerAddress,
            funderAddress: account.funderAddress, sealedKey: world.vault.adopt(.testKey(42)), onboarding: .ready,
            createdAt: .fixture, updatedAt: .fixture))
        try await world.control.grant(.whole(20), of: token, to: account.funderAddress)
        try await book("0.7", "0.9")
        world.fixture.clock.advance(by: .seconds(60))
        _ = try await sync.sweep()
        let since = Timestamp.fixture - .seconds(3600)
        #expect(try await world.store.equitySnapshots(walletID: account.walletID, since: since).map(\.positionsValue)
                == [.dollars(9)], "20 shares at the 0.45 read a minute ago, not a second book read")
        world.fixture.clock.advance(by: .seconds(60 * 60))
        _ = try await sync.sweep()
        #expect(try await world.store.equitySnapshots(walletID: account.walletID, since: since).map(\.positionsValue)
                == [.dollars(9), .dollars(16)], "the next hour reads the book again: 20 at 0.8")
    }

    @Test func aSecondWorkerProcessSkipsTheSweepWhileTheFirstHoldsItsLease() async throws {
        let store: any Store = InMemoryStore()
        let user = User.fixture(1)
        try await store.insertUser(user)
        try await store.insertWallet(TradingWallet.fixture(1, userID: user.id))
        let fixture = FakeVenueFixture()
        let cache: any Cache = InMemoryCache(clock: fixture.clock.wallClock)
        let clock = VirtualClock()
        let feed = CountingFeed(clock: clock)
        func process(_ name: String) -> PositionSync<VirtualClock> {
            PositionSync(store: store, feed: feed, exchange: fixture.venue.exchange, cache: cache, clock: clock,
                         wallClock: fixture.clock.wallClock, ids: SequentialIDs(prefix: name).generator,
                         logger: Logger(label: "test"), holder: name)
        }
        #expect(try await cache.acquireLease(PositionSync<VirtualClock>.leaseName, holder: "first", ttl: .seconds(300)))
        let second = try await process("second").sweep()
        #expect(second.skipped)
        #expect(feed.calls.isEmpty, "no /positions call spent while the first sweeps")
        let first = try await process("first").sweep()
        #expect(!first.skipped)
        #expect(first.wallets == 1)
        let after = try await process("second").sweep()
        #expect(!after.skipped, "the lease is given back when a sweep ends")
    }

    @Test func tenThousandWalletsAreSweptInFifteenMinutesUnderThePositionsRateLimit() async throws {
        let store: any Store = InMemoryStore()
        for n in 1...10_000 {
            let user = User.fixture(n)
            try await store.insertUser(user)
            try await store.insertWallet(TradingWallet.fixture(n, userID: user.id))
        }
        let clock = VirtualClock()
        let feed = CountingFeed(clock: clock)
        let fixture = FakeVenueFixture()
        let sync = PositionSync(store: store, feed: feed, exchange: fixture.venue.exchange, cache: InMemoryCache(clock: fixture.clock.wallClock),
                                clock: clock, wallClock: fixture.clock.wallClock, ids: SequentialIDs(prefix: "a").generator,
                                logger: Logger(label: "test"), holder: "one")
        let report = try await sync.sweep()
        #expect(report.wallets == 10_000)
        #expect(report.failures == 0)
        let calls = feed.calls
        #expect(Set(calls.map(\.wallet)).count == 10_000, "every wallet once")
        let times = calls.map(\.at).sorted()
        let elapsed = try #require(times.last) - .zero
        #expect(elapsed <= .seconds(900), "within 15 minutes: \(elapsed)")
        // Polymarket's published /positions limit: 150 requests in any 10 s.
        var worst = 0
        var start = 0
        for end in times.indices {
            while times[end] - times[start] >= .seconds(10) { start += 1 }
            worst = max(worst, end - start + 1)
        }
        #expect(worst <= 150, "at most 150 calls in any 10 s window, saw \(worst)")
        #expect(worst >= 110, "and not needlessly slow: \(worst)")
    }
}

/// A clock whose sleeps return at once, moving its time to the deadline: a sweep's pacing runs
/// in virtual time.
final class VirtualClock: Clock, Sendable {
    typealias Duration = Swift.Duration

    struct Instant: InstantProtocol {
        var offset: Swift.Duration
        func advanced(by duration: Swift.Duration) -> Instant { Instant(offset: self.offset + duration) }
        func duration(to other: Instant) -> Swift.Duration { other.offset - self.offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let current = Mutex(Instant(offset: .zero))
    var now: Instant { self.current.withLock { $0 } }
    var minimumResolution: Swift.Duration { .nanoseconds(1) }

    func sleep(until deadline: Instant, tolerance: Swift.Duration?) async throws {
        self.current.withLock { $0 = max($0, deadline) }
    }
}

/// A feed that records when (on the virtual clock) each wallet's positions were read.
final class CountingFeed: LeaderFeed {
    struct Call {
        var wallet: WalletAddress
        var at: Swift.Duration
    }

    let clock: VirtualClock
    private let recorded = Mutex<[Call]>([])
    var calls: [Call] { self.recorded.withLock { $0 } }

    init(clock: VirtualClock) {
        self.clock = clock
    }

    func fills(of leader: WalletAddress, since: Timestamp) async throws -> [ObservedFill] { [] }

    func liveFills(of leaders: Set<WalletAddress>) -> AsyncThrowingStream<ObservedFill, any Error> {
        AsyncThrowingStream { $0.finish() }
    }

    func positions(of wallet: WalletAddress) async throws -> [WalletPosition] {
        let at = self.clock.now.offset
        self.recorded.withLock { $0.append(Call(wallet: wallet, at: at)) }
        return []
    }
}

/// A relayer whose submissions go out but whose answers are lost: a crash between send and record.
struct AnswerLosingRelayer: Relayer {
    let inner: any Relayer

    func prepare(_ request: RelayerRequest, account: TradingAccount) async throws -> PreparedRelayerTx {
        try await self.inner.prepare(request, account: account)
    }

    func signedPayload(for prepared: PreparedRelayerTx, signature: [UInt8], account: TradingAccount) throws -> String {
        try self.inner.signedPayload(for: prepared, signature: signature, account: account)
    }

    func submit(payload: String, account: TradingAccount) async throws -> RelayerSubmission {
        _ = try await self.inner.submit(payload: payload, account: account)
        throw VenueError.timeout
    }

    func state(reference: String) async throws -> RelayerSubmission {
        try await self.inner.state(reference: reference)
    }
}
