import ArgumentParser
import FakeExchangeAdapter
import FakePolymarket
import Kernel
import Logging
import ServiceLifecycle
import UnixSignals

/// `mirror fake-polymarket`: Polymarket's CLOB, Gamma, Data API, relayer and RTDS wire protocol
/// over the demo venue (simulated leaders trading, quick rounds resolving), so the engine can run
/// with `EXCHANGE=polymarket` and no network. Serves until SIGTERM or SIGINT.
struct FakePolymarketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fake-polymarket",
        abstract: "Serve a Polymarket-compatible venue locally (point the POLYMARKET_*_URL variables at it).")

    @Option(help: "The port to listen on (0 picks a free one).")
    var port: Int = 8090

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The demo venue's seed: the same seed lists the same markets and leaders.")
    var seed: UInt64 = 1

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardOutput(label: $0) }
        let logger = Logger(label: "mirror.fake-polymarket")
        let venue = FakeVenue.demo(seed: self.seed, wallClock: .system)
        let host = self.host
        let application = FakePolymarketServer(venue: venue).application(host: host, port: self.port) { port in
            let base = "http://\(host):\(port)"
            logger.info("fake polymarket listening", metadata: [
                "POLYMARKET_CLOB_URL": "\(base)/clob", "POLYMARKET_GAMMA_URL": "\(base)/gamma",
                "POLYMARKET_DATA_API_URL": "\(base)/data-api", "POLYMARKET_RELAYER_URL": "\(base)/relayer",
                "POLYMARKET_RTDS_URL": "ws://\(host):\(port)/rtds",
            ])
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [application, SimulatedVenueClock(venue: venue, logger: logger)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
