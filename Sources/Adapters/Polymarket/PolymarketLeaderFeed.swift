public import Kernel
public import Logging
import Metrics
import PolymarketProtocol
import Synchronization

/// The LeaderFeed port on Polymarket's Data API (polling and backfill, positions) and, when
/// `rtdsEnabled`, the RTDS `activity` stream beside the ingestor's polling (spec §8, §10).
/// Every fill carries the identity of ARCHITECTURE §3, so the same fill seen by the stream and
/// by polling is one event.
public struct PolymarketLeaderFeed: LeaderFeed {
    let dataAPI: DataAPI
    let configuration: PolymarketConfiguration
    let stream: any StreamTransport
    let clock: any AdapterClock
    let lag: any FeedLagRecorder
    let logger: Logger
    private let reported = ReportedFills()

    /// - Parameters:
    ///   - transport: `AsyncHTTPClientTransport` in production.
    ///   - stream: `WebSocketStreamTransport` in production; unused when `rtdsEnabled` is false.
    ///   - lag: where the per-source lag (now − fill time) goes; swift-metrics by default.
    public init(configuration: PolymarketConfiguration, transport: any HTTPTransport, stream: any StreamTransport,
                clock: any AdapterClock, lag: any FeedLagRecorder = MetricsFeedLagRecorder(),
                logger: Logger = Logger(label: "mirror.polymarket.feed")) {
        let http = VenueHTTP(
            configuration: configuration, transport: transport,
            limiter: RateLimiter(limits: configuration.rateLimits, clock: clock), clock: clock,
            credentials: NoCredentials(), logger: logger)
        self.dataAPI = DataAPI(http: http, settings: configuration.leaderFeed)
        self.configuration = configuration
        self.stream = stream
        self.clock = clock
        self.lag = lag
        self.logger = logger
    }

    public func fills(of leader: WalletAddress, since: Timestamp) async throws -> [ObservedFill] {
        let fills = try await self.dataAPI.fills(of: leader, since: since)
        let now = self.clock.now()
        for observed in self.reported.newer(fills, leader: leader) {
            self.lag.record(lag: now.since(observed.fill.occurredAt), source: observed.fill.source)
        }
        return fills
    }

    /// One RTDS connection's fills of `leaders` (see ``LiveFeedSession``); with RTDS disabled a
    /// stream that yields nothing until cancelled — the ingestor's polling is the feed then.
    public func liveFills(of leaders: Set<WalletAddress>) -> AsyncThrowingStream<ObservedFill, any Error> {
        guard self.configuration.rtdsEnabled else {
            return AsyncThrowingStream { _ in }
        }
        let session = LiveFeedSession(
            leaders: leaders, stream: self.stream, url: self.configuration.rtdsURL, clock: self.clock,
            settings: self.configuration.leaderFeed, lag: self.lag, logger: self.logger)
        return AsyncThrowingStream { continuation in
            // Lives exactly as long as the consumer iterates: cancelled when it stops.
            let task = Task { await session.run(into: continuation) }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    public func positions(of wallet: WalletAddress) async throws -> [WalletPosition] {
        try await self.dataAPI.positions(of: wallet)
    }
}

/// Receives the time from a fill to its detection, by source.
public protocol FeedLagRecorder: Sendable {
    func record(lag: Duration, source: FeedSource)
}

/// The lag as a swift-metrics timer `mirror_leader_feed_lag` with a `source` dimension.
public struct MetricsFeedLagRecorder: FeedLagRecorder {
    public init() {}

    public func record(lag: Duration, source: FeedSource) {
        let nanoseconds = max(0, lag.wholeMilliseconds) * 1_000_000
        Timer(label: "mirror_leader_feed_lag", dimensions: [("source", source.rawValue)]).recordNanoseconds(nanoseconds)
    }
}

/// The newest fill time reported per leader, so overlapping polls count each fill's lag once.
private final class ReportedFills: Sendable {
    private let newest = Mutex<[WalletAddress: Timestamp]>([:])

    func newer(_ fills: [ObservedFill], leader: WalletAddress) -> [ObservedFill] {
        self.newest.withLock { newest in
            let mark = newest[leader]
            let fresh = fills.filter { observed in mark.map { observed.fill.occurredAt > $0 } ?? true }
            if let latest = fills.map(\.fill.occurredAt).max() { newest[leader] = max(mark ?? latest, latest) }
            return fresh
        }
    }
}

/// The Data API and RTDS need no CLOB credentials.
struct NoCredentials: CLOBCredentialProvider {
    func credentials(for account: TradingAccount) async throws -> APICredentials {
        throw VenueError.refused(status: 401, message: "this Polymarket service takes no CLOB credentials")
    }

    func invalidate(walletID: WalletID) async {}
}
