public import Logging
import Metrics
import Synchronization

/// Detect, then record and fan out (ARCHITECTURE §3 steps 1–2): turns the feed's fills into
/// `leader_events` and their attempts. Recording is idempotent by fill identity, so the live
/// stream, polling and backfill may all see the same fill: it becomes one event.
public final class FeedIngestor: Sendable {
    let store: any Store
    let feed: any LeaderFeed
    let wallClock: WallClock
    let ids: IDGenerator
    let logger: Logger
    /// How far back each poll reaches behind the newest fill already seen, so fills the source
    /// reports late are not missed (the Data API lags by a minute or more).
    let overlap: Duration
    /// The engine the new attempts of a recorded fill are handed to at once: they are created
    /// claimed for it in the recording commit and carried through its pipeline as one batch.
    let handoff: CopyEngine?
    /// Local mode: every leader counts as watched by every user (the simulated leaders are on
    /// every list), so none goes unpolled.
    let everyLeaderWatched: Bool
    private let cursors = Mutex<[LeaderID: Timestamp]>([:])
    /// When each leader was last polled, for the slow cadence of watch-only leaders.
    private let lastPolled = Mutex<[LeaderID: Timestamp]>([:])
    /// The one place a stream fill's identity is decided (``LiveFillSightings``).
    private let sightings: Mutex<LiveFillSightings>
    private let recorded: Counter
    private let duplicates: Counter

    public init(store: any Store, feed: any LeaderFeed, wallClock: WallClock, ids: IDGenerator, logger: Logger,
                overlap: Duration = .seconds(120), handoff: CopyEngine? = nil, everyLeaderWatched: Bool = false) {
        self.handoff = handoff
        self.everyLeaderWatched = everyLeaderWatched
        self.store = store
        self.feed = feed
        self.wallClock = wallClock
        self.ids = ids
        self.logger = logger
        self.overlap = overlap
        self.sightings = Mutex(LiveFillSightings(confirmationWindow: overlap))
        self.recorded = Counter(label: "mirror_feed_recorded_total")
        self.duplicates = Counter(label: "mirror_feed_duplicates_total")
    }

    /// This ingestor, handing every recorded fill's attempts to `engine` at once (claimed in the
    /// recording commit), so a copy costs no claim commit and waits for no poll.
    public func handingOff(to engine: CopyEngine) -> FeedIngestor {
        FeedIngestor(store: self.store, feed: self.feed, wallClock: self.wallClock, ids: self.ids, logger: self.logger,
                     overlap: self.overlap, handoff: engine, everyLeaderWatched: self.everyLeaderWatched)
    }

    /// Polls every leader that is due at its ``LeaderCadence`` once; returns how many new events
    /// were recorded. After downtime the first poll reaches back to the newest recorded event (or
    /// to when the leader was added).
    @discardableResult
    public func poll() async throws -> Int {
        var new = 0
        for leader in try await self.leaders(dueAt: self.wallClock.now()) {
            new += try await self.poll(leader)
        }
        return new
    }

    /// Polls one leader from its cursor (less the overlap) and records what is new; a failed
    /// read is logged and left to the next poll.
    private func poll(_ leader: Leader) async throws -> Int {
        if leader.positionsSeededAt == nil { await self.seedPositions(of: leader) }
        let since = try await self.cursor(for: leader) - self.overlap
        let fills: [ObservedFill]
        do {
            fills = try await self.feed.fills(of: leader.address, since: since)
        } catch {
            self.logger.warning("leader feed poll failed", metadata: [
                "leader.address": "\(leader.address)", "error": "\(String(describing: error))",
            ])
            return 0
        }
        var new = 0
        for observed in fills where observed.fill.leaderAddress == leader.address {
            if try await self.record(observed, leader: leader) { new += 1 }
        }
        if let newest = fills.map(\.fill.occurredAt).max() {
            self.cursors.withLock { $0[leader.id] = max($0[leader.id] ?? newest, newest) }
        }
        return new
    }

    /// The leaders whose cadence makes them due at `now`, marked as polled then.
    func leaders(dueAt now: Timestamp) async throws -> [Leader] {
        let leaders = try await self.store.leaders()
        let cadences = try await self.cadences(of: leaders)
        return leaders.filter { leader in
            let cadence = cadences[leader.id] ?? .none
            // A leader with a stream repeat awaiting the Data API's word is polled every tick.
            let confirming = self.sightings.withLock { $0.awaitsConfirmation(leader.address, now: now) }
            return self.lastPolled.withLock { polled in
                guard confirming || cadence.isDue(lastPolled: polled[leader.id], now: now) else { return false }
                polled[leader.id] = now
                return true
            }
        }
    }

    /// Each of `leaders`' cadence from the store's interests (absent: nobody cares, not polled).
    func cadences(of leaders: [Leader]) async throws -> [LeaderID: LeaderCadence] {
        var interests = try await self.store.leaderInterests()
        if self.everyLeaderWatched {
            for leader in leaders { interests[leader.id, default: .init()].watched = true }
        }
        return interests.mapValues(LeaderCadence.init)
    }

    /// Records fills from the live stream until it ends or the task is cancelled. The stream
    /// carries the leaders someone follows, holds or watches; which of its fills are recorded is
    /// decided by ``LiveFillSightings``. A fill made while the stream connected reaches only the
    /// Data API, so a leader's first stream fill waits for one poll of that leader: an older fill
    /// is never recorded after a newer one (exit fractions depend on the order).
    public func consumeLiveStream() async throws {
        let all = try await self.store.leaders()
        let cadences = try await self.cadences(of: all)
        let leaders = all.filter { (cadences[$0.id] ?? .none) != .none }
        guard !leaders.isEmpty else { return }
        let byAddress = Dictionary(leaders.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        var gapPolled: Set<LeaderID> = []
        for try await observed in self.feed.liveFills(of: Set(byAddress.keys)) {
            guard let leader = byAddress[observed.fill.leaderAddress] else { continue }
            let now = self.wallClock.now()
            switch self.sightings.withLock({ $0.observe(observed.fill, now: now) }) {
            case .record(let first):
                if gapPolled.insert(leader.id).inserted { _ = try await self.poll(leader) }
                _ = try await self.record(first, leader: leader)
            case .confirmByPolling:
                self.logger.debug("repeated stream fill awaits the Data API", metadata: [
                    "leader.address": "\(leader.address)", "fill.transaction": "\(observed.fill.transactionHash)",
                ])
            }
        }
    }

    /// Records one fill; `true` when it was new.
    @discardableResult
    public func record(_ observed: ObservedFill, leader: Leader) async throws -> Bool {
        let now = self.wallClock.now()
        let event = LeaderEvent(id: self.ids.next(), leaderID: leader.id, identity: observed.identity,
                                fill: observed.fill, detectedAt: now, createdAt: now)
        let ids = self.ids
        let claim = self.handoff.map { AttemptClaim(owner: $0.settings.owner, expiresAt: now + $0.settings.leaseDuration) }
        switch try await self.store.recordLeaderEvent(event, newAttemptID: { ids.next() }, claim: claim) {
        case .recorded(let stored, let attempts):
            self.recorded.increment()
            CopyMetrics.latency(.detect, now.since(observed.fill.occurredAt))
            self.logger.info("leader fill recorded", metadata: [
                "leader.address": "\(leader.address)", "fill.side": "\(observed.fill.side.rawValue)",
                "fill.size": "\(observed.fill.size)", "fill.price": "\(observed.fill.price)",
                "market.slug": "\(observed.fill.marketSlug)", "attempts": "\(attempts.count)",
                "fill.source": "\(observed.fill.source.rawValue)",
            ])
            if let engine = self.handoff, !attempts.isEmpty {
                do {
                    try await engine.process(attempts, recorded: stored)
                } catch let crash as SimulatedCrash {
                    throw crash
                } catch {
                    // Recorded and claimed: when the lease expires any worker resumes from what is durable.
                    self.logger.error("copying a recorded fill failed; its attempts resume when their lease expires",
                                      metadata: ["error": "\(String(describing: error))"])
                }
            }
            return true
        case .duplicate:
            self.duplicates.increment()
            return false
        }
    }

    /// Seeds a newly followed leader's tracked positions from one positions snapshot, so their
    /// first sell of a position opened before we followed them is mirrored as the right fraction.
    /// A failed snapshot is retried on the next poll; fills are recorded meanwhile.
    func seedPositions(of leader: Leader) async {
        do {
            let snapshot = try await self.feed.positions(of: leader.address)
            let shares = Dictionary(snapshot.map { ($0.tokenID, $0.shares) }, uniquingKeysWith: +)
            if try await self.store.seedLeaderPositions(leader.id, snapshot: shares, at: self.wallClock.now()) {
                self.logger.info("leader positions seeded", metadata: [
                    "leader.address": "\(leader.address)", "positions": "\(shares.count)",
                ])
            }
        } catch {
            self.logger.warning("leader positions snapshot failed; retrying next poll", metadata: [
                "leader.address": "\(leader.address)", "error": "\(String(describing: error))",
            ])
        }
    }

    private func cursor(for leader: Leader) async throws -> Timestamp {
        if let known = self.cursors.withLock({ $0[leader.id] }) { return known }
        let newest = try await self.store.leaderEvents(leaderID: leader.id, limit: 1).first?.fill.occurredAt
        let start = newest ?? leader.createdAt
        self.cursors.withLock { $0[leader.id] = $0[leader.id] ?? start }
        return start
    }
}

/// The rule that tells a leader's twin fill from a re-delivery on the live stream (ARCHITECTURE
/// §3 step 1, spec §10.4), in one place: stream rows carry no fill id, so the first row of a
/// tuple is recorded as occurrence 0 (the number polling gives the same row) and any further row
/// with that tuple is either a twin or the same message again — never recorded on the stream's
/// word. Its leader is polled every tick for `confirmationWindow` instead: the Data API lists
/// twins as separate rows, which are then recorded by identity; a re-delivery it never lists
/// simply lapses. A pure value; the ingestor keeps one under a lock.
public struct LiveFillSightings: Sendable {
    public enum Decision: Hashable, Sendable {
        /// The first sighting of its tuple: record it.
        case record(ObservedFill)
        /// A repeat: leave it to polling, which is now due for this leader.
        case confirmByPolling(WalletAddress)
    }

    /// How long a repeat keeps its leader polled every tick (the Data API lags a minute or more).
    public let confirmationWindow: Duration
    /// How long a tuple is remembered after its fill (a re-delivery later than this is recorded
    /// as occurrence 0 again, which the store's unique identity turns into a duplicate).
    public let memory: Duration
    /// Tuples seen on the stream, with their fill time.
    private var seen: [String: Timestamp] = [:]
    /// When each leader's last unconfirmed repeat was heard.
    private var repeats: [WalletAddress: Timestamp] = [:]

    public init(confirmationWindow: Duration, memory: Duration = .seconds(3_600)) {
        self.confirmationWindow = confirmationWindow
        self.memory = memory
    }

    public mutating func observe(_ fill: LeaderFill, now: Timestamp) -> Decision {
        self.seen = self.seen.filter { now.since($0.value) < self.memory }
        let tuple = fill.identityTuple
        guard self.seen[tuple] == nil else {
            self.repeats[fill.leaderAddress] = now
            return .confirmByPolling(fill.leaderAddress)
        }
        self.seen[tuple] = fill.occurredAt
        return .record(ObservedFill(fill: fill, occurrence: 0))
    }

    /// Whether `leader` has a repeat heard within the confirmation window before `now`.
    public mutating func awaitsConfirmation(_ leader: WalletAddress, now: Timestamp) -> Bool {
        guard let heard = self.repeats[leader] else { return false }
        guard now.since(heard) < self.confirmationWindow else {
            self.repeats[leader] = nil
            return false
        }
        return true
    }
}
