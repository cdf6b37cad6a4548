import CopyBenchSupport
import Ethereum
import FakeExchangeAdapter
import FakeExchangeTesting
import FakePolymarket
import FakePolymarketTesting
import Foundation
import Kernel
import KernelTesting
import KeyVaultAdapter
import Logging
import PolymarketAdapter
import PostgresAdapter
import PostgresBenchSupport

/// `fanout-1000-adapter` (issue #18): one leader fill copied to 1,000 followers with PostgreSQL
/// as the store and the real Polymarket adapter as the exchange — HTTP over loopback, L2 HMAC
/// headers, signing, the published rate limits — against the facade `mirror fake-polymarket`
/// serves (its `FakePolymarketServer` over a `FakeVenue` on the machine's clock, started in this
/// process on a free port of 127.0.0.1). The engine is wired as the copy-trading worker wires it
/// (`FeedIngestor` handing off to `CopyEngine`, the breaker-guarded exchange, the AES vault, the
/// vault-backed CLOB credentials). Measured: the fill handed to the ingestor until every
/// follower's order is accepted and booked. Checked afterwards, outside the clock: every attempt
/// DONE and filled, and every follower's shares at the venue equal to what was booked (a
/// duplicate order the venue filled would show as more).
///
///     TEST_POSTGRES_URL=postgres://… .build/release/PolymarketFanout [followers] [iterations]
@main
struct PolymarketFanout {
    static let logger = Logger(label: "mirror.benchmarks", factory: { _ in SwiftLogNoOpLogHandler() })
    static let wallClock = WallClock {
        Timestamp(epochMilliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
    static let cent = Price(baseUnits: 10_000)
    static let leaderPrice = Price(baseUnits: 500_000)

    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
        let followers = arguments.first ?? 1_000
        let iterations = arguments.dropFirst().first ?? 3
        let database = try await TemporaryPostgres.open()
        let venue = FakeVenue(seed: 7, wallClock: Self.wallClock)
        let server = try await RunningFakePolymarket.start(FakePolymarketServer(venue: venue))
        do {
            try await Self.run(store: database.store, venue: venue, server: server, followers: followers,
                               iterations: iterations)
        } catch {
            await server.stop()
            try await database.remove()
            throw error
        }
        await server.stop()
        try await database.remove()
    }

    static func run(store: PostgresStore, venue: FakeVenue, server: RunningFakePolymarket, followers: Int,
                    iterations: Int) async throws {
        let urls = FakePolymarketURLs(baseURL: server.baseURL)
        let configuration = PolymarketConfiguration(
            clobURL: urls.clob, gammaURL: urls.gamma, dataAPIURL: urls.dataAPI, rtdsURL: urls.rtds,
            relayerURL: urls.relayer, rtdsEnabled: false)  // rateLimits: .published
        let transport = AsyncHTTPClientTransport.shared
        let adapterClock = SystemAdapterClock(wallClock: Self.wallClock)
        let vault = AESKeyVault(current: try MasterKey(hex: MasterKey.generateHex()))
        let credentials = VaultCredentialProvider(wallets: store, vault: vault)
        let exchange = PolymarketExchange(configuration: configuration, transport: transport, credentials: credentials,
                                          clock: adapterClock, logger: Self.logger)
        // Setup only: 1,000 API keys would take 100 s under the key routes' 100 per 10 s.
        var setupConfiguration = configuration
        setupConfiguration.rateLimits = try RateLimits.parse("api-keys=off")
        let issuer = PolymarketExchange(configuration: setupConfiguration, transport: transport, credentials: credentials,
                                        clock: adapterClock, logger: Self.logger).apiKeyIssuer(vault: vault)

        let market = try await venue.listMarket(FakeMarketSpec(slug: "fanout-market", tickSize: Self.cent,
                                                               minOrderSize: .whole(5)))
        guard let token = market.tokenIDs.first else { throw BenchmarkSetupError("the venue listed a market without tokens") }
        let now = Self.wallClock.now()
        let leader = Leader.fixture(1, positionsSeededAt: now, createdAt: now)
        try await store.insertLeader(leader)
        print("setup: \(followers) followers (deposit wallets, keys sealed, CLOB keys issued over HTTP)…")
        var funders: [ProfileID: WalletAddress] = [:]
        for n in 1...followers {
            let user = User.fixture(n, loginAddress: nil, createdAt: now)
            try await store.insertUser(user)
            let key = PrivateKey.testKey(2_000_000 + n)
            let signer = try WalletAddress(key.address.lowercased)
            let funder = try WalletAddress(FakeVenueFixture.funder(of: key.address, type: .depositWallet).lowercased)
            await venue.register(funder: funder, owner: signer)
            await venue.fund(wallet: funder, amount: .dollars(100_000))
            let sealed = try await vault.seal(key.withUnsafeSecretBytes { Array($0) },
                                              binding: .tradingKey(userID: user.id, address: signer))
            let wallet = TradingWallet.fixture(n, userID: user.id, type: .depositWallet, signerAddress: signer,
                                               funderAddress: funder, sealedKey: sealed, onboarding: .ready, createdAt: now)
            try await store.insertWallet(wallet)
            let issued = try await issuer.createOrDeriveAPIKey(for: wallet)
            try await store.setAPICredentials(walletID: wallet.id, apiKey: issued.apiKey, sealedSecret: issued.sealedSecret,
                                              sealedPassphrase: issued.sealedPassphrase, at: now)
            _ = try await store.recordSyncedBalance(walletID: wallet.id, collateral: .dollars(100_000), at: now)
            let profile = CopyProfile.fixture(n, userID: user.id, leaderID: leader.id, walletID: wallet.id, createdAt: now)
            try await store.insertProfile(profile)
            funders[profile.id] = funder
        }

        let ids = IDGenerator { UUID().uuidString.lowercased() }
        let timing = AcceptanceTimingExchange(base: exchange)
        let guarded = BreakerGuardedExchange(timing, breaker: CircuitBreaker(service: "exchange", wallClock: Self.wallClock))
        let engine = CopyEngine(store: store, exchange: guarded, vault: vault, wallClock: Self.wallClock, ids: ids,
                                settings: CopyEngine.Settings(owner: "fanout-adapter-bench"), logger: Self.logger)
        let ingestor = FeedIngestor(store: store, feed: venue.leaderFeed, wallClock: Self.wallClock, ids: ids,
                                    logger: Self.logger).handingOff(to: engine)

        var elapsedSeconds: [Double] = []
        var bookedShares: [ProfileID: Int64] = [:]
        for iteration in 1...iterations {
            try await Self.refillBook(venue, token: token)
            let fills = try await venue.leaderTrade(leader.address, legs: [
                FakeLeg(tokenID: token, side: .buy, size: .whole(100), price: Self.leaderPrice),
            ])
            guard let fill = fills.first else { throw BenchmarkSetupError("the venue reported no fill for the leader") }
            let observed = ObservedFill(fill: fill, occurrence: 0)
            let load = Self.loadAverage()

            let start = ContinuousClock.now
            timing.startRecording()
            try await ingestor.record(observed, leader: leader)
            while try await engine.runOnce() > 0 {}
            let elapsed = ContinuousClock.now - start

            guard let event = try await store.leaderEvent(identity: observed.identity) else {
                throw BenchmarkSetupError("the fill was not recorded")
            }
            let attempts = try await store.attempts(leaderEventID: event.id)
            let done = attempts.filter { $0.status == .done && $0.filledShares.baseUnits > 0 }
            guard attempts.count == followers, done.count == followers else {
                let statuses = Dictionary(grouping: attempts, by: \.status).mapValues(\.count)
                throw BenchmarkSetupError("iteration \(iteration): \(done.count) of \(attempts.count) attempts DONE and filled: \(statuses)")
            }
            for attempt in done { bookedShares[attempt.profileID, default: 0] += attempt.filledShares.baseUnits }
            let seconds = Self.seconds(elapsed)
            elapsedSeconds.append(seconds)
            let accepted = timing.stopRecording().map { Self.seconds($0 - start) }.sorted()
            let p50 = accepted.isEmpty ? 0 : accepted[accepted.count / 2]
            let p99 = accepted.isEmpty ? 0 : accepted[min(accepted.count - 1, accepted.count * 99 / 100)]
            print(String(format: "iteration %d: %d orders accepted and booked in %.3f s (%.0f orders/s); "
                         + "a follower's order accepted after p50 %.3f s, p99 %.3f s; load before %@",
                         iteration, followers, seconds, Double(followers) / seconds, p50, p99, load))
        }

        // A duplicate order the venue filled would leave a follower holding more than was booked.
        var mismatched = 0
        for (profile, funder) in funders {
            let held = await venue.shares(of: funder, tokenID: token)
            if held.baseUnits != bookedShares[profile, default: 0] { mismatched += 1 }
        }
        let sorted = elapsedSeconds.sorted()
        let median = sorted[sorted.count / 2]
        print(String(format: "fanout-1000-adapter: median %.3f s (%.0f orders/s), best %.3f s, worst %.3f s over %d iterations",
                     median, Double(followers) / median, sorted.first ?? 0, sorted.last ?? 0, sorted.count))
        print("venue: \(followers - mismatched) of \(followers) followers hold exactly the shares booked; "
              + "\(mismatched) differ (a duplicate fill would show here)")
        if mismatched > 0 { throw BenchmarkSetupError("\(mismatched) followers' venue shares differ from their bookings") }
    }

    /// 5,000 shares at 0.51, 7,000 at 0.52, 10,000 at 0.53 (as the in-process fan-out's book):
    /// 1,000 $10 copies walk up all three levels within the followers' 0.53 limit.
    static func refillBook(_ venue: FakeVenue, token: TokenID) async throws {
        try await venue.setBook(OrderBook(
            tokenID: token, bids: [BookLevel(price: Price(baseUnits: 490_000), size: .whole(100_000))],
            asks: [BookLevel(price: Price(baseUnits: 510_000), size: .whole(5_000)),
                   BookLevel(price: Price(baseUnits: 520_000), size: .whole(7_000)),
                   BookLevel(price: Price(baseUnits: 530_000), size: .whole(10_000))],
            tickSize: Self.cent, minOrderSize: .whole(5)))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?"
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
