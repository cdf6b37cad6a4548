@testable import App
import Ethereum
import FakeExchangeAdapter
import FakePolymarket
import FakePolymarketTesting
import Kernel
import KernelTesting
import Logging
import PolymarketAdapter
import PolymarketProtocol
import Testing

/// The app built with `EXCHANGE=polymarket` and the five `POLYMARKET_*_URL` at an in-process
/// facade: its own backends (vault, store, CLOB key issuer, breakers) copy a leader fill end to
/// end — fill read from the Data API, CLOB key issued by Level 1, order signed in the vault,
/// verified and filled by the facade.
@Suite(.timeLimit(.minutes(1))) struct PolymarketFacadeAppTests {
    @Test func aLeaderFillOnTheFacadeIsCopiedByTheAppsOwnBackends() async throws {
        // Real time on both sides: the app's adapter signs with the system clock.
        let venue = FakeVenue(seed: 11, wallClock: .system)
        let running = try await RunningFakePolymarket.start(FakePolymarketServer(venue: venue))
        do {
            try await Self.copy(on: venue, urls: FakePolymarketURLs(baseURL: running.baseURL))
            await running.stop()
        } catch {
            await running.stop()
            throw error
        }
    }

    static func copy(on venue: FakeVenue, urls: FakePolymarketURLs) async throws {
        let builder = FakeRelayerSettings.testBuilderCredentials
        let configuration = try parseConfiguration([
            "DATABASE_URL": "memory:", "EXCHANGE": "polymarket", "POLYMARKET_CLOB_URL": urls.clob,
            "POLYMARKET_GAMMA_URL": urls.gamma, "POLYMARKET_DATA_API_URL": urls.dataAPI,
            "POLYMARKET_RTDS_URL": urls.rtds, "POLYMARKET_RELAYER_URL": urls.relayer, "POLYMARKET_RTDS_ENABLED": "false",
            "POLY_BUILDER_API_KEY": builder.apiKey, "POLY_BUILDER_SECRET": "ZmFrZS1wb2x5bWFya2V0LWJ1aWxkZXItc2VjcmV0LTAx",
            "POLY_BUILDER_PASSPHRASE": builder.passphrase,
        ])
        let logger = Logger(label: "polymarket-facade-app-test")
        let backends = try await Backends.open(configuration: configuration, logger: logger)
        let store = backends.store
        let control = HTTPVenueControl(controlURL: urls.control)
        let now = WallClock.system.now()

        let market = try await control.createMarket(VenueMarketSpec(slug: "app-facade-round"))
        let token = try #require(market.tokenIDs.first)
        try await control.setBook(OrderBook(
            tokenID: token, bids: [BookLevel(price: Price(baseUnits: 490_000), size: .whole(500))],
            asks: [BookLevel(price: Price(baseUnits: 510_000), size: .whole(500))], tickSize: Price(baseUnits: 10_000),
            minOrderSize: .whole(5)))

        // A demo-like user: a deposit wallet whose key the app's vault made, a CLOB key issued by
        // the app's own Level 1 issuer, money on the funder, a $10 fixed-size profile on one leader.
        let user = User(id: "user-app", externalID: "dynamic|app", loginAddress: nil, createdAt: now)
        try await store.insertUser(user)
        let key = try await backends.vault.generateTradingKey(userID: user.id)
        let funder = try WalletAddress(WalletDerivation.polygon.depositWallet(
            owner: try Address(hex: key.address.lowercased), shape: .beacon).lowercased)
        var wallet = TradingWallet(id: "wallet-app", userID: user.id, type: .depositWallet, signerAddress: key.address,
                                   funderAddress: funder, sealedKey: key.sealed, onboarding: .ready, createdAt: now,
                                   updatedAt: now)
        let issued = try await backends.venue.credentialIssuer(vault: backends.vault).issueCredentials(for: wallet)
        wallet.apiKey = issued.apiKey
        wallet.sealedAPISecret = issued.sealedSecret
        wallet.sealedAPIPassphrase = issued.sealedPassphrase
        try await store.insertWallet(wallet)
        try await control.fund(wallet: funder, amount: .dollars(100))
        try await store.recordSyncedBalance(walletID: wallet.id, collateral: .dollars(100), at: now)
        let leader = Leader(id: "leader-app", address: try WalletAddress(PrivateKey.testKey(950).address.lowercased),
                            createdAt: now)
        try await store.insertLeader(leader)
        try await store.insertProfile(CopyProfile(
            id: "profile-app", userID: user.id, leaderID: leader.id, walletID: wallet.id, status: .enabled, mode: .live,
            sizing: .fixedUSD(.dollars(10)), limits: CopyLimits(), createdAt: now, updatedAt: now))

        _ = try await control.leaderTrade(LeaderTrade(leader: leader.address, legs: [
            .init(tokenID: token, side: .buy, size: .whole(100), price: Price(baseUnits: 500_000)),
        ]))
        let ingestor = FeedIngestor(store: store, feed: backends.venue.feed, wallClock: .system, ids: backends.ids,
                                    logger: logger)
        let engine = CopyEngine(store: store, exchange: backends.venue.exchange, vault: backends.vault, wallClock: .system,
                                ids: backends.ids, settings: CopyEngine.Settings(owner: "app-test"), logger: logger)
        #expect(try await ingestor.poll() == 1)
        try await engine.runOnce()

        let attempts = try await store.attempts(userID: user.id, limit: 5)
        let attempt = try #require(attempts.first)
        #expect(attempt.status == .done)
        #expect(attempt.fillPrice == Price(baseUnits: 510_000))
        let orders = try await store.orders(attemptID: attempt.id)
        let order = try #require(orders.first)
        #expect(orders.map(\.status) == [.filled])
        let onVenue = try #require(await venue.wireOrder(id: order.id))
        #expect(onVenue.maker == funder && onVenue.snapshot.state == .filled)
        #expect(try await control.shares(of: funder, tokenID: token) == order.filledShares)
        #expect(order.filledShares.baseUnits > 0)
    }
}
