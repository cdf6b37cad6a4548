import InMemoryAdapter
import Kernel
import KernelTesting
import Logging
import Synchronization
import Testing

/// The one rule telling a leader's twin fill from a re-delivery on the live stream: the rule
/// itself synchronously, then the ingestor carrying it out over a scripted feed.
@Suite struct LiveFillSightingsTests {
    static let start = Timestamp.fixture
    static let leader = Leader.fixture(1, positionsSeededAt: .fixture, createdAt: .fixture)

    static func fill(_ n: Int = 1, source: FeedSource = .rtds, at time: Timestamp = start) -> LeaderFill {
        LeaderFill.fixture(n, leaderAddress: Self.leader.address, occurredAt: time, source: source)
    }

    @Test func theFirstSightingOfATupleIsRecordedAsOccurrenceZero() {
        var sightings = LiveFillSightings(confirmationWindow: .seconds(120))
        let fill = Self.fill()
        let answer1 = sightings.observe(fill, now: Self.start)
        #expect(answer1 == .record(ObservedFill(fill: fill, occurrence: 0)))
        let other = Self.fill(2)
        let answer2 = sightings.observe(other, now: Self.start)
        #expect(answer2 == .record(ObservedFill(fill: other, occurrence: 0)))
        let answer3 = sightings.awaitsConfirmation(Self.leader.address, now: Self.start)
        #expect(!answer3)
    }

    @Test func aRepeatIsNeverRecordedOnTheStreamsWordButAsksPollingToConfirm() {
        var sightings = LiveFillSightings(confirmationWindow: .seconds(120))
        _ = sightings.observe(Self.fill(), now: Self.start)
        // Another source's spelling or a later hearing is the same tuple: still a repeat.
        let again = Self.fill(source: .dataAPI, at: Self.start + .seconds(3))
        let answer4 = sightings.observe(again, now: Self.start + .seconds(1))
        #expect(answer4 == .confirmByPolling(Self.leader.address))
        let answer5 = sightings.observe(again, now: Self.start + .seconds(2))
        #expect(answer5 == .confirmByPolling(Self.leader.address))
        let answer6 = sightings.awaitsConfirmation(Self.leader.address, now: Self.start + .seconds(2))
        #expect(answer6)
        let answer7 = sightings.awaitsConfirmation(WalletAddress.fixture(0x9_9999), now: Self.start + .seconds(2))
        #expect(!answer7)
    }

    @Test func aConfirmationLapsesAfterItsWindow() {
        var sightings = LiveFillSightings(confirmationWindow: .seconds(120))
        _ = sightings.observe(Self.fill(), now: Self.start)
        _ = sightings.observe(Self.fill(), now: Self.start + .seconds(10))
        let answer8 = sightings.awaitsConfirmation(Self.leader.address, now: Self.start + .seconds(129))
        #expect(answer8)
        let answer9 = sightings.awaitsConfirmation(Self.leader.address, now: Self.start + .seconds(130))
        #expect(!answer9)
        let answer10 = sightings.awaitsConfirmation(Self.leader.address, now: Self.start + .seconds(131))
        #expect(!answer10)
    }

    @Test func aTupleIsForgottenAfterTheMemoryWindow() {
        var sightings = LiveFillSightings(confirmationWindow: .seconds(120), memory: .seconds(3_600))
        let fill = Self.fill()
        _ = sightings.observe(fill, now: Self.start)
        let answer11 = sightings.observe(fill, now: Self.start + .seconds(3_599))
        #expect(answer11 == .confirmByPolling(Self.leader.address))
        // Recorded again as occurrence 0, which the store's unique identity makes a duplicate.
        let answer12 = sightings.observe(fill, now: Self.start + .seconds(3_600))
        #expect(answer12 == .record(ObservedFill(fill: fill, occurrence: 0)))
    }

    // MARK: The ingestor carrying the rule out

    /// A genuine twin: the stream delivers the tuple twice while the Data API, lagging, lists
    /// neither yet. The first is recorded from the stream (after the gap poll), the second only
    /// once polling lists two rows — polled at once although a watched leader's cadence is a
    /// minute.
    @Test func aTwinOnTheStreamIsRecordedOnceTheDataAPIListsIt() async throws {
        let world = try await World.make()
        try await world.ingestor.poll()  // the slow cadence's poll: the next is a minute away
        let fill = Self.fill()
        world.feed.stream([fill, fill])
        try await world.ingestor.consumeLiveStream()
        #expect(try await world.identities() == [ObservedFill(fill: fill, occurrence: 0).identity])
        #expect(world.feed.polls == 2, "one gap poll before the first stream fill")

        world.clock.advance(by: .seconds(2))
        let polled = Self.fill(source: .dataAPI)
        world.feed.list([polled, polled])
        #expect(try await world.ingestor.poll() == 1)
        #expect(try await world.identities() == [0, 1].map { ObservedFill(fill: fill, occurrence: $0).identity })
    }

    /// A re-delivery: the Data API lists one row, so the repeat never becomes a second event; once
    /// the confirmation window has passed the watched leader is back on its slow cadence.
    @Test func aRowDeliveredTwiceIsOneEvent() async throws {
        let world = try await World.make()
        try await world.ingestor.poll()
        let fill = Self.fill()
        world.feed.stream([fill, fill])
        try await world.ingestor.consumeLiveStream()
        world.feed.list([Self.fill(source: .dataAPI)])
        for _ in 0..<3 {
            world.clock.advance(by: .seconds(2))
            #expect(try await world.ingestor.poll() == 0)
        }
        #expect(try await world.identities() == [ObservedFill(fill: fill, occurrence: 0).identity])
        let polls = world.feed.polls
        world.clock.advance(by: .seconds(120))
        try await world.ingestor.poll()  // the slow cadence's own poll (a minute since the last)
        world.clock.advance(by: .seconds(2))
        try await world.ingestor.poll()
        #expect(world.feed.polls == polls + 1, "no longer polled every tick")
    }

    /// An older fill made while the stream connected reaches only the Data API: the gap poll
    /// records it before the newer stream fill.
    @Test func theGapPollRecordsAnOlderFillBeforeTheFirstStreamFill() async throws {
        let world = try await World.make()
        let older = Self.fill(7, source: .dataAPI, at: Self.start - .seconds(1))
        let newer = Self.fill(8)
        world.feed.list([older])
        world.feed.stream([newer])
        try await world.ingestor.consumeLiveStream()
        #expect(try await world.identities() == [older, newer].map { ObservedFill(fill: $0, occurrence: 0).identity })
    }

    struct World {
        let store: any Store
        let feed: ScriptedFeed
        let clock: ManualWallClock
        let ingestor: FeedIngestor

        static func make() async throws -> World {
            let store = InMemoryStore()
            try await store.insertLeader(LiveFillSightingsTests.leader)
            let clock = ManualWallClock(LiveFillSightingsTests.start + .seconds(1))
            let feed = ScriptedFeed()
            let ingestor = FeedIngestor(store: store, feed: feed, wallClock: clock.wallClock,
                                        ids: SequentialIDs(prefix: "feed").generator, logger: Logger(label: "feed"),
                                        everyLeaderWatched: true)
            return World(store: store, feed: feed, clock: clock, ingestor: ingestor)
        }

        /// Recorded identities, oldest fill first.
        func identities() async throws -> [String] {
            try await self.store.leaderEvents(leaderID: LiveFillSightingsTests.leader.id, limit: 100)
                .sorted { ($0.fill.occurredAt, $0.createdAt, $0.identity) < ($1.fill.occurredAt, $1.createdAt, $1.identity) }
                .map(\.identity)
        }
    }

    /// A feed whose Data API lists what the test says (numbered as polling numbers it) and whose
    /// stream delivers the rows given, then ends.
    final class ScriptedFeed: LeaderFeed {
        private let state = Mutex<(listed: [LeaderFill], streamed: [LeaderFill], polls: Int)>(([], [], 0))

        func list(_ fills: [LeaderFill]) { self.state.withLock { $0.listed = fills } }
        func stream(_ fills: [LeaderFill]) { self.state.withLock { $0.streamed = fills } }
        var polls: Int { self.state.withLock { $0.polls } }

        func fills(of leader: WalletAddress, since: Timestamp) async throws -> [ObservedFill] {
            self.state.withLock { state in
                state.polls += 1
                return state.listed.filter { $0.leaderAddress == leader && $0.occurredAt >= since }.countingOccurrences()
            }
        }

        func liveFills(of leaders: Set<WalletAddress>) -> AsyncThrowingStream<ObservedFill, any Error> {
            let rows = self.state.withLock { $0.streamed }
            return AsyncThrowingStream { continuation in
                // A stream's own numbering is not trusted: every row comes as occurrence 0.
                for row in rows where leaders.contains(row.leaderAddress) {
                    continuation.yield(ObservedFill(fill: row, occurrence: 0))
                }
                continuation.finish()
            }
        }

        func positions(of wallet: WalletAddress) async throws -> [WalletPosition] { [] }
    }
}
