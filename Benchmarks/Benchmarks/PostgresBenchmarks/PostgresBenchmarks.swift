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

    // (g1)–(g3) The least any single copy can cost while keeping the engine's guarantees (facts
    // read from the store, the signed order durable before it is sent, a pause committed after
    // that still stopping the send), with no engine: one read standing for the follower's facts,
    // the venue's prepare and the vault's signature, the durable commits, one read standing for
    // the profile's status just before sending, and the venue accepting the order. The commits:
    // (g1) one single-row INSERT, no work; (g2) two, the serial commits the issue allows; (g3)
    // one statement doing the least real work any live copy needs before its send — it locks the
    // follower's wallet (the funds check's lock) and inserts the fill, its attempt and its signed
    // order into the migrated tables with all their indexes (still a floor: no funds summed, no
    // followers read, no leader position moved). Their p50 over (c)'s is the floor under
    // `single-copy-p50-over-commit`.
    let floors: [(name: String, commit: @Sendable (FloorWorld, Int, String) async throws -> Void)] = [
        ("(g1) Postgres single-copy floor: SELECT 1 → prepare + sign → 1 autocommit INSERT → SELECT 1 → venue accepts",
         { world, id, _ in try await world.insertCommitRow(id * 2) }),
        ("(g2) Postgres single-copy floor: SELECT 1 → prepare + sign → 2 autocommit INSERT → SELECT 1 → venue accepts",
         { world, id, _ in
             try await world.insertCommitRow(id * 2)
             try await world.insertCommitRow(id * 2 + 1)
         }),
        ("(g3) Postgres single-copy floor with the rows: SELECT 1 → prepare + sign → one statement locking the wallet and inserting fill, attempt, order → SELECT 1 → venue accepts",
         { world, id, payload in
             try await world.database.store.client.query(world.copyRows(id, payload: payload), logger: TemporaryPostgres.logger)
         }),
    ]
    for floor in floors {
        measure(
            floor.name,
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
            try await floor.commit(world, id, signed.payload)
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
    let profile: CopyProfile
    let leader: Leader
    let rows: RowIDs

    static func open() async throws -> FloorWorld {
        let database = try await openWithCommitTable()
        let bench = try await CopyBench.make(store: database.store)
        let leader = try await bench.addLeader()
        let follower = try await bench.addFollower(of: leader)
        return FloorWorld(database: database, bench: bench, wallet: try await bench.wallet(of: follower), profile: follower,
                          leader: leader, rows: RowIDs())
    }

    /// One single-row autocommit INSERT: a commit with no work in it.
    func insertCommitRow(_ id: Int) async throws {
        try await self.database.store.client.query("INSERT INTO bench_commits (id) VALUES (\(id))",
                                                   logger: TemporaryPostgres.logger)
    }

    /// (g3)'s one statement: the wallet locked, then copy `n`'s fill, attempt and signed order.
    func copyRows(_ n: Int, payload: String) -> PostgresQuery {
        let (event, attempt, order) = ("floor-event-\(n)", "floor-attempt-\(n)", "floor-order-\(n)")
        let token = self.bench.token.decimal
        return """
            WITH w AS (
                SELECT id FROM trading_wallets WHERE id = \(self.wallet.id.rawValue) FOR UPDATE
            ), e AS (
                INSERT INTO leader_events (id, leader_id, identity, leader_address, transaction_hash, token_id, condition_id,
                    market_slug, outcome, side, size, price, occurred_at, source, detected_at, created_at)
                VALUES (\(event), \(self.leader.id.rawValue), \(event), \(self.leader.address.lowercased), \(event), \(token),
                    'floor', 'floor', 'Yes', 'BUY', 100, 0.5, now(), 'DATA_API', now(), now())
                RETURNING id
            ), a AS (
                INSERT INTO copy_attempts (id, profile_id, user_id, leader_event_id, kind, token_id, status, due_at,
                    fencing_token, detected_at, filled_shares_units, created_at, updated_at)
                SELECT \(attempt), \(self.profile.id.rawValue), \(self.profile.userID.rawValue), e.id, 'ENTRY', \(token),
                    'PLACING', now(), 1, now(), 0, now(), now()
                FROM e
                RETURNING id
            )
            INSERT INTO orders (id, attempt_id, profile_id, wallet_id, token_id, side, type, limit_price_units,
                shares_units, maker_amount, taker_amount, status, signed_payload, filled_shares_units,
                filled_notional_units, fee_units, paper, created_at, updated_at)
            SELECT \(order), a.id, \(self.profile.id.rawValue), w.id, \(token), 'BUY', 'FOK', 530000, 18860000,
                9995800, 18860000, 'SUBMITTED', \(payload), 0, 0, 0, false, now(), now()
            FROM a, w
            """
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
