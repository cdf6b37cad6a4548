import FakeExchangeAdapter
import Kernel
import Logging
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
    var services: [any Service]

    /// Issues CLOB API credentials for onboarding wallets, sealing them with `vault`.
    func credentialIssuer(vault: any KeyVault) -> any APICredentialIssuer {
        if let venue = self.fakeVenue { return FakeAPICredentialIssuer(venue: venue, vault: vault) }
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

    static func make(_ kind: MirrorConfiguration.ExchangeKind, wallClock: WallClock, logger: Logger) throws -> VenueBackend {
        switch kind {
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
                services: [SimulatedVenueClock(venue: venue, logger: logger)])
        case .polymarket:
            throw ConfigurationError(.exchange,
                "names Polymarket, but this build has no Polymarket adapter yet; use EXCHANGE=fake")
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
