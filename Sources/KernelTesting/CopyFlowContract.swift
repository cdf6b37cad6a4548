import Ethereum
public import Kernel
import Logging
import Synchronization
public import Testing

/// A named flow over one store and one venue, run on an empty store: every store adapter reruns a
/// suite's flows unchanged, against every venue that implements ``VenueControl``. `Suite` only
/// tells the suites apart (their `cases`).
public struct FlowContract<Suite>: Sendable, CustomTestStringConvertible {
    public let name: String
    private let body: @Sendable (CopyFlowHarness) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (CopyFlowHarness) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var testDescription: String { self.name }

    /// Runs this flow on an empty `store` against `venue`.
    public func run(store: any Store, venue: VenueHarness) async throws {
        try await self.body(CopyFlowHarness(store: store, venue: venue))
    }
}

/// The suites of ``FlowContract``.
public enum FlowSuite {
    public enum CopyFlow {}
    public enum CopyQuality {}
    public enum AccountEventCap {}
}

/// The copy engine's full flows (ARCHITECTURE §3).
public typealias CopyFlowContract = FlowContract<FlowSuite.CopyFlow>

/// Copy quality's flows (issue #22) on a real engine, store and venue, so what the engine records
/// and what the quality read makes of it agree on each store.
public typealias CopyQualityContract = FlowContract<FlowSuite.CopyQuality>

/// The account-wide event cap (issue #22, `PATCH /me`): all of a user's live follows together
/// per event — the store's own check under the lock that persists the orders, and the engine's
/// flow on a real venue.
public typealias AccountEventCapContract = FlowContract<FlowSuite.AccountEventCap>

/// A store, a venue, a vault and the engine parts, wired as the copy-trading worker wires them.
public struct CopyFlowHarness: Sendable {
    public let store: any Store
    public let venue: VenueHarness
    public let vault = TestKeyVault()
    public let ids = SequentialIDs(prefix: "flow")

    var clock: ManualWallClock { self.venue.clock }

    func engine(owner: String = "worker-1", exchange: (any Exchange)? = nil,
                faults: @escaping @Sendable (CopyEngine.FaultPoint) async throws -> Void = { _ in }) -> CopyEngine {
        CopyEngine(store: self.store, exchange: exchange ?? self.venue.exchange, vault: self.vault,
                   wallClock: self.clock.wallClock, ids: self.ids.generator,
                   settings: .init(owner: owner), logger: Logger(label: "flow"), faults: faults)
    }

    func ingestor() -> FeedIngestor {
        FeedIngestor(store: self.store, feed: self.venue.feed, wallClock: self.clock.wallClock,
                     ids: self.ids.generator, logger: Logger(label: "flow"))
    }
}

/// One follower copying one leader in one market, ready to trade.
struct FlowScenario {
    let leader: Leader
    let profile: CopyProfile
    let wallet: TradingWallet
    let account: TradingAccount
    let market: VenueMarket
    let token: TokenID

    static let cent = Price(baseUnits: 10_000)

    /// What a copied entry buys (see ``copyLeaderBuy(on:)``): $10 at the 0.53 limit sizes 18.86
    /// shares on the 0.01 step; the FOK goes out as a market BUY (spec §5.4) spending
    /// floor_2(18.86 × 0.53 = 9.9958) = $9.99 for 9.99 / 0.53 = 18.849056… shares, cut to the
    /// 4 amount decimals of tick 0.01: 18.849.
    static let bought = Shares(baseUnits: 18_849_000)
    /// What a full exit leaves: sells carry whole hundredths, so 18.84 of the 18.849 sell and
    /// 0.009 share stays, at the 0.51 it cost: 0.009 × 0.51 = $0.00459.
    static let dust = Shares(baseUnits: 9_000)
    static let dustCost = Collateral(baseUnits: 4_590)

    /// Asks at 0.51 and 0.52 (500 shares each), bids at 0.49; a $10 fixed-size profile; $100 funded.
    static func make(
        _ harness: CopyFlowHarness, n: Int = 1, negRisk: Bool = false, status: ProfileStatus = .enabled,
        mode: TradingMode = .live, sizing: Sizing = .fixedUSD(.dollars(10)), limits: CopyLimits = CopyLimits(),
        funds: Collateral = .dollars(100), asks: [BookLevel]? = nil, endsAt: Timestamp? = nil, protocolV2: Bool = false,
        leader existing: Leader? = nil, market existingMarket: (VenueMarket, TokenID)? = nil, balanceRead: Bool = true
    ) async throws -> FlowScenario {
        let now = harness.clock.now()
        let store = harness.store
        let leader: Leader
        if let existing {
            leader = existing
        } else {
            leader = Leader(id: LeaderID("leader-\(n)"), address: PrivateKey.testKey(900 + n).address.kernelAddress,
                            createdAt: now)
            try await store.insertLeader(leader)
        }
        let user = User(id: UserID("user-\(n)"), externalID: "dynamic|\(n)", loginAddress: nil, createdAt: now)
        try await store.insertUser(user)
        let key = PrivateKey.testKey(100 + n)
        let account = try await harness.venue.account(for: key, type: .depositWallet)
        if funds.baseUnits > 0 { try await harness.venue.control.fund(wallet: account.funderAddress, amount: funds) }
        let wallet = TradingWallet(id: WalletID("wallet-\(n)"), userID: user.id, type: account.type,
                                   signerAddress: account.signerAddress, funderAddress: account.funderAddress,
                                   sealedKey: harness.vault.adopt(key), onboarding: .ready, apiKey: account.apiKey,
                                   createdAt: now, updatedAt: now)
        try await store.insertWallet(wallet)
        // What position sync would record: the engine spends from the synced balance, never a venue call.
        if balanceRead { try await store.recordSyncedBalance(walletID: wallet.id, collateral: funds, at: now) }
        let profile = CopyProfile(id: ProfileID("profile-\(n)"), userID: user.id, leaderID: leader.id, walletID: wallet.id,
                                  status: status, mode: mode, sizing: sizing, limits: limits, createdAt: now, updatedAt: now)
        try await store.insertProfile(profile)
        let market: VenueMarket, token: TokenID
        if let existingMarket {
            (market, token) = existingMarket
        } else {
            market = try await harness.venue.control.createMarket(VenueMarketSpec(
                slug: "flow-market-\(n)", tickSize: Self.cent, minOrderSize: .whole(5), negRisk: negRisk, endsAt: endsAt,
                protocolV2: protocolV2))
            token = try #require(market.tokenIDs.first)
            let defaultAsks = [BookLevel(price: Price(baseUnits: 510_000), size: .whole(500)),
                               BookLevel(price: Price(baseUnits: 520_000), size: .whole(500))]
            try await harness.venue.control.setBook(OrderBook(
                tokenID: token, bids: [BookLevel(price: Price(baseUnits: 490_000), size: .whole(500))],
                asks: asks ?? defaultAsks, tickSize: Self.cent, minOrderSize: .whole(5)))
        }
        return FlowScenario(leader: leader, profile: profile, wallet: wallet, account: account, market: market, token: token)
    }

    /// The leader buys `size` shares at `price` in one transaction; `twins` equal legs.
    func leaderBuys(_ size: Shares = .whole(100), at price: Price = Price(baseUnits: 500_000), twins: Int = 1,
                    on harness: CopyFlowHarness) async throws -> [LeaderFill] {
        let leg = LeaderTrade.Leg(tokenID: self.token, side: .buy, size: size, price: price)
        return try await harness.venue.control.leaderTrade(
            LeaderTrade(leader: self.leader.address, legs: Array(repeating: leg, count: twins)))
    }

    /// The leader sells `size` shares at `price`.
    func leaderSells(_ size: Shares, at price: Price = Price(baseUnits: 500_000),
                     on harness: CopyFlowHarness) async throws -> [LeaderFill] {
        try await harness.venue.control.leaderTrade(
            LeaderTrade(leader: self.leader.address, legs: [.init(tokenID: self.token, side: .sell, size: size, price: price)]))
    }

    /// The leader buys 100 at 0.50 and this profile copies it: ``bought`` (18.849) shares at the
    /// 0.51 ask. Returns the shares the profile then holds.
    @discardableResult
    func copyLeaderBuy(on harness: CopyFlowHarness) async throws -> Shares {
        _ = try await self.leaderBuys(on: harness)
        try await harness.ingestor().poll()
        try await harness.engine().runOnce()
        return try await harness.store.position(profileID: self.profile.id, tokenID: self.token)?.shares ?? .zero
    }

    func attempts(_ harness: CopyFlowHarness) async throws -> [CopyAttempt] {
        try await harness.store.attempts(userID: self.profile.userID, limit: 100)
    }

    func onlyAttempt(_ harness: CopyFlowHarness) async throws -> CopyAttempt {
        let attempts = try await self.attempts(harness)
        #expect(attempts.count == 1, "attempts: \(attempts.map(\.status))")
        return try #require(attempts.first)
    }
}

extension Address {
    var kernelAddress: WalletAddress {
        do { return try WalletAddress(self.lowercased) } catch { preconditionFailure("\(error)") }
    }
}

extension CopyFlowContract {
    /// Every flow: entries, then exits, modes and the ledger, then the batch pipeline's.
    public static var cases: [CopyFlowContract] { Self.entryCases + Self.exitCases + Self.batchCases }

    static var entryCases: [CopyFlowContract] { [
        .init("a leader fill becomes one attempt, one signed order, one fill, booked in the ledger") { harness async throws in
            let scenario = try await FlowScenario.make(harness)
            _ = try await scenario.leaderBuys(on: harness)
            #expect(try await harness.ingestor().poll() == 1)
            try await harness.engine().runOnce()

            let attempt = try await scenario.onlyAttempt(harness)
            #expect(attempt.status == .done)
            #expect(attempt.sentAt != nil && attempt.acceptedAt != nil)
            #expect(attempt.leaderPrice == Price(baseUnits: 500_000))
            #expect(attempt.fillPrice == Price(baseUnits: 510_000))
            let orders = try await harness.store.orders(attemptID: attempt.id)
            #expect(orders.map(\.status) == [.filled])
            let order = try #require(orders.first)
            #expect(order.type == .fok && order.side == .buy)
            #expect(order.limitPrice == Price(baseUnits: 530_000))   // leader 0.50 + 3 cents slippage
            // $10 at the 0.53 limit is 18.86 shares; the market BUY signs $9.99 for 18.849 (FlowScenario.bought).
            #expect(order.makerAmount == 9_990_000 && order.takerAmount == 18_849_000)
            #expect(order.filledShares == FlowScenario.bought)
            #expect(order.filledNotional == Collateral(baseUnits: 9_612_990))   // 18.849 × 0.51
            #expect(attempt.filledShares == order.filledShares)
            // The venue holds the shares and took the money; the ledger agrees.
            let held = try await harness.venue.control.shares(of: scenario.account.funderAddress, tokenID: scenario.token)
            #expect(held == order.filledShares)
            let position = try #require(try await harness.store.position(profileID: scenario.profile.id, tokenID: scenario.token))
            #expect(position.shares == held)
            #expect(position.costBasis == order.filledNotional + order.fee)
            let balance = try await harness.venue.control.collateral(of: scenario.account.funderAddress)
            #expect(balance == .dollars(100) - order.filledNotional - order.fee)
            // The venue knows the order by the hash we stored.
            let seen = try await harness.venue.exchange.order(id: order.id, account: scenario.account)
            #expect(seen?.state == .filled)
        },
        .init("the same fill polled twice and streamed is one event and one attempt") { harness async throws in
            let scenario = try await FlowScenario.make(harness)
            _ = try await scenario.leaderBuys(on: harness)
            let ingestor = harness.ingestor()
            #expect(try await ingestor.poll() == 1)
            #expect(try await ingestor.poll() == 0)
            // The same fills, observed again out of order and with the source changed, are duplicates.
            let again = try await harness.venue.feed.fills(of: scenario.leader.address, since: .init(epochMilliseconds: 0))
            for observed in again.reversed() {
                var relabelled = observed
                relabelled.fill.source = .rtds
                #expect(try await ingestor.record(relabelled, leader: scenario.leader) == false)
            }
            #expect(try await scenario.attempts(harness).count == 1)
        },
        .init("two identical fills in one transaction are two events and two attempts") { harness async throws in
            let scenario = try await FlowScenario.make(harness)
            let fills = try await scenario.leaderBuys(twins: 2, on: harness)
            #expect(fills.count == 2)
            #expect(try await harness.ingestor().poll() == 2)
            try await harness.engine().runOnce()
            let attempts = try await scenario.attempts(harness)
            #expect(attempts.count == 2)
            #expect(attempts.allSatisfy { $0.status == .done })
            #expect(Set(attempts.map(\.leaderEventID)).count == 2)
        },
        .init("a crash after persisting the signed order sends it exactly once after restart") { harness async throws in
            try await Self.crashThenRestart(at: .afterPersist, harness)
        },
        .init("a crash after sending, before the response, never sends a second order") { harness async throws in
            try await Self.crashThenRestart(at: .afterSend, harness)
        },
        .init("a crash after the response never sends a second order") { harness async throws in
            try await Self.crashThenRestart(at: .afterResponse, harness)
        },
        .init("a lost response leaves the order UNKNOWN until the hash is looked up") { harness async throws in
            let scenario = try await FlowScenario.make(harness)
            _ = try await scenario.leaderBuys(on: harness)
            try await harness.ingestor().poll()
            try await harness.venue.control.inject(.orderResponseLost, times: 1)
            try await harness.engine().runOnce()
            var attempt = try await scenario.onlyAttempt(harness)
            #expect(attempt.status == .placing)
            let unknown = try await harness.store.orders(attemptID: attempt.id)
            #expect(unknown.map(\.status) == [.unknown])

            harness.clock.advance(by: .seconds(3))
            try await harness.engine().runOnce()
            attempt = try await scenario.onlyAttempt(harness)
            #expect(attempt.status == .done)
            let orders = try await harness.store.orders(attemptID: attempt.id)
            #expect(orders.map(\.status) == [.filled])
            #expect(orders.map(\.id) == unknown.map(\.id))   // no second order was signed
        },
        .init("each entry risk check skips with its own reason") { harness async throws in
            try await Self.expectSkips(harness)
        },
        .init("a neg-risk market's order is signed for the neg-risk exchange and fills") { harness async throws in
            let scenario = try await FlowScenario.make(harness, negRisk: true)
            _ = try await scenario.leaderBuys(on: harness)
            try await harness.ingestor().poll()
            try await harness.engine().runOnce()
            let attempt = try await scenario.onlyAttempt(harness)
            #expect(attempt.status == .done)
            #expect(try await harness.store.orders(attemptID: attempt.id).map(\.status) == [.filled])
        },
        .init("a pause issued while an attempt is claimed stops its send") { harness async throws in
            let scenario = try await FlowScenario.make(harness)
            _ = try await scenario.leaderBuys(on: harness)
            try await harness.ingestor().poll()
            let store = harness.store
            let profileID = scenario.profile.id
            let now = harness.clock.now()
            // The operator's pause-all lands between signing and sending.
            let engine = harness.engine { point async throws in
                guard point == .afterPersist else { return }
                let paused = try await store.transitionProfile(profileID, from: .enabled, to: .paused, at: now)
                #expect(paused)
            }
            try await engine.runOnce()
            let attempt = try await scenario.onlyAttempt(harness)
            #expect(attempt.status == .done)
            #expect(attempt.filledShares == .zero)
            let orders = try await harness.store.orders(attemptID: attempt.id)
            #expect(orders.map(\.status) == [.canceled])
            let order = try #require(orders.first)
            #expect(try await harness.venue.exchange.order(id: order.id, account: scenario.account) == nil)
        },
        .init("an open breaker defers attempts, which resume when it closes") { harness async throws in
            let scenario = try await FlowScenario.make(harness, limits: CopyLimits(maxFillAge: .seconds(600)))
            _ = try await scenario.leaderBuys(on: harness)
            try await harness.ingestor().poll()
            let breaker = CircuitBreaker(service: "exchange", policy: .init(failureThreshold: 1),
                                         wallClock: harness.clock.wallClock)
            let guarded = BreakerGuardedExchange(harness.venue.exchange, breaker: breaker)
            try await harness.venue.control.inject(.exchange(.serverError(status: 503)), times: 1)
            try await harness.engine(exchange: guarded).runOnce()
            #expect(try await scenario.onlyAttempt(harness).status == .deferred)
            #expect(breaker.snapshot.state == .open)

            // Due again, but the breaker is still open: deferred again, nothing sent.
            harness.clock.advance(by: .seconds(6))
            try await harness.engine(exchange: guarded).runOnce()
            #expect(try await scenario.onlyAttempt(harness).status == .deferred)

            // After 60 s the breaker half-opens; the trial call succeeds and the copy goes through.
            harness.clock.advance(by: .seconds(60))
            try await harness.engine(exchange: guarded).runOnce()
            let attempt = try await scenario.onlyAttempt(harness)
            #expect(attempt.status == .done)
            #expect(attempt.filledShares.baseUnits > 0)
            #expect(breaker.snapshot.state == .closed)
        },
        .init("a live entry whose wallet's balance was never read waits for a reading, then copies") { harness async throws in
            let scenario = try await FlowScenario.make(harness, limits: CopyLimits(maxFillAge: .seconds(600)),
                                                       balanceRead: false)
            _ = try await scenario.leaderBuys(on: harness)
            try await harness.ingestor().poll()
            try await harness.engine().runOnce()
            let waiting = try await scenario.onlyAttempt(harness)
            #expect(waiting.status == .deferred, "not skipped for a balance nobody has read")
            #expect(try await harness.store.orders(attemptID: waiting.id).isEmpty)

            // The balance is read (as position sync or a look at the wallet does); the entry copies when due.
            let balances = WalletBalances(store: harness.store, exchange: harness.venue.exchange,
                                          wallClock: harness.clock.wallClock)
            #expect(await balances.read(scenario.wallet))
            harness.clock.advance(by: .seconds(6))
            try await harness.engine().runOnce()
            let attempt = try await scenario.onlyAttempt(harness)
            #expect(attempt.status == .done)
            #expect(attempt.filledShares.baseUnits > 0)
        },
        .init("two workers racing over the same due attempts never place an order twice") { harness async throws in
            let scenario = try await FlowScenario.make(harness)
            _ = try await scenario.leaderBuys(twins: 3, on: harness)
            try await harness.ingestor().poll()
            async let first = harness.engine(owner: "worker-a").runOnce()
            async let second = harness.engine(owner: "worker-b").runOnce()
            _ = try await (first, second)
            let attempts = try await scenario.attempts(harness)
            #expect(attempts.count == 3)
            #expect(attempts.allSatisfy { $0.status == .done })
            for attempt in attempts {
                #expect(try await harness.store.orders(attemptID: attempt.id).count == 1)
            }
        },
        .init("an order the venue refuses outright fails the attempt and is never resent") { harness async throws in
            let scenario = try await FlowScenario.make(harness)
            _ = try await scenario.leaderBuys(on: harness)
            try await harness.ingestor().poll()
            let refusing = RefusingSubmits(base: harness.venue.exchange)
            try await harness.engine(exchange: refusing).runOnce()
            harness.clock.advance(by: .seconds(60))
            #expect(try await harness.engine(exchange: refusing).runOnce() == 0)
            let attempt = try await scenario.onlyAttempt(harness)
            #expect(attempt.status == .failed)
            #expect(try await harness.store.orders(attemptID: attempt.id).map(\.status) == [.rejected])
            #expect(refusing.submits.withLock { $0 } == 1)
        },
        .init("paper mode fills against the book without sending anything") { harness async throws in
            let scenario = try await FlowScenario.make(harness, mode: .paper)
            _ = try await scenario.leaderBuys(on: harness)
            try await harness.ingestor().poll()
            try await harness.engine().runOnce()
            let attempt = try await scenario.onlyAttempt(harness)
            #expect(attempt.status == .done)
            let orders = try await harness.store.orders(attemptID: attempt.id)
            #expect(orders.map(\.paper) == [true])
            #expect(orders.map(\.status) == [.filled])
            let position = try await harness.store.position(profileID: scenario.profile.id, tokenID: scenario.token)
            #expect(position?.shares == orders.first?.filledShares)
            // The venue saw nothing: the wallet still has its money and no shares.
            #expect(try await harness.venue.control.collateral(of: scenario.account.funderAddress) == .dollars(100))
            #expect(try await harness.venue.control.shares(of: scenario.account.funderAddress, tokenID: scenario.token) == .zero)
        },
    ] }

    /// Dies at `point` on the first run; a second worker, after the lease expires, finishes the
    /// attempt. The venue ends with exactly one order and one fill; the attempt has one terminal state.
    static func crashThenRestart(at point: CopyEngine.FaultPoint, _ harness: CopyFlowHarness) async throws {
        let scenario = try await FlowScenario.make(harness)
        _ = try await scenario.leaderBuys(on: harness)
        try await harness.ingestor().poll()
        let dying = harness.engine(owner: "worker-dies") { reached in
            if reached == point { throw SimulatedCrash(at: point) }
        }
        await #expect(throws: SimulatedCrash(at: point)) { try await dying.runOnce() }

        // Before the lease expires nobody else touches it.
        let restarted = harness.engine(owner: "worker-restarted")
        #expect(try await restarted.runOnce() == 0)
        harness.clock.advance(by: .seconds(31))
        try await restarted.runOnce()

        let attempt = try await scenario.onlyAttempt(harness)
        #expect(attempt.status == .done, "after a crash at \(point)")
        let orders = try await harness.store.orders(attemptID: attempt.id)
        #expect(orders.count == 1)
        #expect(orders.map(\.status) == [.filled])
        let order = try #require(orders.first)
        // Exactly one fill at the venue: the shares the single order bought.
        let held = try await harness.venue.control.shares(of: scenario.account.funderAddress, tokenID: scenario.token)
        #expect(held == order.filledShares)
        let position = try await harness.store.position(profileID: scenario.profile.id, tokenID: scenario.token)
        #expect(position?.shares == held)
    }

    /// One scenario per skip reason reachable through a venue, each breaking exactly one rule.
    static func expectSkips(_ harness: CopyFlowHarness) async throws {
        var n = 0
        func skipped(_ expected: SkipReason, make: (Int) async throws -> FlowScenario,
                     buy: (FlowScenario) async throws -> Void, before: () -> Void = {}) async throws {
            n += 1
            let scenario = try await make(n)
            try await buy(scenario)
            try await harness.ingestor().poll()
            before()
            try await harness.engine().runOnce()
            let attempt = try await scenario.onlyAttempt(harness)
            #expect(attempt.status == .skipped, "\(expected)")
            #expect(attempt.skipReason == expected)
            #expect(try await harness.store.orders(attemptID: attempt.id).isEmpty, "\(expected): no order")
        }
        let normalBuy: (FlowScenario) async throws -> Void = { _ = try await $0.leaderBuys(on: harness) }
        try await skipped(.profileNotActive, make: { try await FlowScenario.make(harness, n: $0, status: .userPaused) }, buy: normalBuy)
        try await skipped(.fillTooOld, make: { try await FlowScenario.make(harness, n: $0) }, buy: normalBuy,
                          before: { harness.clock.advance(by: .seconds(61)) })
        try await skipped(.leaderNotionalTooSmall, make: { try await FlowScenario.make(harness, n: $0) },
                          buy: { _ = try await $0.leaderBuys(.whole(1), on: harness) })
        try await skipped(.marketClosed, make: { n in
            let scenario = try await FlowScenario.make(harness, n: n)
            try await harness.venue.control.updateMarket(conditionID: scenario.market.conditionID, tickSize: nil,
                                                         minOrderSize: nil, acceptingOrders: false)
            return scenario
        }, buy: normalBuy)
        try await skipped(.marketResolvingSoon, make: {
            try await FlowScenario.make(harness, n: $0, endsAt: harness.clock.now() + .seconds(120))
        }, buy: normalBuy)
        try await skipped(.unsupportedMarket, make: { try await FlowScenario.make(harness, n: $0, protocolV2: true) },
                          buy: normalBuy)
        try await skipped(.priceOutOfBand, make: { try await FlowScenario.make(harness, n: $0) },
                          buy: { _ = try await $0.leaderBuys(.whole(100), at: Price(baseUnits: 990_000), on: harness) })
        try await skipped(.slippageTooHigh, make: {
            try await FlowScenario.make(harness, n: $0, asks: [BookLevel(price: Price(baseUnits: 600_000), size: .whole(500))])
        }, buy: normalBuy)
        try await skipped(.insufficientDepth, make: {
            try await FlowScenario.make(harness, n: $0, asks: [BookLevel(price: Price(baseUnits: 510_000), size: .whole(2))])
        }, buy: normalBuy)
        try await skipped(.capReached, make: {
            try await FlowScenario.make(harness, n: $0, limits: CopyLimits(maxPerTrade: .dollars(1)))
        }, buy: normalBuy)
        try await skipped(.insufficientBalance, make: { try await FlowScenario.make(harness, n: $0, funds: .dollars(1)) },
                          buy: normalBuy)
        try await skipped(.belowExchangeMinimum, make: {
            try await FlowScenario.make(harness, n: $0, sizing: .fixedUSD(Collateral(baseUnits: 2_000_000)))
        }, buy: normalBuy)
    }
}


/// A venue that turns every order submission down with an HTTP 400, counting them.
final class RefusingSubmits: Exchange {
    let base: any Exchange
    let submits = Mutex(0)

    init(base: any Exchange) { self.base = base }

    func market(tokenID: TokenID) async throws -> MarketInfo { try await self.base.market(tokenID: tokenID) }
    func orderBook(tokenID: TokenID) async throws -> OrderBook { try await self.base.orderBook(tokenID: tokenID) }
    func prepareOrder(_ intent: OrderIntent, account: TradingAccount, at time: Timestamp) async throws -> PreparedOrder {
        try await self.base.prepareOrder(intent, account: account, at: time)
    }
    func signedPayload(for prepared: PreparedOrder, signature: [UInt8], account: TradingAccount) throws -> String {
        try self.base.signedPayload(for: prepared, signature: signature, account: account)
    }
    func submitOrder(payload: String, orderID: OrderID, account: TradingAccount) async throws -> OrderSnapshot {
        self.submits.withLock { $0 += 1 }
        throw VenueError.refused(status: 400, message: "invalid order payload")
    }
    func order(id: OrderID, account: TradingAccount) async throws -> OrderSnapshot? {
        try await self.base.order(id: id, account: account)
    }
    func cancelOrder(id: OrderID, account: TradingAccount) async throws -> OrderSnapshot? {
        try await self.base.cancelOrder(id: id, account: account)
    }
    func collateralBalance(account: TradingAccount) async throws -> Collateral {
        try await self.base.collateralBalance(account: account)
    }
}
