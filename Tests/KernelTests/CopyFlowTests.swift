import FakeExchangeTesting
import InMemoryAdapter
import Kernel
import KernelTesting
import Testing

/// The engine's full flows on the in-memory store against the FakeExchange.
@Suite struct InMemoryCopyFlowTests {
    @Test(arguments: CopyFlowContract.cases)
    func flow(_ flow: CopyFlowContract) async throws {
        try await flow.run(store: InMemoryStore(), venue: FakeVenueFixture().harness)
    }
}
