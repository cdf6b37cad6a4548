import Benchmark
import CopyBenchSupport
import PostgresAdapter
import PostgresBenchSupport
import PostgresNIO
import Synchronization

// Issue #7 item 7, in one process against the server named by TEST_POSTGRES_URL, so the engine's
// figures and the server's raw commit rate come from the same run: (a) copy latency, (b) one
// fill fanned out to 1,000 followers, (e) sustained orders per second for 60 s, (c) one raw
// single-row commit. docs/BENCHMARKS.md records the figures and the server's settings.

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
        let database = try await TemporaryPostgres.open()
        try await database.store.client.query(
            "CREATE TABLE bench_commits (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())",
            logger: TemporaryPostgres.logger)
        return (database, RowIDs())
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
}

/// Row ids for the raw commits.
final class RowIDs: Sendable {
    private let value = Mutex(0)
    func next() -> Int { self.value.withLock { $0 += 1; return $0 } }
}
