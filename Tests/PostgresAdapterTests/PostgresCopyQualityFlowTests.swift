import FakeExchangeTesting
import KernelTesting
import PostgresAdapter
import Testing

/// Copy quality's flows, each in a fresh, migrated schema of its own, against the FakeExchange.
@Suite(.enabled(if: TestDatabase.isEnabled, "set TEST_POSTGRES_URL (or REQUIRE_INTEGRATION=1) to run"))
struct PostgresCopyQualityFlowTests {
    @Test(arguments: CopyQualityContract.cases)
    func flow(_ flow: CopyQualityContract) async throws {
        try await TestDatabase.withStore { store in
            try await flow.run(store: store, venue: FakeVenueFixture().harness)
        }
    }
}
