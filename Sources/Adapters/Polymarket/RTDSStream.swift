import HummingbirdWSClient
import Kernel
public import Logging

/// A live stream of text messages (the RTDS socket). Tests inject a scripted one.
public protocol StreamTransport: Sendable {
    /// Connects to `url`, sends `subscribe`, and yields every text message until the connection
    /// ends (the stream finishes) or fails (it throws). Cancelling the consumer disconnects.
    func messages(url: String, subscribe: String) -> AsyncThrowingStream<String, any Error>
}

/// The production stream on the Hummingbird WebSocket client, with the `ping` keep-alive RTDS
/// expects every 5 s (spec §10.3).
public struct WebSocketStreamTransport: StreamTransport {
    /// The largest message accepted; RTDS activity messages are a few hundred bytes.
    public static let maximumMessageBytes = 1 << 20

    private let pingInterval: Duration
    private let logger: Logger

    public init(pingInterval: Duration = .seconds(5), logger: Logger = Logger(label: "mirror.polymarket.rtds")) {
        self.pingInterval = pingInterval
        self.logger = logger
    }

    public func messages(url: String, subscribe: String) -> AsyncThrowingStream<String, any Error> {
        let (pingInterval, logger) = (self.pingInterval, self.logger)
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
                        try await outbound.write(.text(subscribe))
                        // One ping at once: its pong proves the subscription live without waiting
                        // a whole interval (the session holds stream fills until then).
                        try await outbound.write(.text("ping"))
                        // The keep-alive is a child of the connection: it ends when reading ends.
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            group.addTask {
                                while true {
                                    try await Task.sleep(for: pingInterval)
                                    try await outbound.write(.text("ping"))
                                }
                            }
                            for try await message in inbound.messages(maxSize: Self.maximumMessageBytes) {
                                if case .text(let text) = message { continuation.yield(text) }
                            }
                            group.cancelAll()
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// RTDS `activity` messages (spec §10.3): the whole firehose, matched against the leaders here.
enum RTDSActivity {
    static let subscribe = #"{"action":"subscribe","subscriptions":[{"topic":"activity","type":"trades"}]}"#

    enum Message {
        /// An activity message: proof the stream is alive, and a fill if it is a watched leader's.
        case activity(FillRow?)
        /// The answer to our keep-alive `ping`: the server has read everything sent before it,
        /// the subscription included. Says nothing about the feed's health.
        case pong
        /// Anything else (an acknowledgement): says nothing about the feed's health.
        case other
    }

    static func read(_ text: String, leaders: Set<WalletAddress>) -> Message {
        if text.trimmingCharacters(in: " \n\r\t").lowercased() == "pong" { return .pong }
        guard let json = JSONValue.parse(text), json["topic"]?.text == "activity", let payload = json["payload"],
              case .object = payload
        else { return .other }
        guard let wallet = payload["proxyWallet"]?.nonEmptyText.flatMap({ try? WalletAddress($0) }),
              leaders.contains(wallet)
        else { return .activity(nil) }
        return .activity(try? FillRow.parse(payload, leader: wallet, source: .rtds))
    }
}

/// One `liveFills` subscription: one RTDS connection, yielding the watched leaders' fills as
/// they arrive, until the connection ends, fails, or says nothing for `reconnectAfterSilence`
/// (a half-open socket never closes by itself); then the stream finishes and its consumer
/// connects again. Every row comes as occurrence 0: RTDS rows carry no fill id, so whether a
/// repeated row is a twin or a re-delivery is the ingestor's decision (Kernel's
/// `LiveFillSightings`, confirmed by its own Data API polling) — this session never polls.
actor LiveFeedSession {
    let leaders: Set<WalletAddress>
    let stream: any StreamTransport
    let url: String
    let clock: any AdapterClock
    let settings: LeaderFeedSettings
    let lag: any FeedLagRecorder
    let logger: Logger

    /// When the connection started or last delivered activity.
    private var lastHeardAt: Timestamp

    init(leaders: Set<WalletAddress>, stream: any StreamTransport, url: String, clock: any AdapterClock,
         settings: LeaderFeedSettings, lag: any FeedLagRecorder, logger: Logger) {
        self.leaders = leaders
        self.stream = stream
        self.url = url
        self.clock = clock
        self.settings = settings
        self.lag = lag
        self.logger = logger
        self.lastHeardAt = clock.now()
    }

    /// Runs the connection and its silence watch until either ends or the consumer cancels.
    func run(into continuation: AsyncThrowingStream<ObservedFill, any Error>.Continuation) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.consume(into: continuation) }
            group.addTask { await self.watchSilence() }
            await group.next()
            group.cancelAll()
        }
        continuation.finish()
    }

    private func consume(into continuation: AsyncThrowingStream<ObservedFill, any Error>.Continuation) async {
        do {
            for try await text in self.stream.messages(url: self.url, subscribe: RTDSActivity.subscribe) {
                guard case .activity(let row) = RTDSActivity.read(text, leaders: self.leaders) else { continue }
                self.lastHeardAt = self.clock.now()
                guard let fill = row?.fill else { continue }
                self.lag.record(lag: self.clock.now().since(fill.occurredAt), source: fill.source)
                continuation.yield(ObservedFill(fill: fill, occurrence: 0))
            }
            self.logger.info("rtds stream ended")
        } catch {
            self.logger.warning("rtds stream failed", metadata: ["error": "\(String(describing: error))"])
        }
    }

    /// Returns once no activity has arrived for `reconnectAfterSilence`.
    private func watchSilence() async {
        while !Task.isCancelled {
            let deadline = self.lastHeardAt + self.settings.reconnectAfterSilence
            if self.clock.now() >= deadline {
                self.logger.warning("rtds stream silent too long; dropping the connection", metadata: [
                    "silence_ms": "\(self.clock.now().since(self.lastHeardAt).wholeMilliseconds)",
                ])
                return
            }
            do { try await self.clock.sleep(until: deadline) } catch { return }
        }
    }
}
