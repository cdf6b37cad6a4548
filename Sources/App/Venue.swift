import AsyncHTTPClient
import FakeExchangeAdapter
import Foundation
import Kernel
import Logging
import PolymarketAdapter
import PolymarketProtocol
import ServiceLifecycle

/// The exchange, feed and relayer chosen by `EXCHANGE`, each exchange and relayer call behind a
/// circuit breaker (ARCHITECTURE §4), plus what must run for them (the demo venue's clock).
struct VenueBackend: Sendable {
    var exchange: any Exchange
    var feed: any LeaderFeed
    var relayer: any Relayer
    var breakers: [CircuitBreaker]
    /// The simulated venue when `EXCHANGE=fake`: the demo seeds wallets on it.
    var fakeVenue: FakeVenue?
    /// The CLOB's Level 1 key issuer when `EXCHANGE=polymarket`.
    var polymarketCredentials: (@Sendable (any KeyVault) -> any APICredentialIssuer)?
    var services: [any Service]

    /// Issues CLOB API credentials for onboarding wallets, sealing them with `vault`.
    func credentialIssuer(vault: any KeyVault) -> any APICredentialIssuer {
        if let venue = self.fakeVenue { return FakeAPICredentialIssuer(venue: venue, vault: vault) }
        if let issuer = self.polymarketCredentials?(vault) { return issuer }
        return UnavailableCredentialIssuer()
    }

    /// The simulated venue learns whose wallet a new one is (real venues derive it).
    func walletCreated(_ wallet: TradingWallet) async {
        await self.fakeVenue?.register(funder: wallet.funderAddress, owner: wallet.signerAddress)
    }

    /// Moves the simulated venue one step on (its leaders trade, relayer transactions progress);
    /// nothing on a real venue. Tests use it to progress without waiting for the venue's clock.
    func stepSimulation() async {
        await self.fakeVenue?.step()
    }

    /// Local mode: a dev-signed-in user's empty wallet gets the demo's play money on the
    /// simulated venue (which starts empty every run); nothing on a real venue.
    func fundLocalUser(_ wallet: TradingWallet) async {
        guard let venue = self.fakeVenue else { return }
        await venue.register(funder: wallet.funderAddress, owner: wallet.signerAddress)
        if await venue.collateral(of: wallet.funderAddress) == .zero {
            await venue.fund(wallet: wallet.funderAddress, amount: Demo.funding)
        }
    }

    static func make(_ configuration: MirrorConfiguration, store: any Store, vault: any KeyVault, wallClock: WallClock,
                     logger: Logger) throws -> VenueBackend {
        switch configuration.exchange {
        case .fake:
            let venue = FakeVenue.demo(seed: 1, wallClock: wallClock)
            let exchangeBreaker = CircuitBreaker(service: "exchange", wallClock: wallClock)
            let relayerBreaker = CircuitBreaker(service: "relayer", wallClock: wallClock)
            return VenueBackend(
                exchange: BreakerGuardedExchange(venue.exchange, breaker: exchangeBreaker),
                feed: venue.leaderFeed,
                relayer: BreakerGuardedRelayer(venue.relayer, breaker: relayerBreaker),
                breakers: [exchangeBreaker, relayerBreaker],
                fakeVenue: venue,
                polymarketCredentials: nil,
                services: [SimulatedVenueClock(venue: venue, logger: logger)])
        case .polymarket:
            return try Self.polymarket(configuration, store: store, vault: vault, wallClock: wallClock, logger: logger)
        }
    }
}

/// Moves the simulated venue's time on once a second: its leaders trade, relayer transactions
/// progress. Stops on graceful shutdown.
struct SimulatedVenueClock: Service {
    let venue: FakeVenue
    let logger: Logger

    func run() async throws {
        let leaders = await self.venue.simulatedLeaders().map(\.address.lowercased)
        self.logger.info("simulated venue running", metadata: ["venue.leaders": "\(leaders)"])
        repeat {
            await self.venue.step()
        } while (try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }) != nil
    }
}

/// Stands in until the Polymarket adapter's `APIKeyIssuer` conforms to ``APICredentialIssuer``:
/// onboarding stops at APPROVED with a clear failure rather than inventing credentials.
struct UnavailableCredentialIssuer: APICredentialIssuer {
    func issueCredentials(for wallet: TradingWallet) async throws -> IssuedAPICredentials {
        throw VenueError.unavailable("this build cannot issue CLOB API credentials for this exchange")
    }
}

extension VenueBackend {
    /// Polymarket itself (or a compatible server the five `POLYMARKET_*_URL` point at): the CLOB
    /// exchange, the Data API + RTDS leader feed and the relayer over one shared HTTP client, the
    /// exchange and relayer behind circuit breakers. Relayer credentials are required: without
    /// them no claim or withdrawal could ever be relayed.
    static func polymarket(_ configuration: MirrorConfiguration, store: any Store, vault: any KeyVault,
                           wallClock: WallClock, logger: Logger) throws -> VenueBackend {
        let endpoints = configuration.polymarket
        var settings = PolymarketConfiguration(
            clobURL: endpoints.clob.absoluteString, gammaURL: endpoints.gamma.absoluteString,
            dataAPIURL: endpoints.dataAPI.absoluteString, rtdsURL: endpoints.rtds.absoluteString,
            relayerURL: endpoints.relayer.absoluteString, rtdsEnabled: configuration.rtdsEnabled,
            rateLimits: configuration.rateLimits)
        settings.builderCode = configuration.builderCode.flatMap { Self.bytes(hex: $0) }
        let transport = AsyncHTTPClientTransport(client: HTTPClient.shared)
        let clock = SystemAdapterClock(wallClock: wallClock)
        let exchange = PolymarketExchange(
            configuration: settings, transport: transport,
            credentials: VaultCredentialProvider(wallets: store, vault: vault), clock: clock, logger: logger)
        let feed = PolymarketLeaderFeed(configuration: settings, transport: transport, stream: WebSocketStreamTransport(),
                                        clock: clock, logger: logger)
        let relayer = PolymarketRelayer(
            configuration: settings, transport: transport,
            authentication: try Self.relayerAuthentication(configuration.relayerCredentials), clock: clock, logger: logger)
        let exchangeBreaker = CircuitBreaker(service: "exchange", wallClock: wallClock)
        let relayerBreaker = CircuitBreaker(service: "relayer", wallClock: wallClock)
        return VenueBackend(
            exchange: BreakerGuardedExchange(exchange, breaker: exchangeBreaker),
            feed: feed,
            relayer: BreakerGuardedRelayer(relayer, breaker: relayerBreaker),
            breakers: [exchangeBreaker, relayerBreaker],
            fakeVenue: nil,
            polymarketCredentials: { vault in exchange.apiKeyIssuer(vault: vault) },
            services: [])
    }

    /// The builder key (HMAC-signed requests) or, failing that, the relayer API key.
    static func relayerAuthentication(_ credentials: RelayerCredentials) throws -> RelayerAuthentication {
        if let builder = credentials.builder {
            do {
                return .builder(try APICredentials(apiKey: builder.apiKey.revealed, secret: builder.secret.revealed,
                                                   passphrase: builder.passphrase.revealed))
            } catch {
                throw ConfigurationError(.polyBuilderSecret, "must be the builder secret as issued (URL-safe base64)")
            }
        }
        if let key = credentials.relayerKey {
            guard let address = try? WalletAddress(key.address) else {
                throw ConfigurationError(.relayerAPIKeyAddress, "must be a 0x address of 40 hex digits")
            }
            return .relayerKey(apiKey: key.apiKey.revealed, address: address)
        }
        throw ConfigurationError(.polyBuilderAPIKey,
            "(with POLY_BUILDER_SECRET and POLY_BUILDER_PASSPHRASE) or RELAYER_API_KEY and RELAYER_API_KEY_ADDRESS must be set when EXCHANGE=polymarket")
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.hasPrefix("0x") ? hex.dropFirst(2) : Substring(hex))
        guard digits.count % 2 == 0 else { return nil }
        return stride(from: 0, to: digits.count, by: 2).compactMap { UInt8(String(digits[$0...$0 + 1]), radix: 16) }
    }
}
