import FakeExchangeTesting
import Kernel
import KernelTesting
import SQLiteAdapter
import Testing

/// The account-wide event cap's contract on a fresh SQLite file per case against the FakeExchange.
@Suite struct SQLiteAccountEventCapTests {
    @Test(arguments: AccountEventCapContract.cases)
    func accountEventCap(_ check: AccountEventCapContract) async throws {
        try await withTemporaryStore { store in
            try await check.run(store: store, venue: FakeVenueFixture().harness)
        }
    }
}
