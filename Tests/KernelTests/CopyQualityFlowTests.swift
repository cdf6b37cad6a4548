import FakeExchangeTesting
import InMemoryAdapter
import Kernel
import KernelTesting
import Testing

/// Copy quality's flows on the in-memory store against the FakeExchange.
@Suite struct InMemoryCopyQualityFlowTests {
    @Test(arguments: CopyQualityContract.cases)
    func flow(_ flow: CopyQualityContract) async throws {
        try await flow.run(store: InMemoryStore(), venue: FakeVenueFixture().harness)
    }
}
