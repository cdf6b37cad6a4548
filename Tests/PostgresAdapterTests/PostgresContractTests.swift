import FakeExchangeTesting
import KernelTesting
import PostgresAdapter
import Testing

/// Every store contract and every engine flow, each case in a fresh, migrated schema of its own.
@Suite(.enabled(if: TestDatabase.isEnabled, "set TEST_POSTGRES_URL (or REQUIRE_INTEGRATION=1) to run"))
struct PostgresContractTests {
    @Test(arguments: UserStoreContract.cases)
    func users(_ check: UserStoreContract) async throws {
        try await TestDatabase.withStore { store in try await check.run(on: store) }
    }

    @Test(arguments: ProfileStoreContract.cases)
    func profiles(_ check: ProfileStoreContract) async throws {
        try await TestDatabase.withStore { store in try await check.run(on: store) }
    }

    @Test(arguments: CopyEventStoreContract.cases)
    func copyEvents(_ check: CopyEventStoreContract) async throws {
        try await TestDatabase.withStore { store in try await check.run(on: store) }
    }

    @Test(arguments: OrderStoreContract.cases)
    func orders(_ check: OrderStoreContract) async throws {
        try await TestDatabase.withStore { store in try await check.run(on: store) }
    }

    @Test(arguments: RelayerTxStoreContract.cases)
    func relayerTxs(_ check: RelayerTxStoreContract) async throws {
        try await TestDatabase.withStore { store in try await check.run(on: store) }
    }

    @Test(arguments: AuditStoreContract.cases)
    func audit(_ check: AuditStoreContract) async throws {
        try await TestDatabase.withStore { store in try await check.run(on: store) }
    }

    @Test(arguments: FundsStoreContract.cases)
    func funds(_ check: FundsStoreContract) async throws {
        try await TestDatabase.withStore { store in try await check.run(on: store) }
    }

    @Test(arguments: WatchListStoreContract.cases)
    func watchList(_ check: WatchListStoreContract) async throws {
        try await TestDatabase.withStore { store in try await check.run(on: store) }
    }

    @Test(arguments: AddressBookStoreContract.cases)
    func addressBook(_ check: AddressBookStoreContract) async throws {
        try await TestDatabase.withStore { store in try await check.run(on: store) }
    }

    @Test(arguments: NotificationStoreContract.cases)
    func notifications(_ check: NotificationStoreContract) async throws {
        try await TestDatabase.withStore { store in try await check.run(on: store) }
    }

    @Test(arguments: EquityStoreContract.cases)
    func equity(_ check: EquityStoreContract) async throws {
        try await TestDatabase.withStore { store in try await check.run(on: store) }
    }

    @Test(arguments: LeaseStoreContract.cases)
    func leases(_ check: LeaseStoreContract) async throws {
        try await TestDatabase.withStore { store in try await check.run(on: store) }
    }

    @Test(arguments: CopyFlowContract.cases)
    func flow(_ flow: CopyFlowContract) async throws {
        try await TestDatabase.withStore { store in
            try await flow.run(store: store, venue: FakeVenueFixture().harness)
        }
    }
}
