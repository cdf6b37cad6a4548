import Benchmark
import CopyBenchSupport
import Foundation
import Kernel
import KernelTesting
import SQLiteAdapter

// Issue #6 item 6, in one process so every figure comes from the same run on the same disk:
// (a) copy latency, (b) one fill fanned out to 1,000 followers, (c) one synchronous=FULL
// single-row commit, (d) prepare + sign of one order. docs/BENCHMARKS.md records the figures.

/// When the venue accepted a follower's order, counted from the fill's hand-over to the engine.
let acceptedAfter = BenchmarkMetric.custom("fill → order accepted (μs)", polarity: .prefersSmaller, useScalingFactor: false)
/// Orders the venue accepted per second of a whole fan-out.
let ordersPerSecond = BenchmarkMetric.custom("orders accepted per second", polarity: .prefersLarger, useScalingFactor: false)

/// A copy bench on a fresh SQLite file; the file goes when the benchmark ends.
struct SQLiteBench {
    let file: TemporarySQLite
    let bench: CopyBench

    static func open() async throws -> SQLiteBench {
        let file = try TemporarySQLite.open()
        return SQLiteBench(file: file, bench: try await CopyBench.make(store: file.store))
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], timeUnits: .microseconds)

    // (a) One leader, one follower: the leader's fill handed to the engine until the follower's
    // attempt is DONE with its order filled at the FakeExchange. Every iteration a new leader
    // and follower (created before the clock starts), so no iteration inherits exposure.
    measure(
        "(a) SQLite copy latency: fill handed to engine → follower order accepted and booked",
        configuration: .init(metrics: [.wallClock, acceptedAfter], timeUnits: .microseconds,
                             warmupIterations: 10, maxDuration: .seconds(30), maxIterations: 400)
    ) {
        try await SQLiteBench.open()
    } close: { world in
        try world.file.remove()
    } body: { benchmark, world in
        let bench = world.bench
        let leader = try await bench.addLeader()
        try await bench.addFollower(of: leader)
        try await bench.refillBook()
        let fill = try await bench.leaderBuys(leader)

        benchmark.startMeasurement()
        let accepted = try await bench.copy(fill, of: leader)
        benchmark.stopMeasurement()

        try await bench.expectCopied(fill, followers: 1)
        for latency in accepted { benchmark.measurement(acceptedAfter, latency.wholeMicroseconds) }
    }

    // (b) One leader with 1,000 followers; one fill until every follower's order is accepted
    // and booked. The same followers copy again each iteration (funded for it; the book refilled).
    measure(
        "(b) SQLite fan-out: one fill → 1,000 followers' orders accepted and booked",
        configuration: .init(metrics: [.wallClock, ordersPerSecond, acceptedAfter], timeUnits: .milliseconds,
                             warmupIterations: 1, maxDuration: .seconds(120), maxIterations: 5)
    ) {
        let world = try await SQLiteBench.open()
        let leader = try await world.bench.addLeader()
        for _ in 0..<1_000 { try await world.bench.addFollower(of: leader, funds: .dollars(100_000)) }
        return (world, leader)
    } close: { setup in
        try setup.0.file.remove()
    } body: { benchmark, setup in
        let (world, leader) = setup
        try await world.bench.refillBook()
        let fill = try await world.bench.leaderBuys(leader)

        let start = ContinuousClock.now
        benchmark.startMeasurement()
        let accepted = try await world.bench.copy(fill, of: leader)
        benchmark.stopMeasurement()
        let elapsed = ContinuousClock.now - start

        try await world.bench.expectCopied(fill, followers: 1_000)
        benchmark.measurement(ordersPerSecond, Int((Double(accepted.count) / elapsed.inSeconds).rounded()))
        for latency in accepted { benchmark.measurement(acceptedAfter, latency.wholeMicroseconds) }
    }

    // (c) The unit (a) is paid in: one single-row insert committed with synchronous=FULL, through
    // the same store on the same kind of file (an audit entry: one row, one IMMEDIATE transaction).
    measure(
        "(c) SQLite single-row commit, synchronous=FULL",
        configuration: .init(metrics: [.wallClock], timeUnits: .microseconds,
                             warmupIterations: 20, maxDuration: .seconds(15), maxIterations: 3_000)
    ) {
        try TemporarySQLite.open()
    } close: { file in
        try file.remove()
    } body: { benchmark, file in
        let entry = AuditEntry.fixture(id: AuditID(UUID().uuidString.lowercased()))
        benchmark.startMeasurement()
        try await file.store.appendAudit(entry)
        benchmark.stopMeasurement()
    }

    // (d) Prepare one FOK order on the venue's rules, open the sealed key and sign (AES-GCM +
    // secp256k1 through the AES vault), encode the POST /order body.
    measure(
        "(d) prepare + sign one order (FakeExchange prepare, AES vault, secp256k1)",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds,
                             warmupIterations: 50, maxDuration: .seconds(10), maxIterations: 20_000)
    ) {
        let world = try await SQLiteBench.open()
        let profile = try await world.bench.addFollower(of: try await world.bench.addLeader())
        return (world, try await world.bench.wallet(of: profile))
    } close: { setup in
        try setup.0.file.remove()
    } body: { _, setup in
        let (world, wallet) = setup
        blackHole(try await world.bench.prepareAndSign(for: wallet))
    }
}
