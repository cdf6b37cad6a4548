import Kernel
import Testing

extension StoreContract where Port == AddressBookStorePort {
    public static var cases: [AddressBookStoreContract] { [
        .init("an address is added once per user, with its audit row, and listed oldest first") { store async throws in
            let alice = try await Seed.user(1, in: store)
            let bob = try await Seed.user(2, in: store)
            let first = WithdrawalAddress(userID: alice.id, address: .fixture(0xa1), label: "cold", createdAt: .fixture,
                                          usableAt: .fixture + .seconds(86_400))
            let second = WithdrawalAddress(userID: alice.id, address: .fixture(0xa0), createdAt: .fixture + .seconds(1),
                                           usableAt: .fixture + .seconds(1))
            let added = AuditEntry.fixture(1, action: "withdrawal_address.added")
            #expect(try await store.addWithdrawalAddress(first, audit: added))
            #expect(try await store.addWithdrawalAddress(second, audit: .fixture(2, action: "withdrawal_address.added")))
            var relabelled = first
            relabelled.label = "changed"
            #expect(try await !store.addWithdrawalAddress(relabelled, audit: .fixture(3)))
            #expect(try await store.withdrawalAddresses(userID: alice.id) == [first, second])
            #expect(try await store.withdrawalAddresses(userID: bob.id).isEmpty, "another user's book is their own")
            #expect(try await store.recentAudit(limit: 5).map(\.id) == [AuditID("audit-0002"), AuditID("audit-0001")])
        },
        .init("an address is removed with its audit row; a missing one changes nothing") { store async throws in
            let alice = try await Seed.user(1, in: store)
            let entry = WithdrawalAddress(userID: alice.id, address: .fixture(0xa1), createdAt: .fixture, usableAt: .fixture)
            _ = try await store.addWithdrawalAddress(entry, audit: .fixture(1))
            #expect(try await store.removeWithdrawalAddress(userID: alice.id, address: entry.address, audit: .fixture(2)))
            #expect(try await !store.removeWithdrawalAddress(userID: alice.id, address: entry.address, audit: .fixture(3)))
            #expect(try await store.withdrawalAddresses(userID: alice.id).isEmpty)
            #expect(try await store.recentAudit(limit: 5).count == 2)
        },
    ] }
}
