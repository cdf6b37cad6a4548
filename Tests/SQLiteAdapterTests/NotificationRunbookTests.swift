import KernelTesting
@testable import SQLiteAdapter
import Testing

/// Issue #23: the runbook's SQL pause-all and resume-all, made outside Mirror, are notified.
@Suite struct NotificationRunbookTests {
    @Test func theRunbooksPauseAllAndResumeAllAreNotifiedAsTheOperators() async throws {
        try await withTemporaryStore { store in
            try await RunbookWorld.checkOutsideChangesAreNotified(in: store) { sql in _ = try store.execute(sql: sql) }
        }
    }
}
