import InMemoryAdapter
import Kernel
import KernelTesting
import Testing

@Suite struct InMemoryCacheTests {
    @Test(arguments: CacheContract.cases)
    func contract(_ check: CacheContract) async throws {
        let clock = ManualWallClock()
        let harness = CacheHarness(cache: InMemoryCache(clock: clock.wallClock)) { clock.advance(by: $0) }
        try await check.run(on: harness)
    }
}
