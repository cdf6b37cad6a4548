import Kernel
import Metrics
import Synchronization

/// The newest fill time seen per feed source, so a fill that overlapping polls return again
/// moves neither the lag nor the last-event time. Pure bookkeeping, tested directly.
struct FeedMarks: Sendable {
    struct Reading: Hashable, Sendable {
        var source: FeedSource
        var lag: Duration
        var lastEvent: Timestamp
    }

    private var newest: [FeedSource: Timestamp] = [:]

    /// The readings `fills` give at `now`: per source, the newest fill beyond the mark (its lag is
    /// how late the feed saw it); nothing for a source with no newer fill.
    mutating func observe(_ fills: [ObservedFill], now: Timestamp) -> [Reading] {
        var readings: [FeedSource: Reading] = [:]
        for observed in fills {
            let fill = observed.fill
            if let mark = self.newest[fill.source], fill.occurredAt <= mark { continue }
            self.newest[fill.source] = fill.occurredAt
            readings[fill.source] = Reading(source: fill.source, lag: max(.zero, now.since(fill.occurredAt)),
                                            lastEvent: fill.occurredAt)
        }
        return readings.values.sorted { $0.source.rawValue < $1.source.rawValue }
    }
}

/// The leader feed with its freshness measured for every adapter alike:
/// `mirror_feed_lag_seconds{source}` (fill time to detection, newest fill) and
/// `mirror_feed_last_event_timestamp_seconds{source}`.
final class MeteredLeaderFeed: LeaderFeed {
    let base: any LeaderFeed
    let wallClock: WallClock
    private let marks = Mutex(FeedMarks())

    init(_ base: any LeaderFeed, wallClock: WallClock) {
        self.base = base
        self.wallClock = wallClock
    }

    func fills(of leader: WalletAddress, since: Timestamp) async throws -> [ObservedFill] {
        let fills = try await self.base.fills(of: leader, since: since)
        self.record(fills)
        return fills
    }

    func liveFills(of leaders: Set<WalletAddress>) -> AsyncThrowingStream<ObservedFill, any Error> {
        let iterator = SerialIterator(self.base.liveFills(of: leaders).makeAsyncIterator())
        let feed = self
        return AsyncThrowingStream {
            let next = try await iterator.next()
            if let next { feed.record([next]) }
            return next
        }
    }

    func positions(of wallet: WalletAddress) async throws -> [WalletPosition] {
        try await self.base.positions(of: wallet)
    }

    private func record(_ fills: [ObservedFill]) {
        guard !fills.isEmpty else { return }
        let now = self.wallClock.now()
        let readings = self.marks.withLock { $0.observe(fills, now: now) }
        for reading in readings {
            let source = [("source", reading.source.rawValue)]
            Gauge(label: "mirror_feed_lag_seconds", dimensions: source).record(Double(reading.lag.wholeMilliseconds) / 1000)
            Gauge(label: "mirror_feed_last_event_timestamp_seconds", dimensions: source)
                .record(Double(reading.lastEvent.epochMilliseconds) / 1000)
        }
    }
}

/// One stream's iterator shared with the wrapping stream's closure. Unchecked: a stream has a
/// single consumer, which awaits each element before asking for the next, so the iterator is
/// never used by two tasks at once.
private final class SerialIterator: @unchecked Sendable {
    private var iterator: AsyncThrowingStream<ObservedFill, any Error>.AsyncIterator

    init(_ iterator: AsyncThrowingStream<ObservedFill, any Error>.AsyncIterator) {
        self.iterator = iterator
    }

    func next() async throws -> ObservedFill? {
        try await self.iterator.next()
    }
}
