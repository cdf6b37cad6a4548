import Benchmark
import PolymarketSigningSupport

// Issue #10 item 3: order prepare + sign through the real Polymarket adapter, the Swift half of
// `polymarket-signing.sh`, which runs py-clob-client-v2 on the same order in the same run.
// docs/BENCHMARKS.md records the figures.

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .microseconds,
        warmupIterations: 200, maxDuration: .seconds(10), maxIterations: 50_000)

    // (a) A GTC BUY from (token, price, size, side) on a cached market (tick 0.01, not neg-risk,
    // with a taker fee): prepareOrder, one secp256k1 signature, signedPayload → POST /order body.
    // Salt and timestamp are drawn per order as in production.
    Benchmark("(a) prepare + sign + body, PolymarketExchange", configuration: configuration) {
        (benchmark: Benchmark, bench: PolymarketSigningBench) async throws in
        for _ in benchmark.scaledIterations {
            blackHole(try await bench.signedOrderBody())
        }
    } setup: {
        try await PolymarketSigningBench.make()
    }

    // (b) The same order through PolymarketProtocol alone (amounts, order, signature checked by
    // recovery, body): what (a) costs without the adapter's layers. The check executable
    // requires its body to equal (a)'s.
    Benchmark("(b) prepare + sign + body, PolymarketProtocol only", configuration: configuration) {
        (benchmark: Benchmark, bench: PolymarketSigningBench) async throws in
        for _ in benchmark.scaledIterations {
            blackHole(try await bench.protocolOnlyBody())
        }
    } setup: {
        try await PolymarketSigningBench.make()
    }

    // (c) The ECDSA signature alone (libsecp256k1, RFC 6979), the step both clients share.
    Benchmark("(c) secp256k1 sign of one digest", configuration: configuration) {
        (benchmark: Benchmark, bench: PolymarketSigningBench) throws in
        let digest = [UInt8](repeating: 0x5a, count: 32)
        for _ in benchmark.scaledIterations {
            blackHole(try bench.signature(of: digest))
        }
    } setup: {
        try await PolymarketSigningBench.make()
    }

    // (d) Recovering the signer from a signature, which (a) and (b) do once per order.
    Benchmark("(d) secp256k1 recover of one signature", configuration: configuration) {
        (benchmark: Benchmark, world: (bench: PolymarketSigningBench, signature: [UInt8])) throws in
        let digest = [UInt8](repeating: 0x5a, count: 32)
        for _ in benchmark.scaledIterations {
            blackHole(try world.bench.recoversToSigner(world.signature, digest: digest))
        }
    } setup: {
        let bench = try await PolymarketSigningBench.make()
        return (bench, try bench.signature(of: [UInt8](repeating: 0x5a, count: 32)))
    }
}
