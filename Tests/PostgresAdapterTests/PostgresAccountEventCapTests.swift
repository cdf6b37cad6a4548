import FakeExchangeTesting
import KernelTesting
import PostgresAdapter
import Testing

/// The account-wide event cap's contract, each case in a fresh, migrated schema of its own, against
/// the FakeExchange: the racing case commits from two connections at once.
@Suite(.enabled(if: TestDatabase.isEnabled, "set TEST_POSTGRES_URL (or REQUIRE_INTEGRATION=1) to run"))
struct PostgresAccountEventCapTests {
    @Test(arguments: AccountEventCapContract.cases)
    func accountEventCap(_ check: AccountEventCapContract) async throws {
        try await TestDatabase.withStore { store in
            try await check.run(store: store, venue: FakeVenueFixture().harness)
        }
    }
}
