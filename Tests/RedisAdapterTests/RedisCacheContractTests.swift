import Kernel
import KernelTesting
import Testing

/// The cache contract, unchanged, against a real Redis. Time is the server's: the harness sleeps,
/// as the contract asks of server-backed caches (at most 1.5 s per case).
@Suite(.enabled(if: IntegrationEnvironment.shouldRun(IntegrationEnvironment.redisVariable)), .timeLimit(.minutes(1)))
struct RedisCacheContractTests {
    @Test(arguments: CacheContract.cases)
    func contract(_ check: CacheContract) async throws {
        let cache = try await TestRedis.contractCache.value
        let harness = CacheHarness(cache: cache) { try await Task.sleep(for: $0) }
        try await check.run(on: harness)
    }
}
