import AsyncHTTPClient
public import Ethereum
public import FakeExchangeAdapter
public import FakePolymarket
import FakeExchangeTesting
import Hummingbird
public import Kernel
public import KernelTesting
import Logging
public import PolymarketAdapter
public import PolymarketProtocol
import ServiceLifecycle
import Synchronization

/// The real Polymarket adapter pointed at an in-process facade: a ``FakeVenue`` on a manual
/// clock served on 127.0.0.1 (a free port), the CLOB exchange, Data API + RTDS feed and relayer
/// built with ``AsyncHTTPClientTransport`` and the five URLs aimed at it. Accounts get their CLOB
/// keys through the adapter's own Level 1 issuer, never from inside the venue.
public struct FakePolymarketHarness: Sendable {
    public let venue: FakeVenue
    public let clock: ManualWallClock
    /// `http://127.0.0.1:<port>`.
    public let baseURL: String
    public let configuration: PolymarketConfiguration
    public let exchange: PolymarketExchange
    public let feed: PolymarketLeaderFeed
    public let relayer: PolymarketRelayer
    public let control: HTTPVenueControl
    /// The CLOB credentials accounts opened through ``venueHarness`` received.
    public let credentials: IssuedCredentials
    /// The ports, the control and the account opener, as KernelTesting's contracts take them.
    public let venueHarness: VenueHarness

    /// Wall-clock start of every harness: a whole second, as the Data API's timestamps are.
    public static let start = Timestamp(epochMilliseconds: 1_764_379_800_000)
    /// The relayer credentials the harness's adapter presents and its facade accepts.
    public static let relayerAuthentication = RelayerAuthentication.builder(FakeRelayerSettings.testBuilderCredentials)

    /// Starts a facade over a fresh venue, runs `body` against it, and shuts the server down
    /// however `body` ends. `configure` adjusts the adapter's configuration (URLs are set after).
    public static func run<T: Sendable>(
        seed: UInt64 = 7, relayerPace: FakeVenue.RelayerPace = .stepwise,
        configure: (inout PolymarketConfiguration) -> Void = { _ in },
        server serverConfiguration: FakePolymarketServer.Configuration = .init(),
        _ body: (FakePolymarketHarness) async throws -> T
    ) async throws -> T {
        let clock = ManualWallClock(Self.start)
        let venue = FakeVenue(seed: seed, wallClock: clock.wallClock,
                              configuration: FakeVenue.Configuration(relayerPace: relayerPace, sleep: { _ in }))
        let running = try await RunningFakePolymarket.start(FakePolymarketServer(venue: venue, configuration: serverConfiguration))
        do {
            let harness = Self(venue: venue, clock: clock, baseURL: running.baseURL, configure: configure)
            let result = try await body(harness)
            await running.stop()
            return result
        } catch {
            await running.stop()
            throw error
        }
    }

    init(venue: FakeVenue, clock: ManualWallClock, baseURL: String, configure: (inout PolymarketConfiguration) -> Void) {
        var configuration = PolymarketConfiguration()
        configure(&configuration)
        let urls = FakePolymarketURLs(baseURL: baseURL)
        configuration.clobURL = urls.clob
        configuration.gammaURL = urls.gamma
        configuration.dataAPIURL = urls.dataAPI
        configuration.rtdsURL = urls.rtds
        configuration.relayerURL = urls.relayer
        let transport = AsyncHTTPClientTransport(client: .shared)
        let adapterClock = ManualAdapterClock(clock)
        let credentials = IssuedCredentials()
        let logger = Logger(label: "fake-polymarket-harness")
        let exchange = PolymarketExchange(configuration: configuration, transport: transport, credentials: credentials,
                                          clock: adapterClock, logger: logger)
        let feed = PolymarketLeaderFeed(configuration: configuration, transport: transport,
                                        stream: WebSocketStreamTransport(), clock: adapterClock, logger: logger)
        let relayer = PolymarketRelayer(configuration: configuration, transport: transport,
                                        authentication: Self.relayerAuthentication, clock: adapterClock, logger: logger)
        let control = HTTPVenueControl(controlURL: urls.control)
        self.venue = venue
        self.clock = clock
        self.baseURL = baseURL
        self.configuration = configuration
        self.exchange = exchange
        self.feed = feed
        self.relayer = relayer
        self.control = control
        self.credentials = credentials
        self.venueHarness = VenueHarness(
            exchange: exchange, feed: feed, relayer: relayer, control: control, clock: clock,
            openAccount: { key, type in
                try await Self.openAccount(key: key, type: type, exchange: exchange, credentials: credentials, at: clock.now())
            })
    }

    /// The account of `key`'s wallet of `type`, its funder derived as Polymarket derives it,
    /// with a CLOB key created (or derived) through the adapter's Level 1 issuer.
    public static func openAccount(key: PrivateKey, type: WalletType, exchange: PolymarketExchange,
                                   credentials: IssuedCredentials, at now: Timestamp) async throws -> TradingAccount {
        let eoa = key.address
        let funder = FakeVenueFixture.funder(of: eoa, type: type)
        let signer = try WalletAddress(eoa.lowercased)
        let funderAddress = try WalletAddress(funder.lowercased)
        let vault = TestKeyVault()
        let userID = UserID("harness-\(signer.lowercased)")
        let wallet = TradingWallet(id: WalletID("wallet-\(funder.lowercased)"), userID: userID, type: type,
                                   signerAddress: signer, funderAddress: funderAddress, sealedKey: vault.adopt(key),
                                   onboarding: .ready, createdAt: now, updatedAt: now)
        let sealed = try await exchange.apiKeyIssuer(vault: vault).createOrDeriveAPIKey(for: wallet)
        let secret = try await vault.open(sealed.sealedSecret, binding: .apiSecret(userID: userID, signer: signer))
        let passphrase = try await vault.open(sealed.sealedPassphrase, binding: .apiPassphrase(userID: userID, signer: signer))
        credentials.store(try APICredentials(apiKey: sealed.apiKey, secret: String(decoding: secret, as: UTF8.self),
                                             passphrase: String(decoding: passphrase, as: UTF8.self)), signer: signer)
        return TradingAccount(walletID: wallet.id, type: type, signerAddress: signer, funderAddress: funderAddress,
                              apiKey: sealed.apiKey)
    }
}

/// The five `POLYMARKET_*_URL` values (and the control route) of a facade at `baseURL`.
public struct FakePolymarketURLs: Sendable, Hashable {
    public var clob: String
    public var gamma: String
    public var dataAPI: String
    public var rtds: String
    public var relayer: String
    public var control: String

    public init(baseURL: String) {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.clob = base + "/clob"
        self.gamma = base + "/gamma"
        self.dataAPI = base + "/data-api"
        self.relayer = base + "/relayer"
        self.control = base + "/control"
        let socket = base.hasPrefix("https://") ? "wss://" + base.dropFirst(8) : "ws://" + base.dropFirst(base.hasPrefix("http://") ? 7 : 0)
        self.rtds = socket + "/rtds"
    }
}

/// CLOB credentials by API key (and by signer, for accounts that carry none), as a wallet's
/// stored credentials would be opened from the vault.
public final class IssuedCredentials: CLOBCredentialProvider {
    private let byKey = Mutex<[String: APICredentials]>([:])
    private let bySigner = Mutex<[WalletAddress: APICredentials]>([:])

    public init() {}

    public func store(_ credentials: APICredentials, signer: WalletAddress) {
        self.byKey.withLock { $0[credentials.apiKey] = credentials }
        self.bySigner.withLock { $0[signer] = credentials }
    }

    public func credentials(for account: TradingAccount) async throws -> APICredentials {
        if let apiKey = account.apiKey, let found = self.byKey.withLock({ $0[apiKey] }) { return found }
        if let found = self.bySigner.withLock({ $0[account.signerAddress] }) { return found }
        throw VenueError.refused(status: 401, message: "wallet \(account.walletID) has no CLOB API credentials yet")
    }

    public func invalidate(walletID: WalletID) async {}
}

/// A facade serving on a free port of 127.0.0.1 until ``stop()``.
public struct RunningFakePolymarket: Sendable {
    public let baseURL: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts `server` and returns once it listens.
    public static func start(_ server: FakePolymarketServer, host: String = "127.0.0.1") async throws -> RunningFakePolymarket {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = server.application(host: host, port: 0) { port in continuation.yield(port) }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [application], logger: Logger(label: "fake-polymarket")))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            task.cancel()
            throw VenueError.unavailable("the fake Polymarket server did not start")
        }
        continuation.finish()
        return RunningFakePolymarket(baseURL: "http://\(host):\(port)", group: group, task: task)
    }

    /// Shuts the server down gracefully and waits for it to close.
    public func stop() async {
        await self.group.triggerGracefulShutdown()
        _ = try? await self.task.value
    }
}
