import FakeExchangeTesting
import Kernel
import KernelTesting
import SQLiteAdapter
import Testing

/// The engine's full flows on a fresh SQLite file per flow against the FakeExchange.
@Suite struct SQLiteCopyFlowTests {
    @Test(arguments: CopyFlowContract.cases)
    func flow(_ flow: CopyFlowContract) async throws {
        try await withTemporaryStore { store in
            try await flow.run(store: store, venue: FakeVenueFixture().harness)
        }
    }
}
