import Foundation
import Kernel
import KernelTesting
@testable import SQLiteAdapter
import Testing

/// Every SQL statement of the production runbook (`shared/seed/production-runbook.md`), copied
/// VERBATIM — do not reformat. The one placeholder is the runbook's own `'USER_ID'`, where the
/// operator pastes an id; the tests paste a seeded id there and change nothing else.
enum RunbookSQL {
    static let pauseAll = "UPDATE copy_profiles SET status = 'PAUSED' WHERE status = 'ENABLED';"

    static let resumeAll = "UPDATE copy_profiles SET status = 'ENABLED' WHERE status = 'PAUSED';"

    static let recentAuditLogs = "SELECT * FROM audit_logs ORDER BY created_at DESC LIMIT 50;"

    static let usersCopyAttempts = """
        SELECT ca.*, le.side, le.size, le.price, le.market_slug
        FROM copy_attempts ca
        JOIN leader_events le ON ca.leader_event_id = le.id
        WHERE ca.user_id = 'USER_ID'
        ORDER BY ca.created_at DESC
        LIMIT 20;
        """

    static let all = [pauseAll, resumeAll, recentAuditLogs, usersCopyAttempts]

    /// `usersCopyAttempts` with `id` pasted in place of `USER_ID`, as an operator would.
    static func usersCopyAttempts(pasting id: String) -> String {
        self.usersCopyAttempts.replacingOccurrences(of: "'USER_ID'", with: "'\(id)'")
    }
}

@Suite struct RunbookTests {
    /// The runbook itself, when the shared folder sits beside the repository (as on developer
    /// machines and in CI).
    static let runbookURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/seed/production-runbook.md")

    @Test(.enabled(if: FileManager.default.fileExists(atPath: runbookURL.path), "the shared runbook is not beside the repository"))
    func theConstantsAreEveryStatementOfTheRunbookVerbatim() throws {
        let text = try String(contentsOf: Self.runbookURL, encoding: .utf8)
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
            let seeded = try await Seeded.profiles(in: store)
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
            let seeded = try await Seeded.profiles(in: store)
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
            let seeded = try await Seeded.profiles(in: store)
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

/// A small world for the runbook: leader 1 traded by Alice (one ENABLED follower) and Bob; leader
/// 2 followed by Alice in every status.
private struct Seeded {
    let leader: Leader
    let alice: User
    let bob: User
    /// Alice's profiles of leader 2, named by their seeded status, plus the two followers of leader 1.
    let profileIDs: [String: ProfileID]

    static func profiles(in store: SQLiteStore) async throws -> Seeded {
        let traded = Leader(id: "leader-0001", address: try WalletAddress("0x" + String(repeating: "a1", count: 20)),
                            createdAt: .fixture)
        let quiet = Leader(id: "leader-0002", address: try WalletAddress("0x" + String(repeating: "b2", count: 20)),
                           createdAt: .fixture)
        try await store.insertLeader(traded)
        try await store.insertLeader(quiet)
        let alice = User(id: "user-0001", externalID: "dynamic|alice", loginAddress: nil, createdAt: .fixture)
        let bob = User(id: "user-0002", externalID: "dynamic|bob", loginAddress: nil, createdAt: .fixture)
        var wallets: [UserID: WalletID] = [:]
        for (n, user) in [alice, bob].enumerated() {
            try await store.insertUser(user)
            let wallet = TradingWallet(
                id: WalletID("wallet-\(n + 1)"), userID: user.id,
                signerAddress: try WalletAddress("0x" + String(repeating: "c\(n)", count: 20)),
                funderAddress: try WalletAddress("0x" + String(repeating: "d\(n)", count: 20)),
                sealedKey: SealedSecret(keyVersion: 1, ciphertext: [0x00, 0xff, UInt8(n)]), createdAt: .fixture,
                updatedAt: .fixture)
            try await store.insertWallet(wallet)
            wallets[user.id] = wallet.id
        }
        var ids: [String: ProfileID] = [:]
        func follow(_ name: String, _ user: User, _ leader: Leader, _ status: ProfileStatus, _ n: Int) async throws {
            let profile = CopyProfile(
                id: ProfileID("profile-\(n)"), userID: user.id, leaderID: leader.id, walletID: wallets[user.id]!,
                status: status, sizing: .fixedUSD(.dollars(5)), createdAt: .fixture + .seconds(Int64(n)),
                updatedAt: .fixture + .seconds(Int64(n)))
            try await store.insertProfile(profile)
            ids[name] = profile.id
        }
        try await follow("enabled-1", alice, traded, .enabled, 1)
        try await follow("enabled-2", bob, traded, .enabled, 2)
        try await follow("already-paused", alice, quiet, .paused, 3)
        try await follow("user-paused", alice, quiet, .userPaused, 4)
        try await follow("exit-only", alice, quiet, .exitOnly, 5)
        try await follow("stopped", alice, quiet, .stopped, 6)
        return Seeded(leader: traded, alice: alice, bob: bob, profileIDs: ids)
    }

    func statuses(in store: SQLiteStore) async throws -> [String: ProfileStatus] {
        var statuses: [String: ProfileStatus] = [:]
        for (name, id) in self.profileIDs {
            statuses[name] = try #require(try await store.profile(id: id)).status
        }
        return statuses
    }

    /// `count` fills of leader 1, one second apart: even ones BUY, odd ones SELL, `1.5 × n` shares
    /// at `0.5 + n/100`, on `market-<n>`.
    func recordEvents(_ count: Int, in store: SQLiteStore) async throws -> [LeaderEvent] {
        var events: [LeaderEvent] = []
        let attemptIDs = SequentialIDs(prefix: "attempt")
        for n in 1...count {
            let occurredAt = Timestamp.fixture + .seconds(Int64(n))
            let fill = LeaderFill(
                leaderAddress: self.leader.address, transactionHash: "0x" + String(repeating: "0", count: 62) + String(format: "%02x", n),
                tokenID: try TokenID("7132104567925221259462638553270691275033272857194253228963137931245558\(n)"),
                conditionID: "0x" + String(repeating: "c", count: 64), marketSlug: "market-\(n)", outcome: "Yes",
                side: n.isMultiple(of: 2) ? .buy : .sell, size: Shares(baseUnits: Int64(n) * 1_500_000),
                price: Price(baseUnits: 500_000 + Int64(n) * 10_000), occurredAt: occurredAt, source: .dataAPI)
            let event = LeaderEvent(
                id: LeaderEventID("event-\(n)"), leaderID: self.leader.id, identity: LeaderEvent.identity(of: fill, occurrence: 1),
                fill: fill, detectedAt: occurredAt + .milliseconds(900), createdAt: occurredAt + .milliseconds(950))
            let outcome = try await store.recordLeaderEvent(event, newAttemptID: attemptIDs.attemptIDs)
            guard case .recorded = outcome else { throw StoreError.duplicate(entity: "leader_events", key: event.identity) }
            events.append(event)
        }
        return events
    }
}
