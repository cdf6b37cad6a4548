import Benchmark
import CopyBenchSupport
import Foundation
import Kernel
import KernelTesting
import SQLiteAdapter

// Issue #6 item 6, in one process so every figure comes from the same run on the same disk:
// (a) copy latency, (b) one fill fanned out to 1,000 followers, (c) one synchronous=FULL
// single-row commit, (d) prepare + sign of one order. docs/BENCHMARKS.md records the figures.

/// A migrated store on a fresh SQLite file, removed when the benchmark ends.
@Sendable func openSQLite() throws -> BenchStore {
    let file = try TemporarySQLite.open()
    return BenchStore(store: file.store, close: { try file.remove() })
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], timeUnits: .microseconds)

    CopyBenchmarks.latency("(a) SQLite copy latency: fill handed to engine → follower order accepted and booked",
                           open: openSQLite)
    CopyBenchmarks.fanOut("(b) SQLite fan-out: one fill → 1,000 followers' orders accepted and booked",
                          open: openSQLite)

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
    ) { () async throws -> (BenchStore, CopyBench, TradingWallet) in
        let opened = try openSQLite()
        let bench = try await CopyBench.make(store: opened.store)
        let profile = try await bench.addFollower(of: try await bench.addLeader())
        return (opened, bench, try await bench.wallet(of: profile))
    } close: { world in
        try await world.0.close()
    } body: { _, world in
        let (_, bench, wallet) = world
        blackHole(try await bench.prepareAndSign(for: wallet))
    }
}
