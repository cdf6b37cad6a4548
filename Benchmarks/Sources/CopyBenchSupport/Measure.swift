public import Benchmark

/// Registers a benchmark whose world is opened once before its iterations and closed after
/// them. package-benchmark hands the setup's result to the measured closure only, so the world
/// is kept here for the teardown.
public func measure<World>(
    _ name: String, configuration: Benchmark.Configuration,
    open: @escaping () async throws -> World,
    close: @escaping (World) async throws -> Void,
    body: @escaping (Benchmark, World) async throws -> Void
) {
    let kept = Kept<World>()
    Benchmark(name, configuration: configuration) { (benchmark: Benchmark, world: World) async throws in
        try await body(benchmark, world)
    } setup: {
        let world = try await open()
        kept.world = world
        return world
    } teardown: {
        if let world = kept.world { try await close(world) }
        kept.world = nil
    }
}

private final class Kept<World> {
    var world: World?
}

extension Duration {
    /// Whole microseconds, for custom metrics (which take integers).
    public var wholeMicroseconds: Int {
        Int(self.components.seconds * 1_000_000 + self.components.attoseconds / 1_000_000_000_000)
    }

    public var inSeconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
