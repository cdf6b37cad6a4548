import Kernel
import Testing


extension StoreContract where Port == AuditStorePort {
    public static var cases: [AuditStoreContract] { [
        .init("appended entries read back equal, with and without a subject") { store async throws in
            let empty = try await store.recentAudit(limit: 10)
            #expect(empty.isEmpty)
            let full = AuditEntry.fixture(1, details: "line one\nline two — “quoted”, 100% ✓")
            let bare = AuditEntry.fixture(
                2, actor: "system", action: "ledger.mismatch", subjectType: nil, subjectID: nil, details: "",
                createdAt: .fixture + .milliseconds(1))
            try await store.appendAudit(full)
            try await store.appendAudit(bare)
            let listed = try await store.recentAudit(limit: 10)
            #expect(listed == [bare, full])
        },
        .init("an entry with a taken id throws duplicate and changes nothing") { store async throws in
            let entry = AuditEntry.fixture(1)
            try await store.appendAudit(entry)
            await expectDuplicate("same audit id") {
                try await store.appendAudit(.fixture(2, id: entry.id, action: "profile.paused"))
            }
            let listed = try await store.recentAudit(limit: 10)
            #expect(listed == [entry])
        },
        .init("recentAudit(limit:) is newest first, ties by id descending, up to the limit") { store async throws in
            let oldest = AuditEntry.fixture(1, createdAt: .fixture)
            let tiedLow = AuditEntry.fixture(2, createdAt: .fixture + .seconds(1))
            let tiedHigh = AuditEntry.fixture(3, createdAt: .fixture + .seconds(1))
            let newest = AuditEntry.fixture(4, createdAt: .fixture + .seconds(2))
            for entry in [tiedLow, newest, oldest, tiedHigh] { try await store.appendAudit(entry) }
            let all = try await store.recentAudit(limit: 10)
            let limited = try await store.recentAudit(limit: 3)
            #expect(all == [newest, tiedHigh, tiedLow, oldest])
            #expect(limited == [newest, tiedHigh, tiedLow])
        },
    ] }
}
