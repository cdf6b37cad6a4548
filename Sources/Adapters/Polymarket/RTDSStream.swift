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
                        let pinger = Task {
                            while !Task.isCancelled {
                                try await Task.sleep(for: pingInterval)
                                try await outbound.write(.text("ping"))
                            }
                        }
                        defer { pinger.cancel() }
                        for try await message in inbound.messages(maxSize: Self.maximumMessageBytes) {
                            if case .text(let text) = message { continuation.yield(text) }
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

/// One `liveFills` subscription: the RTDS stream while data arrives on it, Data API polling of
/// every leader while it is silent (or disabled), each fill yielded once.
actor LiveFeedSession {
    let leaders: Set<WalletAddress>
    let dataAPI: DataAPI
    let stream: (any StreamTransport)?
    let url: String
    let clock: any AdapterClock
    let settings: LeaderFeedSettings
    let lag: any FeedLagRecorder
    let logger: Logger

    private let started: Timestamp
    private var lastMessageAt: Timestamp?
    private var lastPollAt: Timestamp?
    private var connectedAt: Timestamp?
    private var connection: Task<Void, Never>?
    private var polling = false
    /// Identities yielded, with the fill's time for forgetting them.
    private var yielded: [String: Timestamp] = [:]
    /// Stream rows seen per identity tuple: the next one's occurrence number.
    private var streamCounts: [String: (count: Int, at: Timestamp)] = [:]
    /// Stream fills of the current connection held until its gap poll has yielded what was
    /// made while it connected, so the fills come out in the order they were made.
    private var heldStreamFills: [ObservedFill]?
    /// Repeats of a fill already seen on the stream (same transaction, token, side, size and
    /// price), by leader: the oldest one's fill time and when the last was heard. RTDS rows carry no fill id, so a
    /// repeat is either a twin fill or the same message delivered again: it is yielded only
    /// once the Data API, which lists twins as separate rows, confirms it — never on the
    /// stream's word, which could make one fill two copies.
    private var unconfirmedRepeats: [WalletAddress: (oldestFill: Timestamp, heardAt: Timestamp)] = [:]

    init(leaders: Set<WalletAddress>, dataAPI: DataAPI, stream: (any StreamTransport)?, url: String,
         clock: any AdapterClock, settings: LeaderFeedSettings, lag: any FeedLagRecorder, logger: Logger) {
        self.leaders = leaders
        self.dataAPI = dataAPI
        self.stream = stream
        self.url = url
        self.clock = clock
        self.settings = settings
        self.lag = lag
        self.logger = logger
        self.started = clock.now()
        // The stream gets one silence window to start talking before polling takes over.
        self.lastMessageAt = stream == nil ? nil : self.started
    }

    /// Runs until the consumer cancels.
    func run(into continuation: AsyncThrowingStream<ObservedFill, any Error>.Continuation) async {
        await withTaskGroup(of: Void.self) { group in
            if let stream = self.stream {
                group.addTask { await self.readStream(stream, into: continuation) }
            }
            group.addTask { await self.supervise(into: continuation) }
            await group.waitForAll()
        }
        continuation.finish()
    }

    /// Whether the stream delivered activity within the silence window.
    var streamIsAlive: Bool {
        guard let last = self.lastMessageAt else { return false }
        return self.clock.now().since(last) < self.settings.streamSilence
    }

    private func supervise(into continuation: AsyncThrowingStream<ObservedFill, any Error>.Continuation) async {
        while !Task.isCancelled {
            let tick = self.clock.now()
            if self.streamIsAlive {
                if self.polling {
                    self.logger.info("rtds stream alive again; polling stops", metadata: ["leaders": "\(self.leaders.count)"])
                    // One last poll closes the gap between the previous poll and the stream.
                    await self.poll(into: continuation)
                    self.polling = false
                }
            } else {
                if !self.polling, self.stream != nil {
                    self.logger.warning("rtds stream silent; polling the Data API", metadata: [
                        "silence_ms": "\(self.settings.streamSilence.wholeMilliseconds)",
                    ])
                }
                self.polling = true
                await self.poll(into: continuation)
            }
            await self.confirmRepeats(now: tick, into: continuation)
            self.dropSilentConnection(now: tick)
            self.forget(before: tick - self.settings.deduplicationWindow)
            do { try await self.clock.sleep(until: tick + self.settings.pollInterval) } catch { return }
        }
    }

    /// Fills since `covered` (by default the last poll or the stream's last message, whichever
    /// is later), reaching back `pollOverlap` further.
    private func poll(coveredUntil covered: Timestamp? = nil,
                      into continuation: AsyncThrowingStream<ObservedFill, any Error>.Continuation) async {
        let started = self.clock.now()
        let covered = covered ?? self.coveredUntil
        let since = min(covered, started) - self.settings.pollOverlap
        for leader in self.leaders.sorted() {
            do {
                for observed in try await self.dataAPI.fills(of: leader, since: since) {
                    self.yieldOnce(observed, into: continuation)
                }
            } catch is CancellationError {
                return
            } catch {
                self.logger.warning("leader poll failed", metadata: [
                    "leader.address": "\(leader)", "error": "\(String(describing: error))",
                ])
            }
        }
        self.lastPollAt = started
    }

    private func readStream(_ stream: any StreamTransport,
                            into continuation: AsyncThrowingStream<ObservedFill, any Error>.Continuation) async {
        while !Task.isCancelled {
            self.connectedAt = self.clock.now()
            let connection = Task { await self.consume(stream, into: continuation) }
            self.connection = connection
            await withTaskCancellationHandler { await connection.value } onCancel: { connection.cancel() }
            self.connection = nil
            if Task.isCancelled { return }
            do { try await self.clock.sleep(until: self.clock.now() + self.settings.reconnectDelay) } catch { return }
        }
    }

    /// Fills up to the last poll, or up to the stream's last message, are already covered.
    private var coveredUntil: Timestamp {
        max(self.lastPollAt ?? self.started, self.lastMessageAt ?? self.started)
    }

    /// One connection, until it ends, fails or is dropped for silence. Fills made while it
    /// connected and subscribed reach no stream — and a talking firehose is never polled — so
    /// once its first pong proves the subscription live, one poll covers that gap; the stream's
    /// fills are held until then, so none overtakes an older one the poll brings. A server that
    /// never answers pings gets the same poll once the connection has talked for a silence window.
    private func consume(_ stream: any StreamTransport,
                         into continuation: AsyncThrowingStream<ObservedFill, any Error>.Continuation) async {
        let gapStart = self.coveredUntil
        let connectedAt = self.clock.now()
        self.heldStreamFills = []
        defer { self.releaseHeldFills(into: continuation) }
        do {
            for try await text in stream.messages(url: self.url, subscribe: RTDSActivity.subscribe) {
                let message = RTDSActivity.read(text, leaders: self.leaders)
                self.receive(message, into: continuation)
                let pong = if case .pong = message { true } else { false }
                if self.heldStreamFills != nil, pong || self.clock.now().since(connectedAt) >= self.settings.streamSilence {
                    await self.poll(coveredUntil: gapStart, into: continuation)
                    self.releaseHeldFills(into: continuation)
                }
            }
            self.logger.info("rtds stream ended; reconnecting")
        } catch {
            self.logger.warning("rtds stream failed; reconnecting", metadata: ["error": "\(String(describing: error))"])
        }
    }

    /// Yields the fills held back while the connection's gap poll was pending (a repeat of one
    /// the poll brought is dropped by identity), and stops holding.
    private func releaseHeldFills(into continuation: AsyncThrowingStream<ObservedFill, any Error>.Continuation) {
        let held = self.heldStreamFills ?? []
        self.heldStreamFills = nil
        for observed in held { self.yieldOnce(observed, into: continuation) }
    }

    /// Drops a connection that has said nothing for `reconnectAfterSilence`, so the reader
    /// connects again.
    private func dropSilentConnection(now: Timestamp) {
        guard let connection = self.connection else { return }
        let heard = max(self.lastMessageAt ?? self.started, self.connectedAt ?? self.started)
        guard now.since(heard) >= self.settings.reconnectAfterSilence else { return }
        self.logger.warning("rtds stream silent too long; reconnecting", metadata: [
            "silence_ms": "\(now.since(heard).wholeMilliseconds)",
        ])
        connection.cancel()
        self.connection = nil
    }

    /// Polls the leaders with unconfirmed stream repeats from just before the oldest one: what
    /// the Data API lists is yielded (by identity, so only what is new). A repeat it has not
    /// listed within ``LeaderFeedSettings/pollOverlap`` is taken for a re-delivery and dropped.
    private func confirmRepeats(now: Timestamp,
                                into continuation: AsyncThrowingStream<ObservedFill, any Error>.Continuation) async {
        for (leader, pending) in self.unconfirmedRepeats.sorted(by: { $0.key < $1.key }) {
            do {
                for observed in try await self.dataAPI.fills(of: leader, since: pending.oldestFill - .seconds(1)) {
                    self.yieldOnce(observed, into: continuation)
                }
            } catch is CancellationError {
                return
            } catch {
                self.logger.warning("confirming a repeated stream fill failed; retried next tick", metadata: [
                    "leader.address": "\(leader)", "error": "\(String(describing: error))",
                ])
                continue
            }
            if now.since(pending.heardAt) >= self.settings.pollOverlap { self.unconfirmedRepeats[leader] = nil }
        }
    }

    private func receive(_ message: RTDSActivity.Message,
                         into continuation: AsyncThrowingStream<ObservedFill, any Error>.Continuation) {
        guard case .activity(let row) = message else { return }
        self.lastMessageAt = self.clock.now()
        guard let fill = row?.fill else { return }
        let tuple = fill.identityTuple
        let occurrence = self.streamCounts[tuple]?.count ?? 0
        self.streamCounts[tuple] = (occurrence + 1, fill.occurredAt)
        guard occurrence == 0 else {
            let known = self.unconfirmedRepeats[fill.leaderAddress]
            self.unconfirmedRepeats[fill.leaderAddress] = (
                min(known?.oldestFill ?? fill.occurredAt, fill.occurredAt), self.clock.now())
            return
        }
        let observed = ObservedFill(fill: fill, occurrence: occurrence)
        if self.heldStreamFills != nil {
            self.heldStreamFills?.append(observed)
        } else {
            self.yieldOnce(observed, into: continuation)
        }
    }

    private func yieldOnce(_ observed: ObservedFill,
                           into continuation: AsyncThrowingStream<ObservedFill, any Error>.Continuation) {
        guard self.yielded[observed.identity] == nil else { return }
        self.yielded[observed.identity] = observed.fill.occurredAt
        self.lag.record(lag: self.clock.now().since(observed.fill.occurredAt), source: observed.fill.source)
        continuation.yield(observed)
    }

    private func forget(before cutoff: Timestamp) {
        self.yielded = self.yielded.filter { $0.value >= cutoff }
        self.streamCounts = self.streamCounts.filter { $0.value.at >= cutoff }
    }
}
