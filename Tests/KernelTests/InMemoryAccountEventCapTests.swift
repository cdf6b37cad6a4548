import FakeExchangeTesting
import InMemoryAdapter
import Kernel
import KernelTesting
import Testing

/// The account-wide event cap's contract on the in-memory store against the FakeExchange.
@Suite struct InMemoryAccountEventCapTests {
    @Test(arguments: AccountEventCapContract.cases)
    func accountEventCap(_ check: AccountEventCapContract) async throws {
        try await check.run(store: InMemoryStore(), venue: FakeVenueFixture().harness)
    }
}
