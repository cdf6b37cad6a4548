import Kernel
@testable import PolymarketAdapter
import PolymarketProtocol
import Synchronization
import Testing

/// A Data API over a list of fills, answering `/trades` (newest first, `limit`) and `/activity`
/// (`type`, inclusive `start`/`end`, `offset`, `limit`) as the real one pages, so tests can shift
/// pages under a reader by adding fills between its requests.
final class ScriptedDataAPI: Sendable {
    struct Row: Sendable, Hashable {
        var wallet: String
        var transactionHash: String
        var token: String
        var side: String
        var size: String
        var price: String
        var second: Int64
        var type = "TRADE"
    }

    private let state = Mutex<(rows: [Row], requests: Int, hook: (@Sendable (Int) -> [Row])?)>(([], 0, nil))

    func append(_ rows: [Row]) { self.state.withLock { $0.rows += rows } }
    var rows: [Row] { self.state.withLock { $0.rows } }
    var requestCount: Int { self.state.withLock { $0.requests } }

    /// Runs before answering the n-th request (1-based); the rows it returns are added first.
    func beforeEachRequest(_ hook: @escaping @Sendable (Int) -> [Row]) { self.state.withLock { $0.hook = hook } }

    func install(on transport: RecordingTransport) {
        transport.on("GET /trades") { request in self.answer(request, activity: false) }
        transport.on("GET /activity") { request in self.answer(request, activity: true) }
    }

    private func answer(_ request: HTTPRequest, activity: Bool) -> HTTPResponse {
        func value(_ name: String) -> String? { request.query.first { $0.name == name }?.value }
        let rows = self.state.withLock { state -> [Row] in
            state.requests += 1
            if let hook = state.hook { state.rows += hook(state.requests) }
            return state.rows
        }
        let user = value("user")?.lowercased()
        // Newest first; within a second, the later-listed row first.
        var selected = rows.enumerated().filter { $0.element.wallet.lowercased() == user }
            .sorted { ($0.element.second, $0.offset) > ($1.element.second, $1.offset) }.map(\.element)
        if activity {
            if let type = value("type") { selected = selected.filter { $0.type == type } }
            if let start = value("start").flatMap({ Int64($0) }) { selected = selected.filter { $0.second >= start } }
            if let end = value("end").flatMap({ Int64($0) }) { selected = selected.filter { $0.second <= end } }
        } else {
            selected = selected.filter { $0.type == "TRADE" }
        }
        let offset = value("offset").flatMap { Int($0) } ?? 0
        let limit = value("limit").flatMap { Int($0) } ?? 100
        let page = selected.dropFirst(offset).prefix(limit)
        return HTTPResponse(status: 200, json: "[" + page.map { Self.json($0, activity: activity) }.joined(separator: ",") + "]")
    }

    static func json(_ row: Row, activity: Bool) -> String {
        """
        {"proxyWallet":"\(row.wallet)","side":"\(row.side)","asset":"\(row.token)",\
        "conditionId":"\(Fixture.conditionID)","size":\(row.size),"price":\(row.price),"timestamp":\(row.second),\
        "title":"Will it rain?","slug":"will-it-rain","outcome":"Yes","outcomeIndex":0,\
        "transactionHash":"\(row.transactionHash)"\(activity ? ",\"type\":\"\(row.type)\",\"usdcSize\":1" : "")}
        """
    }

    /// The identity every row has in the full history (oldest first, a second's rows in listed order).
    static func identities(of rows: [Row], leader: WalletAddress) throws -> [Row: [String]] {
        let ordered = rows.enumerated().sorted { ($0.element.second, $0.offset) < ($1.element.second, $1.offset) }
        let fills = try ordered.map { try Self.fill($0.element) }
        var identities: [Row: [String]] = [:]
        for (row, observed) in zip(ordered.map(\.element), fills.countingOccurrences()) {
            identities[row, default: []].append(observed.identity)
        }
        return identities
    }

    static func fill(_ row: Row) throws -> LeaderFill {
        LeaderFill(
            leaderAddress: try WalletAddress(row.wallet), transactionHash: row.transactionHash,
            tokenID: try TokenID(row.token), conditionID: Fixture.conditionID, marketSlug: "will-it-rain",
            outcome: "Yes", side: Side(rawValue: row.side)!, size: try Shares(decimal: row.size),
            price: try Price(decimal: row.price), occurredAt: Timestamp(epochMilliseconds: row.second * 1_000),
            source: .dataAPI)
    }

    static func hash(_ number: Int) -> String {
        let digits = String(number, radix: 16)
        return "0x" + String(repeating: "0", count: 64 - digits.count) + digits
    }
}

/// Virtual time whose sleepers wait until a test moves the clock past their deadline.
final class SteppingClock: AdapterClock {
    private struct State {
        var now: Timestamp
        var sleepers: [Int: (deadline: Timestamp, continuation: CheckedContinuation<Void, any Error>)] = [:]
        var cancelled: Set<Int> = []
        var nextID = 0
    }

    private let state: Mutex<State>

    init(_ start: Timestamp = Timestamp(epochMilliseconds: 1_760_000_000_000)) {
        self.state = Mutex(State(now: start))
    }

    func now() -> Timestamp { self.state.withLock { $0.now } }

    func sleep(until deadline: Timestamp) async throws {
        let id = self.state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = self.state.withLock { state -> Result<Void, any Error>? in
                    if state.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers[id] = (deadline, continuation)
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiting = self.state.withLock { state in
                if let sleeper = state.sleepers.removeValue(forKey: id) { return Optional(sleeper.continuation) }
                state.cancelled.insert(id)
                return nil
            }
            waiting?.resume(throwing: CancellationError())
        }
    }

    func advance(_ duration: Duration) {
        let due = self.state.withLock { state in
            state.now = state.now + duration
            let now = state.now
            let ready = state.sleepers.filter { $0.value.deadline <= now }
            for id in ready.keys { state.sleepers.removeValue(forKey: id) }
            return ready.values.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }

    var sleeperCount: Int { self.state.withLock { $0.sleepers.count } }

    /// Yields until `count` tasks sleep on this clock (the code under test is idle again).
    func waitForSleepers(_ count: Int) async throws {
        for _ in 0..<200_000 {
            if self.sleeperCount >= count { return }
            await Task.yield()
        }
        Issue.record("never reached \(count) sleepers (have \(self.sleeperCount))")
        throw CancellationError()
    }
}

/// An RTDS connection the test writes into. A message counts as handled once the reader asks
/// for the next one.
final class ScriptedStream: StreamTransport {
    private struct State {
        var queue: [String] = []
        var waiter: CheckedContinuation<String?, Never>?
        var connections = 0
        var subscriptions: [String] = []
        var ending = false
    }

    private let state = Mutex(State())
    /// Whether each connection's first message is the `pong` to the transport's first ping.
    private let answersPingAtOnce: Bool

    init(answersPingAtOnce: Bool = true) {
        self.answersPingAtOnce = answersPingAtOnce
    }

    var connections: Int { self.state.withLock { $0.connections } }
    var subscriptions: [String] { self.state.withLock { $0.subscriptions } }

    func messages(url: String, subscribe: String) -> AsyncThrowingStream<String, any Error> {
        self.state.withLock {
            $0.connections += 1
            $0.subscriptions.append(subscribe)
            // The production transport pings as soon as it has subscribed; RTDS answers first.
            if self.answersPingAtOnce { $0.queue.insert("pong", at: 0) }
        }
        return AsyncThrowingStream(unfolding: { await self.next() })
    }

    private func next() async -> String? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
                let ready = self.state.withLock { state -> String?? in
                    if state.ending {
                        state.ending = false
                        return .some(nil)
                    }
                    if !state.queue.isEmpty { return .some(state.queue.removeFirst()) }
                    state.waiter = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// The server closes the connection.
    func endConnection() {
        let waiter = self.state.withLock { state -> CheckedContinuation<String?, Never>? in
            guard let waiter = state.waiter else {
                state.ending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: nil)
    }

    func push(_ text: String) {
        let waiter = self.state.withLock { state -> CheckedContinuation<String?, Never>? in
            guard let waiter = state.waiter else {
                state.queue.append(text)
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: text)
    }

    /// Yields until every pushed message was handled and the reader waits for more.
    func waitUntilHandled() async throws {
        for _ in 0..<200_000 {
            if self.state.withLock({ $0.queue.isEmpty && $0.waiter != nil }) { return }
            await Task.yield()
        }
        Issue.record("the stream reader never caught up")
        throw CancellationError()
    }

    /// An RTDS `activity/trades` message for `row`, as the firehose sends it (mixed-case wallet).
    static func activity(_ row: ScriptedDataAPI.Row, checksummedWallet: String? = nil) -> String {
        let payload = ScriptedDataAPI.json(
            ScriptedDataAPI.Row(wallet: checksummedWallet ?? row.wallet, transactionHash: row.transactionHash,
                                token: row.token, side: row.side, size: row.size, price: row.price, second: row.second),
            activity: false)
        return #"{"topic":"activity","type":"trades","timestamp":\#(row.second * 1_000 + 250),"payload":\#(payload),"connection_id":"c1"}"#
    }
}

/// Lags as recorded, by source.
final class RecordedLags: FeedLagRecorder {
    private let entries = Mutex<[(lag: Duration, source: FeedSource)]>([])
    var all: [(lag: Duration, source: FeedSource)] { self.entries.withLock { $0 } }
    func record(lag: Duration, source: FeedSource) { self.entries.withLock { $0.append((lag, source)) } }
}

/// The rate-limiter tests' SplitMix64, usable with `random(in:using:)`.
extension SeededRandom: RandomNumberGenerator {}

extension Fixture {
    static let leader = try! WalletAddress("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")
    /// How RTDS spells the same wallet (EIP-55, spec §13a.6).
    static let leaderChecksummed = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    static let otherWallet = "0x1111111111111111111111111111111111111111"

    static func feedConfiguration(pageSize: Int = 500, rtds: Bool = false) -> PolymarketConfiguration {
        PolymarketConfiguration(
            clobURL: "https://clob.test", gammaURL: "https://gamma.test", dataAPIURL: "https://data.test",
            rtdsURL: "wss://rtds.test", relayerURL: "https://relayer.test", rtdsEnabled: rtds,
            leaderFeed: LeaderFeedSettings(pageSize: pageSize, maximumPages: 100_000),
            rateLimits: RateLimits(rules: [:]))
    }
}
