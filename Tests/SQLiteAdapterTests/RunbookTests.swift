import Foundation
import Kernel
import KernelTesting
@testable import SQLiteAdapter
import Testing

/// The runbook's SQL (``RunbookSQL``, verbatim) on the SQLite schema, over ``RunbookWorld``.
@Suite struct RunbookTests {
    @Test(.enabled(if: FileManager.default.fileExists(atPath: RunbookSQL.runbookURL.path),
                   "the shared runbook is not beside the repository"))
    func theConstantsAreEveryStatementOfTheRunbookVerbatim() throws {
        let text = try String(contentsOf: RunbookSQL.runbookURL, encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```sql" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        #expect(blocks == RunbookSQL.all)
    }

    // MARK: Pause and resume

    @Test func pauseAllFlipsOnlyEnabledProfilesAndResumeAllFlipsEveryPausedOneBack() async throws {
        try await withTemporaryStore { store in
            let seeded = try await RunbookWorld.seed(in: store)
            let before = try await seeded.statuses(in: store)

            let paused = try store.execute(sql: RunbookSQL.pauseAll)
            let afterPause = try await seeded.statuses(in: store)

            let resumed = try store.execute(sql: RunbookSQL.resumeAll)
            let afterResume = try await seeded.statuses(in: store)

            #expect(before == [
                "enabled-1": .enabled, "enabled-2": .enabled, "already-paused": .paused, "user-paused": .userPaused,
                "exit-only": .exitOnly, "stopped": .stopped,
            ])
            #expect(paused == 2)
            #expect(afterPause == [
                "enabled-1": .paused, "enabled-2": .paused, "already-paused": .paused, "user-paused": .userPaused,
                "exit-only": .exitOnly, "stopped": .stopped,
            ])
            // The runbook's resume cannot tell the operator's pause-all from an earlier PAUSED: a
            // profile that was PAUSED before the pause-all comes back ENABLED too. USER_PAUSED,
            // EXIT_ONLY and STOPPED are left alone — which is why a user's own pause is its own status.
            #expect(resumed == 3)
            #expect(afterResume == [
                "enabled-1": .enabled, "enabled-2": .enabled, "already-paused": .enabled, "user-paused": .userPaused,
                "exit-only": .exitOnly, "stopped": .stopped,
            ])
        }
    }

    // MARK: Audit logs

    @Test func recentAuditLogsAreTheNewestFiftyNewestFirst() async throws {
        try await withTemporaryStore { store in
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

            let rows = try store.rows(sql: RunbookSQL.recentAuditLogs)

            let newestFifty = entries.reversed().prefix(50)
            #expect(rows.count == 50)
            #expect(rows.first?.columns == ["id", "actor", "action", "subject_type", "subject_id", "details", "created_at"])
            #expect(rows.map { $0["id"] } == newestFifty.map { .text($0.id.rawValue) })
            // Times read as ISO-8601 UTC with milliseconds, exactly as the Kernel prints them.
            #expect(rows.map { $0["created_at"] } == newestFifty.map { .text($0.createdAt.description) })
            #expect(rows.first?["created_at"] == .text("2025-11-29T01:30:55.178Z"))
        }
    }

    // MARK: A user's copy attempts

    @Test func aUsersCopyAttemptsJoinTheirLeaderFillNewestFirstTwentyAtMost() async throws {
        try await withTemporaryStore { store in
            let seeded = try await RunbookWorld.seed(in: store)
            let events = try await seeded.recordEvents(23, in: store)
            let alice = seeded.alice.id

            let rows = try store.rows(sql: RunbookSQL.usersCopyAttempts(pasting: alice.rawValue))

            // Alice's one active follower of the traded leader got one attempt per event; Bob's are excluded.
            let expected = try await store.attempts(userID: alice, limit: 20)
            let eventsByID = Dictionary(uniqueKeysWithValues: events.map { ($0.id, $0) })
            #expect(expected.count == 20)
            #expect(rows.count == 20)
            #expect(rows.map { $0["id"] } == expected.map { .text($0.id.rawValue) })
            #expect(rows.allSatisfy { $0["user_id"] == .text(alice.rawValue) })
            #expect(rows.first?.columns.suffix(4) == ["side", "size", "price", "market_slug"])
            let createdAt = rows.compactMap { row -> String? in
                if case .text(let text) = row["created_at"] { text } else { nil }
            }
            #expect(createdAt == createdAt.sorted(by: >) && Set(createdAt).count == 20, "strictly newest first")
            for (row, attempt) in zip(rows, expected) {
                let eventID = try #require(attempt.leaderEventID)
                let fill = try #require(eventsByID[eventID]).fill
                #expect(row["side"] == .text(fill.side.rawValue))
                #expect(row["size"] == .text(fill.size.description))
                #expect(row["price"] == .text(fill.price.description))
                #expect(row["market_slug"] == .text(fill.marketSlug))
            }
            // The newest is event 23: a SELL of 34.5 shares at 0.73, shown as the decimals they are.
            #expect(rows.first?["side"] == .text("SELL"))
            #expect(rows.first?["size"] == .text("34.5"))
            #expect(rows.first?["price"] == .text("0.73"))
            #expect(rows.first?["market_slug"] == .text("market-23"))
        }
    }

    @Test func anIdIsPastedInItsCanonicalLowercaseForm() async throws {
        try await withTemporaryStore { store in
            let seeded = try await RunbookWorld.seed(in: store)
            _ = try await seeded.recordEvents(2, in: store)
            // Ids are stored, logged and returned lowercase, so the id as shown matches…
            let asShown = try store.rows(sql: RunbookSQL.usersCopyAttempts(pasting: "user-0001"))
            // …while SQL `=` on TEXT is exact: an upper-cased paste finds nothing rather than a wrong row.
            let upperCased = try store.rows(sql: RunbookSQL.usersCopyAttempts(pasting: "USER-0001"))
            #expect(asShown.count == 2)
            #expect(upperCased.isEmpty)
        }
    }
}
