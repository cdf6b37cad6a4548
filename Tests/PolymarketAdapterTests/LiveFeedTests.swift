import Kernel
@testable import PolymarketAdapter
import Testing

/// The live feed: one RTDS connection yielding the watched leaders' rows as they come, each as
/// occurrence 0 (a repeat is the ingestor's to judge), never polling the Data API itself; it
/// finishes when the connection ends or falls silent. Time only moves when the test moves it.
@Suite(.timeLimit(.minutes(1))) struct LiveFeedTests {
    static let start = DataAPIFeedTests.start

    struct Harness {
        let transport = RecordingTransport()
        let api = ScriptedDataAPI()
        let clock = SteppingClock(Timestamp(epochMilliseconds: LiveFeedTests.start * 1_000))
        let stream: ScriptedStream
        let lags = RecordedLags()
        let feed: PolymarketLeaderFeed

        init(rtds: Bool, answersPingAtOnce: Bool = true) {
            self.stream = ScriptedStream(answersPingAtOnce: answersPingAtOnce)
            self.api.install(on: self.transport)
            self.feed = PolymarketLeaderFeed(
                configuration: Fixture.feedConfiguration(rtds: rtds), transport: self.transport, stream: self.stream,
                clock: self.clock, lag: self.lags)
        }

        /// Moves time on and waits until the feed is idle again (its silence watch asleep).
        func tick(_ duration: Duration = .seconds(2)) async throws {
            self.clock.advance(duration)
            try await self.clock.waitForSleepers(1)
        }

        /// Another wallet's trade on the firehose: says the stream is alive, yields nothing.
        func chatter() async throws {
            let row = DataAPIFeedTests.row(777, second: LiveFeedTests.start, wallet: Fixture.otherWallet)
            self.stream.push(ScriptedStream.activity(row))
            try await self.stream.waitUntilHandled()
        }
    }

    @Test func watchedLeadersRowsComeAsTheyArriveAndTheSessionNeverPolls() async throws {
        let harness = Harness(rtds: true)
        var fills = harness.feed.liveFills(of: [Fixture.leader]).makeAsyncIterator()
        try await harness.clock.waitForSleepers(1)
        try await harness.stream.waitUntilHandled()
        #expect(harness.stream.connections == 1 && harness.stream.subscriptions == [RTDSActivity.subscribe])

        // A, spelt as RTDS spells it; the Data API will list it with the same identity.
        let a = DataAPIFeedTests.row(1, second: Self.start, price: "0.5400000017208633")
        harness.api.append([a])
        harness.stream.push(ScriptedStream.activity(a, checksummedWallet: Fixture.leaderChecksummed))
        let first = try #require(try await fills.next())
        #expect(first.fill.source == .rtds && first.fill.leaderAddress == Fixture.leader && first.occurrence == 0)
        let polled = try await harness.feed.fills(of: Fixture.leader, since: Timestamp(epochMilliseconds: 0))
        #expect(polled.map(\.identity) == [first.identity], "one fill, one identity, whichever source saw it")
        let requests = harness.transport.requests.count

        // Another wallet's trade is not yielded; the same row again is (twin or re-delivery:
        // the ingestor decides), still as occurrence 0; time passes without any poll.
        try await harness.chatter()
        try await harness.tick(.seconds(30))
        harness.stream.push(ScriptedStream.activity(a))
        let again = try #require(try await fills.next())
        #expect(again.identity == first.identity && again.occurrence == 0)
        let b = DataAPIFeedTests.row(2, second: Self.start + 3, side: "SELL")
        harness.stream.push(ScriptedStream.activity(b))
        let second = try #require(try await fills.next())
        #expect(second.fill.transactionHash == b.transactionHash)
        #expect(harness.transport.requests.count == requests, "the stream session never polls")
        #expect(harness.lags.all.map(\.source) == [.rtds, .dataAPI, .rtds, .rtds])
        #expect(harness.stream.connections == 1)
    }

    @Test func theFeedFinishesWhenTheConnectionEnds() async throws {
        let harness = Harness(rtds: true)
        var fills = harness.feed.liveFills(of: [Fixture.leader]).makeAsyncIterator()
        try await harness.clock.waitForSleepers(1)
        try await harness.stream.waitUntilHandled()
        harness.stream.endConnection()
        #expect(try await fills.next() == nil)
        #expect(harness.stream.connections == 1, "the consumer connects again, not the session")
        #expect(harness.transport.requests.isEmpty)
    }

    /// Activity keeps a connection; `reconnectAfterSilence` (60 s) without any drops it.
    @Test func aConnectionSilentTooLongIsDropped() async throws {
        let harness = Harness(rtds: true)
        var fills = harness.feed.liveFills(of: [Fixture.leader]).makeAsyncIterator()
        try await harness.clock.waitForSleepers(1)
        try await harness.stream.waitUntilHandled()
        try await harness.tick(.seconds(40))
        try await harness.chatter()
        try await harness.tick(.seconds(40))  // 80 s since connecting, 40 s since the chatter
        let a = DataAPIFeedTests.row(1, second: Self.start + 80)
        harness.stream.push(ScriptedStream.activity(a))
        #expect(try await fills.next()?.fill.transactionHash == a.transactionHash, "still connected")
        harness.clock.advance(.seconds(60))
        #expect(try await fills.next() == nil)
        #expect(harness.stream.connections == 1 && harness.transport.requests.isEmpty)
    }

    @Test func withRTDSDisabledTheLiveFeedYieldsNothingAndNeverConnectsOrPolls() async throws {
        let harness = Harness(rtds: false)
        harness.api.append([DataAPIFeedTests.row(1, second: Self.start - 30)])
        let live = harness.feed.liveFills(of: [Fixture.leader])
        let reader = Task {
            var fills = live.makeAsyncIterator()
            return try await fills.next()
        }
        for _ in 0..<1_000 { await Task.yield() }
        reader.cancel()
        #expect(try await reader.value == nil)
        #expect(harness.stream.connections == 0 && harness.transport.requests.isEmpty)
    }
}
