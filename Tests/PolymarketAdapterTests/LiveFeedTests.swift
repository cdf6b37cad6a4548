import Kernel
@testable import PolymarketAdapter
import Testing

/// The live feed: RTDS while data arrives, Data API polling while the stream is silent or
/// disabled, each fill once with the identity polling gives it. Time only moves when the test
/// moves it.
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

        /// Moves time on by one poll interval and waits until the feed is idle again.
        func tick() async throws {
            self.clock.advance(.seconds(2))
            try await self.clock.waitForSleepers(1)
        }

        /// Another wallet's trade on the firehose: says the stream is alive, yields nothing.
        func chatter() async throws {
            let row = DataAPIFeedTests.row(777, second: LiveFeedTests.start, wallet: Fixture.otherWallet)
            self.stream.push(ScriptedStream.activity(row))
            try await self.stream.waitUntilHandled()
        }
    }

    @Test func aSilentStreamHandsOverToPollingWithinTheWindowAndBackWithoutRepeatingAFill() async throws {
        let harness = Harness(rtds: true)
        let live = harness.feed.liveFills(of: [Fixture.leader])
        var fills = live.makeAsyncIterator()
        try await harness.clock.waitForSleepers(1)
        try await harness.stream.waitUntilHandled()
        #expect(harness.stream.connections == 1 && harness.stream.subscriptions == [RTDSActivity.subscribe])

        // A on the stream, spelt as RTDS spells it; the Data API will list it too.
        let a = DataAPIFeedTests.row(1, second: Self.start, price: "0.5400000017208633")
        harness.api.append([a])
        harness.stream.push(ScriptedStream.activity(a, checksummedWallet: Fixture.leaderChecksummed))
        let first = try #require(try await fills.next())
        #expect(first.fill.source == .rtds && first.fill.leaderAddress == Fixture.leader)
        let polled = try await harness.feed.fills(of: Fixture.leader, since: Timestamp(epochMilliseconds: 0))
        #expect(polled.map(\.identity) == [first.identity], "one fill, one identity, whichever source saw it")
        let pollsBefore = harness.transport.requests.count

        // Data keeps arriving (other wallets' trades): no polling.
        for _ in 0..<4 {
            try await harness.tick()
            try await harness.chatter()
        }
        #expect(harness.transport.requests.count == pollsBefore, "a talking stream is not polled")

        // Silence. B reaches only the Data API. Within the window nothing polls…
        let b = DataAPIFeedTests.row(2, second: Self.start + 15, size: "4")
        harness.api.append([b])
        for _ in 0..<4 { try await harness.tick() }  // now +16: 8 s since the last message
        #expect(harness.transport.requests.count == pollsBefore)
        // …and at the window's end polling takes over, repeating nothing the stream gave.
        try await harness.tick()  // +18: 10 s of silence
        let second = try #require(try await fills.next())
        #expect(second.fill.transactionHash == b.transactionHash && second.fill.source == .dataAPI)
        #expect(harness.transport.requests.count > pollsBefore)
        let whilePolling = harness.transport.requests.count
        try await harness.tick()
        #expect(harness.transport.requests.count > whilePolling, "polling goes on while the stream is silent")

        // The stream talks again: one closing poll, then polling stops.
        try await harness.chatter()
        try await harness.tick()
        let afterHandback = harness.transport.requests.count
        let c = DataAPIFeedTests.row(3, second: Self.start + 25, side: "SELL")
        harness.api.append([c])
        for _ in 0..<3 {
            try await harness.tick()
            try await harness.chatter()
        }
        #expect(harness.transport.requests.count == afterHandback, "back on the stream, polling stopped")
        harness.stream.push(ScriptedStream.activity(c))
        let third = try #require(try await fills.next())
        #expect(third.fill.transactionHash == c.transactionHash && third.fill.source == .rtds)
        // A by the stream, A again by the direct poll above, B by the fallback poll, C by the stream.
        #expect(harness.lags.all.map(\.source) == [.rtds, .dataAPI, .dataAPI, .rtds])
        #expect(harness.lags.all.map(\.lag) == [.zero, .zero, .seconds(3), .seconds(3)])
        #expect(harness.stream.connections == 1)
    }

    /// A fill made while the connection subscribed reaches only the Data API; a newer one comes
    /// on the stream before the pong that proves the subscription live. The stream's fill is
    /// held until the gap poll has brought the older one, so they come out in the order made.
    @Test func streamFillsWaitForTheConnectionsGapPollSoAnOlderFillIsNeverOvertaken() async throws {
        let harness = Harness(rtds: true, answersPingAtOnce: false)
        var fills = harness.feed.liveFills(of: [Fixture.leader]).makeAsyncIterator()
        try await harness.clock.waitForSleepers(1)
        let older = DataAPIFeedTests.row(1, second: Self.start)
        let newer = DataAPIFeedTests.row(2, second: Self.start + 1)
        harness.api.append([older, newer])
        harness.stream.push(ScriptedStream.activity(newer))
        try await harness.stream.waitUntilHandled()
        #expect(harness.transport.requests.isEmpty, "no gap poll before the pong")
        harness.stream.push("pong")
        let first = try #require(try await fills.next())
        let second = try #require(try await fills.next())
        #expect([first, second].map(\.fill.transactionHash) == [older.transactionHash, newer.transactionHash])
        #expect(first.fill.source == .dataAPI)
    }

    /// RTDS rows carry no fill id: a second identical row is a twin only if the Data API lists
    /// two. The first comes at once from the stream, the twin once the next tick's poll confirms
    /// it, numbered as polling numbers it.
    @Test func aTwinOnTheStreamIsYieldedOnceTheDataAPIConfirmsIt() async throws {
        let harness = Harness(rtds: true)
        var fills = harness.feed.liveFills(of: [Fixture.leader]).makeAsyncIterator()
        try await harness.clock.waitForSleepers(1)
        try await harness.stream.waitUntilHandled()
        let twin = DataAPIFeedTests.row(5, second: Self.start)
        harness.api.append([twin, twin])
        harness.stream.push(ScriptedStream.activity(twin))
        harness.stream.push(ScriptedStream.activity(twin))
        let first = try #require(try await fills.next())
        #expect(first.fill.source == .rtds && first.occurrence == 0)
        try await harness.stream.waitUntilHandled()
        try await harness.tick()
        let second = try #require(try await fills.next())
        let polled = try await harness.feed.fills(of: Fixture.leader, since: Timestamp(epochMilliseconds: 0))
        #expect([first, second].map(\.occurrence) == [0, 1])
        #expect([first, second].map(\.identity) == polled.map(\.identity))
    }

    /// The same RTDS message delivered twice is one fill: the Data API lists one, so the repeat
    /// is never yielded, and once it has had `pollOverlap` to show up it is no longer polled for.
    @Test func aRowTheStreamDeliversTwiceIsOneFill() async throws {
        let harness = Harness(rtds: true)
        let live = harness.feed.liveFills(of: [Fixture.leader])
        var fills = live.makeAsyncIterator()
        try await harness.clock.waitForSleepers(1)
        try await harness.stream.waitUntilHandled()
        let once = DataAPIFeedTests.row(6, second: Self.start)
        let later = DataAPIFeedTests.row(7, second: Self.start + 1)
        harness.api.append([once])
        harness.stream.push(ScriptedStream.activity(once))
        harness.stream.push(ScriptedStream.activity(once))
        let first = try #require(try await fills.next())
        #expect(first.fill.transactionHash == once.transactionHash)
        try await harness.stream.waitUntilHandled()
        // Ticks past the confirmation window; chatter keeps the stream alive (no fallback polling).
        for _ in 0..<61 {
            try await harness.tick()
            try await harness.chatter()
        }
        let polls = harness.transport.requests.count
        try await harness.tick()
        #expect(harness.transport.requests.count == polls, "the unconfirmed repeat was dropped")
        harness.api.append([later])
        harness.stream.push(ScriptedStream.activity(later))
        let next = try #require(try await fills.next())
        #expect(next.fill.transactionHash == later.transactionHash, "the repeat never became a second fill")
    }

    @Test func withRTDSDisabledTheLiveFeedPollsAndNeverConnects() async throws {
        let harness = Harness(rtds: false)
        let a = DataAPIFeedTests.row(1, second: Self.start - 30)
        harness.api.append([a, DataAPIFeedTests.row(2, second: Self.start - 20, wallet: Fixture.otherWallet)])
        var fills = harness.feed.liveFills(of: [Fixture.leader]).makeAsyncIterator()
        let first = try #require(try await fills.next())
        #expect(first.fill.transactionHash == a.transactionHash && first.fill.source == .dataAPI)
        try await harness.clock.waitForSleepers(1)
        let b = DataAPIFeedTests.row(3, second: Self.start + 1)
        harness.api.append([b])
        try await harness.tick()
        let second = try #require(try await fills.next())
        #expect(second.fill.transactionHash == b.transactionHash)
        #expect(harness.stream.connections == 0)
        #expect(harness.lags.all.map(\.lag) == [.seconds(30), .seconds(1)])
        #expect(harness.lags.all.allSatisfy { $0.source == .dataAPI })
    }

    @Test func aDroppedStreamReconnectsAfterTheDelay() async throws {
        let harness = Harness(rtds: true)
        let live = harness.feed.liveFills(of: [Fixture.leader])
        try await harness.clock.waitForSleepers(1)
        try await harness.stream.waitUntilHandled()
        harness.stream.endConnection()
        try await harness.clock.waitForSleepers(2)  // the supervisor and the reconnect delay
        #expect(harness.stream.connections == 1)
        harness.clock.advance(.seconds(5))
        try await harness.stream.waitUntilHandled()
        #expect(harness.stream.connections == 2)
        withExtendedLifetime(live) {}
    }

    @Test func aConnectionSilentTooLongIsDroppedAndMadeAgainWhilePollingCovers() async throws {
        let harness = Harness(rtds: true)
        let live = harness.feed.liveFills(of: [Fixture.leader])
        try await harness.clock.waitForSleepers(1)
        try await harness.stream.waitUntilHandled()
        for _ in 0..<29 { try await harness.tick() }  // +58 s of silence: polled, still connected
        #expect(harness.stream.connections == 1)
        #expect(!harness.transport.requests.isEmpty, "polling covers the silent stream")
        for _ in 0..<5 { try await harness.tick() }  // +60 s drops it; the reconnect waits 5 s
        for _ in 0..<200_000 where harness.stream.connections < 2 { await Task.yield() }
        #expect(harness.stream.connections == 2)
        withExtendedLifetime(live) {}
    }
}
