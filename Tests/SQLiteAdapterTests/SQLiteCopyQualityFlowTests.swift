import FakeExchangeTesting
import Kernel
import KernelTesting
import SQLiteAdapter
import Testing

/// Copy quality's flows on a fresh SQLite file per flow against the FakeExchange.
@Suite struct SQLiteCopyQualityFlowTests {
    @Test(arguments: CopyQualityContract.cases)
    func flow(_ flow: CopyQualityContract) async throws {
        try await withTemporaryStore { store in
            try await flow.run(store: store, venue: FakeVenueFixture().harness)
        }
    }
}
