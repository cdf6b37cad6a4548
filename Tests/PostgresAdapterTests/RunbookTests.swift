import Foundation
import Kernel
import KernelTesting
import PostgresAdapter
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

    /// The runbook beside the repository (developer machines and CI), if it is there.
    static let runbookURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/seed/production-runbook.md")
}

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

/// A small world for the runbook, built through the ports: leader 1 traded by Alice (one
/// ENABLED follower) and Bob; leader 2 followed by Alice in every status.
struct RunbookWorld {
    let leader: Leader
    let alice: User
    let bob: User
    /// Alice's profiles of leader 2, named by their seeded status, plus the two followers of leader 1.
    let profileIDs: [String: ProfileID]

    static func seed(in store: some Store) async throws -> RunbookWorld {
        let traded = Leader(id: "leader-0001", address: .fixture(0xa1), createdAt: .fixture)
        let quiet = Leader(id: "leader-0002", address: .fixture(0xb2), createdAt: .fixture)
        try await store.insertLeader(traded)
        try await store.insertLeader(quiet)
        let alice = User(id: "user-0001", externalID: "dynamic|alice", loginAddress: nil, createdAt: .fixture)
        let bob = User(id: "user-0002", externalID: "dynamic|bob", loginAddress: nil, createdAt: .fixture)
        var wallets: [UserID: WalletID] = [:]
        for (n, user) in [alice, bob].enumerated() {
            try await store.insertUser(user)
            let wallet = TradingWallet.fixture(n + 1, userID: user.id)
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
        return RunbookWorld(leader: traded, alice: alice, bob: bob, profileIDs: ids)
    }

    func statuses(in store: some Store) async throws -> [String: ProfileStatus] {
        var statuses: [String: ProfileStatus] = [:]
        for (name, id) in self.profileIDs {
            statuses[name] = try #require(try await store.profile(id: id)).status
        }
        return statuses
    }

    /// `count` fills of leader 1, one second apart: even ones BUY, odd ones SELL, `1.5 × n` shares
    /// at `0.5 + n/100`, on `market-<n>`.
    func recordEvents(_ count: Int, in store: some Store) async throws -> [LeaderEvent] {
        var events: [LeaderEvent] = []
        let attemptIDs = SequentialIDs(prefix: "attempt")
        for n in 1...count {
            let occurredAt = Timestamp.fixture + .seconds(Int64(n))
            let fill = LeaderFill.fixture(
                n, leaderAddress: self.leader.address, marketSlug: "market-\(n)",
                side: n.isMultiple(of: 2) ? .buy : .sell, size: Shares(baseUnits: Int64(n) * 1_500_000),
                price: Price(baseUnits: 500_000 + Int64(n) * 10_000), occurredAt: occurredAt)
            let event = LeaderEvent(
                id: LeaderEventID("event-\(n)"), leaderID: self.leader.id,
                identity: LeaderEvent.identity(of: fill, occurrence: 1), fill: fill,
                detectedAt: occurredAt + .milliseconds(900), createdAt: occurredAt + .milliseconds(950))
            guard case .recorded = try await store.recordLeaderEvent(event, newAttemptID: attemptIDs.attemptIDs) else {
                throw StoreError.duplicate(entity: "leader_events", key: event.identity)
            }
            events.append(event)
        }
        return events
    }
}
