import Foundation
import Kernel
import KernelTesting
import PostgresAdapter
import Testing

/// The runbook's SQL, run through the driver exactly as an operator pastes it into psql.
@Suite(.enabled(if: TestDatabase.isEnabled, "set TEST_POSTGRES_URL (or REQUIRE_INTEGRATION=1) to run"))
struct PostgresRunbookTests {
    @Test(.enabled(if: FileManager.default.fileExists(atPath: RunbookSQL.runbookURL.path),
                   "the shared runbook is not beside the repository"))
    func theStatementsRunHereAreTheRunbooksVerbatim() throws {
        let text = try String(contentsOf: RunbookSQL.runbookURL, encoding: .utf8)
        for statement in RunbookSQL.all {
            #expect(text.contains("```sql\n\(statement)\n```"), "\(statement)")
        }
    }

    @Test func pauseAllFlipsOnlyEnabledProfilesAndResumeAllFlipsEveryPausedOneBack() async throws {
        try await TestDatabase.withStore { store in
            let seeded = try await RunbookWorld.seed(in: store)
            let before = try await seeded.statuses(in: store)

            try await store.execute(sql: RunbookSQL.pauseAll)
            let afterPause = try await seeded.statuses(in: store)
            try await store.execute(sql: RunbookSQL.resumeAll)
            let afterResume = try await seeded.statuses(in: store)

            #expect(before == [
                "enabled-1": .enabled, "enabled-2": .enabled, "already-paused": .paused, "user-paused": .userPaused,
                "exit-only": .exitOnly, "stopped": .stopped,
            ])
            #expect(afterPause == [
                "enabled-1": .paused, "enabled-2": .paused, "already-paused": .paused, "user-paused": .userPaused,
                "exit-only": .exitOnly, "stopped": .stopped,
            ])
            // USER_PAUSED, EXIT_ONLY and STOPPED are left alone; an earlier PAUSED comes back too.
            #expect(afterResume == [
                "enabled-1": .enabled, "enabled-2": .enabled, "already-paused": .enabled, "user-paused": .userPaused,
                "exit-only": .exitOnly, "stopped": .stopped,
            ])
        }
    }

    @Test func recentAuditLogsAreTheNewestFiftyNewestFirstWithTheirExactTimes() async throws {
        try await TestDatabase.withStore { store in
            let entries = (1...55).map { n in
                AuditEntry(
                    id: AuditID("audit-\(n)"), actor: n.isMultiple(of: 2) ? "admin" : "system",
                    action: "test.entry_\(n)", subjectType: "relayer_tx", subjectID: "relayer-\(n)",
                    details: "entry \(n)", createdAt: .fixture + .milliseconds(Int64(n) * 1_001))
            }
            // Inserted out of time order: the ORDER BY, not the insertion order, must decide.
            for index in entries.indices.sorted(by: { ($0 * 7) % 55 < ($1 * 7) % 55 }) {
                try await store.appendAudit(entries[index])
            }

            let rows = try await store.rows(sql: RunbookSQL.recentAuditLogs)

            let newestFifty = entries.reversed().prefix(50)
            #expect(rows.count == 50)
            #expect(rows.first?.columns == ["id", "actor", "action", "subject_type", "subject_id", "details", "created_at"])
            #expect(rows.map { $0["id"] } == newestFifty.map { .text($0.id.rawValue) })
            #expect(rows.map { $0["created_at"] } == newestFifty.map { .timestamp($0.createdAt) })
        }
    }

    @Test func aUsersCopyAttemptsJoinTheirLeaderFillNewestFirstTwentyAtMost() async throws {
        try await TestDatabase.withStore { store in
            let seeded = try await RunbookWorld.seed(in: store)
            let events = try await seeded.recordEvents(23, in: store)
            let alice = seeded.alice.id

            let rows = try await store.rows(sql: RunbookSQL.usersCopyAttempts(pasting: alice.rawValue))

            let expected = try await store.attempts(userID: alice, limit: 20)
            let eventsByID = Dictionary(uniqueKeysWithValues: events.map { ($0.id, $0) })
            #expect(expected.count == 20)
            #expect(rows.count == 20)
            #expect(rows.map { $0["id"] } == expected.map { .text($0.id.rawValue) })
            #expect(rows.allSatisfy { $0["user_id"] == .text(alice.rawValue) })
            #expect(rows.first?.columns.suffix(4) == ["side", "size", "price", "market_slug"])
            #expect(rows.map { $0["created_at"] } == expected.map { .timestamp($0.createdAt) }, "newest first")
            for (row, attempt) in zip(rows, expected) {
                let fill = try #require(attempt.leaderEventID.flatMap { eventsByID[$0] }).fill
                #expect(row["side"] == .text(fill.side.rawValue))
                #expect(row["size"] == .numeric(fill.size.description))
                #expect(row["price"] == .numeric(fill.price.description))
                #expect(row["market_slug"] == .text(fill.marketSlug))
            }
            // The newest is event 23: a SELL of 34.5 shares at 0.73, shown as the decimals they are.
            #expect(rows.first?["side"] == .text("SELL"))
            #expect(rows.first?["size"] == .numeric("34.5"))
            #expect(rows.first?["price"] == .numeric("0.73"))
            #expect(rows.first?["market_slug"] == .text("market-23"))
        }
    }

    @Test func anIdIsPastedInItsCanonicalLowercaseForm() async throws {
        try await TestDatabase.withStore { store in
            let seeded = try await RunbookWorld.seed(in: store)
            _ = try await seeded.recordEvents(2, in: store)
            let asShown = try await store.rows(sql: RunbookSQL.usersCopyAttempts(pasting: "user-0001"))
            // SQL `=` on TEXT is exact: an upper-cased paste finds nothing rather than a wrong row.
            let upperCased = try await store.rows(sql: RunbookSQL.usersCopyAttempts(pasting: "USER-0001"))
            #expect(asShown.count == 2)
            #expect(upperCased.isEmpty)
        }
    }
}
