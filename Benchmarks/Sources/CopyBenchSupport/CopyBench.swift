import Ethereum
import FakeExchangeAdapter
import FakeExchangeTesting
import Foundation
public import Kernel
import KernelTesting
import KeyVaultAdapter
import Logging
import Synchronization

/// The copy pipeline wired as the copy-trading worker wires it — one ingestor, one engine with
/// production settings, the AES key vault, the FakeExchange — on the machine's wall clock, over
/// whichever store a benchmark opens. Followers copy a $10 fixed size at up to 3 cents over the
/// leader's 0.50 from a book deep enough for every copy of a run.
///
/// Everything that is not the engine's own work (listing the market, creating leaders and
/// followers, refilling the book, the leader's trade at the venue) happens outside the measured
/// region; ``copy(_:of:)`` is what benchmarks time.
public final class CopyBench: Sendable {
    public let store: any Store
    let venue: FakeVenue
    let exchange: AcceptanceTimingExchange
    let vault: AESKeyVault
    let ingestor: FeedIngestor
    let engine: CopyEngine
    /// Production's defaults (30 s leases; a fill's whole fan-out is one batch) under a process-unique owner.
    let engineSettings: CopyEngine.Settings
    let market: FakeMarket
    public let token: TokenID
    let wallClock: WallClock
    private let counters = Mutex((leaders: 0, followers: 0))

    /// Price of the leader's buys; followers may pay up to 3 cents more (the default slippage).
    static let leaderPrice = Price(baseUnits: 500_000)
    static let cent = Price(baseUnits: 10_000)

    /// Records fills without handing them to the engine: their attempts wait in the queue for
    /// whichever worker claims them (the multi-process benchmark).
    let queueingIngestor: FeedIngestor

    private init(store: any Store, venue: FakeVenue, vault: AESKeyVault, market: FakeMarket, token: TokenID,
                 wallClock: WallClock, batchSize: Int) {
        let ids = IDGenerator { UUID().uuidString.lowercased() }
        // Production logs one line per fill and per attempt; here they would only time the terminal.
        let logger = Logger(label: "mirror.benchmarks", factory: { _ in SwiftLogNoOpLogHandler() })
        let exchange = AcceptanceTimingExchange(base: venue.exchange)
        self.store = store
        self.venue = venue
        self.exchange = exchange
        self.vault = vault
        self.market = market
        self.token = token
        self.wallClock = wallClock
        self.engineSettings = CopyEngine.Settings(owner: "benchmark-\(ids.next(String.self).rawValue.prefix(8))",
                                                  batchSize: batchSize)
        let engine = CopyEngine(store: store, exchange: exchange, vault: vault, wallClock: wallClock, ids: ids,
                                settings: self.engineSettings, logger: logger)
        self.engine = engine
        // As the copy-trading worker wires it: a recorded fill's attempts are claimed in the
        // recording commit and carried through the pipeline at once.
        self.queueingIngestor = FeedIngestor(store: store, feed: venue.leaderFeed, wallClock: wallClock, ids: ids,
                                             logger: logger)
        self.ingestor = self.queueingIngestor.handingOff(to: engine)
    }

    /// A venue with one market on `store` (already migrated and empty of followers). Every bench
    /// lists the same market (same token ids), so processes of one run agree on it; they share
    /// sealed keys when given the same `masterKey` (hex). The engine claims `batchSize` at a time.
    public static func make(store: any Store, masterKey: String? = nil, batchSize: Int = 20) async throws -> CopyBench {
        let wallClock = WallClock.machine
        let venue = FakeVenue(seed: 7, wallClock: wallClock)
        let market = try await venue.listMarket(FakeMarketSpec(slug: "benchmark-market", tickSize: Self.cent,
                                                               minOrderSize: .whole(5)))
        guard let token = market.tokenIDs.first else { throw BenchmarkSetupError("the venue listed a market without tokens") }
        let vault = AESKeyVault(current: try MasterKey(hex: masterKey ?? MasterKey.generateHex()))
        let bench = CopyBench(store: store, venue: venue, vault: vault, market: market, token: token, wallClock: wallClock,
                              batchSize: batchSize)
        try await bench.refillBook()
        return bench
    }

    // MARK: Setup, outside the measured region

    /// A new leader, followed by nobody yet.
    public func addLeader() async throws -> Leader {
        let n = self.counters.withLock { $0.leaders += 1; return $0.leaders }
        let leader = Leader.fixture(n, createdAt: self.wallClock.now())
        try await self.store.insertLeader(leader)
        return leader
    }

    /// A new user whose deposit wallet (funded with `funds`, key sealed by the vault) copies
    /// `leader` with a $10 fixed size.
    @discardableResult
    public func addFollower(of leader: Leader, funds: Collateral = .dollars(1_000)) async throws -> CopyProfile {
        let n = self.counters.withLock { $0.followers += 1; return $0.followers }
        let now = self.wallClock.now()
        let user = User.fixture(n, loginAddress: nil, createdAt: now)
        try await self.store.insertUser(user)
        let key = Self.followerKey(n)
        let account = try await self.openAccount(n, funds: funds)
        let secret = key.withUnsafeSecretBytes { Array($0) }
        let sealed = try await self.vault.seal(secret, binding: .tradingKey(userID: user.id, address: account.signerAddress))
        let wallet = TradingWallet.fixture(n, userID: user.id, type: account.type, signerAddress: account.signerAddress,
                                           funderAddress: account.funderAddress, sealedKey: sealed, onboarding: .ready,
                                           createdAt: now)
        try await self.store.insertWallet(wallet)
        // What position sync records: the engine spends from the synced balance.
        try await self.store.recordSyncedBalance(walletID: wallet.id, collateral: funds, at: now)
        let profile = CopyProfile.fixture(n, userID: user.id, leaderID: leader.id, walletID: wallet.id, createdAt: now)
        try await self.store.insertProfile(profile)
        return profile
    }

    static func followerKey(_ n: Int) -> PrivateKey { PrivateKey.testKey(1_000_000 + n) }

    /// Follower `n`'s account at this bench's venue, funded with `funds`.
    @discardableResult
    func openAccount(_ n: Int, funds: Collateral) async throws -> TradingAccount {
        let account = try await FakeVenueFixture.openAccount(key: Self.followerKey(n), type: .depositWallet, on: self.venue)
        await self.venue.fund(wallet: account.funderAddress, amount: funds)
        return account
    }

    /// Restocks the book with finite depth: 5,000 shares at 0.51, 7,000 at 0.52 and 10,000 at
    /// 0.53 — a fan-out of 1,000 $10 copies (18.86 shares each) walks up all three levels within
    /// the followers' 0.53 limit, so their slippage is real and spread.
    public func refillBook() async throws {
        try await self.venue.setBook(OrderBook(
            tokenID: self.token, bids: [BookLevel(price: Price(baseUnits: 490_000), size: .whole(100_000))],
            asks: [BookLevel(price: Price(baseUnits: 510_000), size: .whole(5_000)),
                   BookLevel(price: Price(baseUnits: 520_000), size: .whole(7_000)),
                   BookLevel(price: Price(baseUnits: 530_000), size: .whole(10_000))],
            tickSize: Self.cent, minOrderSize: .whole(5)))
    }

    /// The leader buys 100 shares at 0.50 on the venue; returns the fill as the feed reports it.
    public func leaderBuys(_ leader: Leader) async throws -> ObservedFill {
        let fills = try await self.venue.leaderTrade(leader.address, legs: [
            FakeLeg(tokenID: self.token, side: .buy, size: .whole(100), price: Self.leaderPrice),
        ])
        guard let fill = fills.first else { throw BenchmarkSetupError("the venue reported no fill for the leader's trade") }
        return ObservedFill(fill: fill, occurrence: 1)
    }

    // MARK: Measured

    /// Hands `fill` to the ingestor (recorded, fanned out and claimed in one commit, then copied
    /// at once, as the copy-trading worker does) and drains anything still due, until none is left. Returns how long after the
    /// hand-over the venue accepted each follower's order, in submission order.
    @discardableResult
    public func copy(_ fill: ObservedFill, of leader: Leader) async throws -> [Duration] {
        let start = ContinuousClock.now
        self.exchange.startRecording()
        try await self.ingestor.record(fill, leader: leader)
        while try await self.engine.runOnce() > 0 {}
        return self.exchange.stopRecording().map { $0 - start }
    }

    // MARK: Checks, outside the measured region

    /// Throws unless `fill` became exactly `followers` attempts, each DONE with a filled order;
    /// returns each attempt's slippage against the leader's price, in basis points.
    @discardableResult
    public func expectCopied(_ fill: ObservedFill, followers: Int) async throws -> [Int64] {
        guard let event = try await self.store.leaderEvent(identity: fill.identity) else {
            throw BenchmarkSetupError("the fill was not recorded")
        }
        let attempts = try await self.store.attempts(leaderEventID: event.id)
        let done = attempts.filter { $0.status == .done && $0.filledShares.baseUnits > 0 }
        guard attempts.count == followers, done.count == followers else {
            let statuses = Dictionary(grouping: attempts, by: \.status).mapValues(\.count)
            throw BenchmarkSetupError("expected \(followers) filled attempts, found \(done.count) of \(attempts.count): \(statuses)")
        }
        return done.compactMap { attempt in
            attempt.fillPrice.map { ($0.baseUnits - Self.leaderPrice.baseUnits) * 10_000 / Self.leaderPrice.baseUnits }
        }
    }
}

extension WallClock {
    /// The machine's clock, as the App's composition root reads it.
    static let machine = WallClock {
        Timestamp(epochMilliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}

/// A benchmark's setup or check went wrong: the figures would not mean what they say.
public struct BenchmarkSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension CopyBench {
    /// The wallet of `profile`, as the engine reads it before signing.
    public func wallet(of profile: CopyProfile) async throws -> TradingWallet {
        guard let wallet = try await self.store.wallet(id: profile.walletID) else {
            throw BenchmarkSetupError("the follower's wallet is missing")
        }
        return wallet
    }

    /// What the engine does to turn a sized copy into bytes for the venue: prepare the order on
    /// the venue's rules, have the vault open the sealed key and sign the digest, and encode the
    /// `POST /order` body. Returns that body.
    public func prepareAndSign(for wallet: TradingWallet) async throws -> String {
        try await self.preparedAndSigned(for: wallet).payload
    }

    /// ``prepareAndSign(for:)`` with the order's id, so the bytes can be sent.
    public func preparedAndSigned(for wallet: TradingWallet) async throws -> (orderID: OrderID, payload: String) {
        let account = TradingAccount(wallet)
        let intent = OrderIntent(tokenID: self.token, side: .buy, type: .fok, limitPrice: Price(baseUnits: 530_000),
                                 shares: Shares(baseUnits: 18_860_000))
        let prepared = try await self.venue.exchange.prepareOrder(intent, account: account, at: self.wallClock.now())
        let signature = try await self.vault.sign(
            digest: prepared.digest, with: wallet.sealedKey,
            binding: .tradingKey(userID: wallet.userID, address: wallet.signerAddress))
        return (prepared.orderID, try self.venue.exchange.signedPayload(for: prepared, signature: signature, account: account))
    }

    /// Sends signed bytes to the venue as the engine does; throws unless the venue fills them.
    public func accept(_ signed: (orderID: OrderID, payload: String), for wallet: TradingWallet) async throws {
        let snapshot = try await self.venue.exchange.submitOrder(payload: signed.payload, orderID: signed.orderID,
                                                                  account: TradingAccount(wallet))
        guard case .filled = snapshot.state else {
            throw BenchmarkSetupError("the venue did not fill the order: \(snapshot.state)")
        }
    }

    /// Puts `amount` more collateral in the follower's venue account (outside the measured region).
    public func fund(_ wallet: TradingWallet, _ amount: Collateral) async {
        await self.venue.fund(wallet: wallet.funderAddress, amount: amount)
    }
}
