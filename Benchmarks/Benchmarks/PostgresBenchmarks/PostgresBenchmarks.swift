import Benchmark
import CopyBenchSupport
import Kernel
import PostgresAdapter
import PostgresBenchSupport
import PostgresNIO
import Synchronization

// Issue #7 item 7, in one process against the server named by TEST_POSTGRES_URL, so the engine's
// figures and the server's raw commit rate come from the same run: (a) copy latency, (b) one
// fill fanned out to 1,000 followers, (e) sustained orders per second for 60 s, (c) one raw
// single-row commit, (g1)/(g2) the floor under (a) and (h) the fake venue's part of it.
// docs/BENCHMARKS.md records the figures and the server's settings.

/// A migrated store in a fresh schema, dropped when the benchmark ends.
@Sendable func openPostgres() async throws -> BenchStore {
    let database = try await TemporaryPostgres.open()
    return BenchStore(store: database.store, close: { try await database.remove() })
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], timeUnits: .microseconds)

    CopyBenchmarks.latency("(a) Postgres copy latency: fill handed to engine → follower order accepted and booked",
                           open: openPostgres)
    CopyBenchmarks.fanOut("(b) Postgres fan-out: one fill → 1,000 followers' orders accepted and booked",
                          open: openPostgres)
    CopyBenchmarks.sustained("(e) Postgres sustained copying for 60 s: 10 leaders × 100 followers, durable commits",
                             open: openPostgres)

    // (c) The server's own pace: one single-row INSERT in autocommit (one durable commit with the
    // server's synchronous_commit) through the same pool, one after another, as the engine's
    // commits come. Throughput is the sequential commit rate.
    measure(
        "(c) Postgres raw single-row commit (autocommit INSERT, one client)",
        configuration: .init(metrics: [.wallClock, .throughput], timeUnits: .microseconds,
                             warmupIterations: 20, maxDuration: .seconds(15), maxIterations: 5_000)
    ) { () async throws -> (TemporaryPostgres, RowIDs) in
        (try await openWithCommitTable(), RowIDs())
    } close: { world in
        try await world.0.remove()
    } body: { benchmark, world in
        let (database, counter) = world
        let id = counter.next()
        benchmark.startMeasurement()
        try await database.store.client.query("INSERT INTO bench_commits (id) VALUES (\(id))",
                                              logger: TemporaryPostgres.logger)
        benchmark.stopMeasurement()
    }

    // (g1), (g2) The least any single copy can cost while keeping the engine's guarantees (facts
    // read from the store, the signed order durable before it is sent, a pause committed after
    // that still stopping the send), with no engine and no work in any statement: one read
    // standing for the follower's facts, the venue's prepare and the vault's signature, durable
    // commits standing for recording the fill and persisting its signed order (g1: both in one
    // commit; g2: the two serial commits the issue allows), one read standing for the profile's
    // status just before sending, and the venue accepting the order. Their p50 over (c)'s is the
    // floor under `single-copy-p50-over-commit`.
    for commits in 1...2 {
        measure(
            "(g\(commits)) Postgres single-copy floor: SELECT 1 → prepare + sign → \(commits) autocommit INSERT → SELECT 1 → venue accepts",
            configuration: .init(metrics: [.wallClock], timeUnits: .microseconds,
                                 warmupIterations: 20, maxDuration: .seconds(15), maxIterations: 5_000)
        ) { () async throws -> FloorWorld in
            try await FloorWorld.open()
        } close: { world in
            try await world.database.remove()
        } body: { benchmark, world in
            let id = world.rows.next()
            let client = world.database.store.client
            try await world.prepareVenue(iteration: id)
            benchmark.startMeasurement()
            try await client.query("SELECT 1", logger: TemporaryPostgres.logger)
            let signed = try await world.bench.preparedAndSigned(for: world.wallet)
            for commit in 0..<commits {
                try await client.query("INSERT INTO bench_commits (id) VALUES (\(id * 2 + commit))",
                                       logger: TemporaryPostgres.logger)
            }
            try await client.query("SELECT 1", logger: TemporaryPostgres.logger)
            try await world.bench.accept(signed, for: world.wallet)
            benchmark.stopMeasurement()
        }
    }

    // (h) The venue's part of (g1) alone: prepare, sign and accept one order in process.
    measure(
        "(h) FakeExchange in process: prepare + sign → venue accepts",
        configuration: .init(metrics: [.wallClock], timeUnits: .microseconds,
                             warmupIterations: 20, maxDuration: .seconds(10), maxIterations: 5_000)
    ) { () async throws -> FloorWorld in
        try await FloorWorld.open()
    } close: { world in
        try await world.database.remove()
    } body: { benchmark, world in
        try await world.prepareVenue(iteration: world.rows.next())
        benchmark.startMeasurement()
        let signed = try await world.bench.preparedAndSigned(for: world.wallet)
        try await world.bench.accept(signed, for: world.wallet)
        benchmark.stopMeasurement()
    }
}

/// A fresh schema with the commit table of (c), and one funded follower at a venue: the world of
/// the floor benchmarks.
struct FloorWorld: Sendable {
    let database: TemporaryPostgres
    let bench: CopyBench
    let wallet: TradingWallet
    let rows: RowIDs

    static func open() async throws -> FloorWorld {
        let database = try await openWithCommitTable()
        let bench = try await CopyBench.make(store: database.store)
        let follower = try await bench.addFollower(of: try await bench.addLeader())
        return FloorWorld(database: database, bench: bench, wallet: try await bench.wallet(of: follower), rows: RowIDs())
    }

    /// Outside the measured region: $10 for the next order, and the book restocked now and then
    /// (each order takes 18.86 shares of its 22,000).
    func prepareVenue(iteration: Int) async throws {
        await self.bench.fund(self.wallet, .dollars(10))
        if iteration % 500 == 1 { try await self.bench.refillBook() }
    }
}

/// A fresh schema with the one-column table the raw commits insert into.
func openWithCommitTable() async throws -> TemporaryPostgres {
    let database = try await TemporaryPostgres.open()
    try await database.store.client.query(
        "CREATE TABLE bench_commits (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())",
        logger: TemporaryPostgres.logger)
    return database
}

/// Row ids for the raw commits.
final class RowIDs: Sendable {
    private let value = Mutex(0)
    func next() -> Int { self.value.withLock { $0 += 1; return $0 } }
}
