import KernelTesting
import PostgresAdapter
import Testing

/// Issue #23: the runbook's SQL pause-all and resume-all, made outside Mirror, are notified.
@Suite struct PostgresNotificationRunbookTests {
    @Test func theRunbooksPauseAllAndResumeAllAreNotifiedAsTheOperators() async throws {
        try await TestDatabase.withStore { store in
            try await RunbookWorld.checkOutsideChangesAreNotified(in: store) { sql in try await store.execute(sql: sql) }
        }
    }
}
