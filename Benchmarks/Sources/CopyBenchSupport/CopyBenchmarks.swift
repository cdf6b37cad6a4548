public import Benchmark
public import Kernel

/// A migrated, empty store for one benchmark, and how to give it back.
public struct BenchStore: Sendable {
    public let store: any Store
    public let close: @Sendable () async throws -> Void

    public init(store: any Store, close: @escaping @Sendable () async throws -> Void) {
        self.store = store
        self.close = close
    }
}

/// When the venue accepted a follower's order, counted from the fill's hand-over to the engine.
public let acceptedAfter = BenchmarkMetric.custom("fill → order accepted (μs)", polarity: .prefersSmaller, useScalingFactor: false)
/// A follower's fill price against the leader's, in basis points (worse is larger).
public let slippage = BenchmarkMetric.custom("slippage vs leader (bps)", polarity: .prefersSmaller, useScalingFactor: false)
/// Orders the venue accepted per second of engine work.
public let ordersPerSecond = BenchmarkMetric.custom("orders accepted per second", polarity: .prefersLarger, useScalingFactor: false)

/// The copy engine's figures, registered once per store so every store runs the same code.
public enum CopyBenchmarks {
    /// One leader, one follower: the leader's fill handed to the engine until the follower's
    /// attempt is DONE with its order filled at the FakeExchange. Every iteration has a new
    /// leader and follower (created before the clock starts), so none inherits exposure.
    public static func latency(_ name: String, open: @escaping () async throws -> BenchStore) {
        measure(
            name,
            configuration: .init(metrics: [.wallClock, acceptedAfter], timeUnits: .microseconds,
                                 warmupIterations: 10, maxDuration: .seconds(30), maxIterations: 400)
        ) { () async throws -> (BenchStore, CopyBench) in
            let opened = try await open()
            return (opened, try await CopyBench.make(store: opened.store))
        } close: { world in
            try await world.0.close()
        } body: { benchmark, world in
            let bench = world.1
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
    }

    /// One leader with `followers` followers; one fill until every follower's order is accepted
    /// and booked. The same followers copy again each iteration (funded for it; the book refilled).
    public static func fanOut(_ name: String, followers: Int = 1_000, open: @escaping () async throws -> BenchStore) {
        measure(
            name,
            configuration: .init(metrics: [.wallClock, ordersPerSecond, acceptedAfter, slippage], timeUnits: .milliseconds,
                                 warmupIterations: 1, maxDuration: .seconds(120), maxIterations: 5)
        ) { () async throws -> (BenchStore, CopyBench, Leader) in
            let opened = try await open()
            let bench = try await CopyBench.make(store: opened.store)
            let leader = try await bench.addLeader()
            for _ in 0..<followers { try await bench.addFollower(of: leader, funds: .dollars(100_000)) }
            return (opened, bench, leader)
        } close: { world in
            try await world.0.close()
        } body: { benchmark, world in
            let (_, bench, leader) = world
            try await bench.refillBook()
            let fill = try await bench.leaderBuys(leader)

            let start = ContinuousClock.now
            benchmark.startMeasurement()
            let accepted = try await bench.copy(fill, of: leader)
            benchmark.stopMeasurement()
            let elapsed = ContinuousClock.now - start

            let slippages = try await bench.expectCopied(fill, followers: followers)
            benchmark.measurement(ordersPerSecond, Int((Double(accepted.count) / elapsed.inSeconds).rounded()))
            for latency in accepted { benchmark.measurement(acceptedAfter, latency.wholeMicroseconds) }
            for bps in slippages { benchmark.measurement(slippage, Int(bps)) }
        }
    }

    /// Copying without pause for `duration` of engine time: `leaders` leaders with
    /// `followersPerLeader` followers each buy in turn, every fill copied to the end (durable
    /// commits all the way) before the next. Reports orders accepted per second of engine time
    /// (the venue-side leader trades and book refills in between are not counted).
    public static func sustained(_ name: String, duration: Duration = .seconds(60), leaders: Int = 10,
                                 followersPerLeader: Int = 100, open: @escaping () async throws -> BenchStore) {
        measure(
            name,
            configuration: .init(metrics: [.wallClock, ordersPerSecond], timeUnits: .seconds,
                                 warmupIterations: 0, maxDuration: duration, maxIterations: 1)
        ) { () async throws -> (BenchStore, CopyBench, [Leader]) in
            let opened = try await open()
            let bench = try await CopyBench.make(store: opened.store)
            var following: [Leader] = []
            for _ in 0..<leaders {
                let leader = try await bench.addLeader()
                for _ in 0..<followersPerLeader { try await bench.addFollower(of: leader, funds: .dollars(1_000_000)) }
                following.append(leader)
            }
            return (opened, bench, following)
        } close: { world in
            try await world.0.close()
        } body: { benchmark, world in
            let (_, bench, following) = world
            var busy = Duration.zero
            var orders = 0
            var fills: [ObservedFill] = []
            benchmark.startMeasurement()
            while busy < duration {
                let leader = following[fills.count % following.count]
                try await bench.refillBook()
                let fill = try await bench.leaderBuys(leader)
                let start = ContinuousClock.now
                orders += try await bench.copy(fill, of: leader).count
                busy += ContinuousClock.now - start
                fills.append(fill)
            }
            benchmark.stopMeasurement()

            for fill in fills { try await bench.expectCopied(fill, followers: followersPerLeader) }
            benchmark.measurement(ordersPerSecond, Int((Double(orders) / busy.inSeconds).rounded()))
        }
    }
}
