import InMemoryAdapter
import Kernel
import KernelTesting
import Testing

@Suite struct InMemoryStoreTests {
    @Test(arguments: UserStoreContract.cases)
    func users(_ check: UserStoreContract) async throws {
        try await check.run(on: InMemoryStore())
    }

    @Test(arguments: ProfileStoreContract.cases)
    func profiles(_ check: ProfileStoreContract) async throws {
        try await check.run(on: InMemoryStore())
    }

    @Test(arguments: CopyEventStoreContract.cases)
    func copyEvents(_ check: CopyEventStoreContract) async throws {
        try await check.run(on: InMemoryStore())
    }

    @Test(arguments: OrderStoreContract.cases)
    func orders(_ check: OrderStoreContract) async throws {
        try await check.run(on: InMemoryStore())
    }

    @Test(arguments: RelayerTxStoreContract.cases)
    func relayerTxs(_ check: RelayerTxStoreContract) async throws {
        try await check.run(on: InMemoryStore())
    }

    @Test(arguments: AuditStoreContract.cases)
    func audit(_ check: AuditStoreContract) async throws {
        try await check.run(on: InMemoryStore())
    }

    @Test(arguments: FundsStoreContract.cases)
    func funds(_ check: FundsStoreContract) async throws {
        try await check.run(on: InMemoryStore())
    }

    @Test(arguments: WatchListStoreContract.cases)
    func watchList(_ check: WatchListStoreContract) async throws {
        try await check.run(on: InMemoryStore())
    }

    @Test(arguments: AddressBookStoreContract.cases)
    func addressBook(_ check: AddressBookStoreContract) async throws {
        try await check.run(on: InMemoryStore())
    }

    @Test(arguments: NotificationStoreContract.cases)
    func notifications(_ check: NotificationStoreContract) async throws {
        try await check.run(on: InMemoryStore())
    }

    @Test(arguments: EquityStoreContract.cases)
    func equity(_ check: EquityStoreContract) async throws {
        try await check.run(on: InMemoryStore())
    }

    @Test(arguments: LeaseStoreContract.cases)
    func leases(_ check: LeaseStoreContract) async throws {
        try await check.run(on: InMemoryStore())
    }
}
