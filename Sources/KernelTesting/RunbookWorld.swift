public import Foundation
public import Kernel
import Testing

/// Every SQL statement of the production runbook (`shared/seed/production-runbook.md`), copied
/// VERBATIM — do not reformat. The one placeholder is the runbook's own `'USER_ID'`, where the
/// operator pastes an id; the tests paste a seeded id there and change nothing else.
public enum RunbookSQL {
    public static let pauseAll = "UPDATE copy_profiles SET status = 'PAUSED' WHERE status = 'ENABLED';"

    public static let resumeAll = "UPDATE copy_profiles SET status = 'ENABLED' WHERE status = 'PAUSED';"

    public static let recentAuditLogs = "SELECT * FROM audit_logs ORDER BY created_at DESC LIMIT 50;"

    public static let usersCopyAttempts = """
        SELECT ca.*, le.side, le.size, le.price, le.market_slug
        FROM copy_attempts ca
        JOIN leader_events le ON ca.leader_event_id = le.id
        WHERE ca.user_id = 'USER_ID'
        ORDER BY ca.created_at DESC
        LIMIT 20;
        """

    public static let all = [pauseAll, resumeAll, recentAuditLogs, usersCopyAttempts]

    /// `usersCopyAttempts` with `id` pasted in place of `USER_ID`, as an operator would.
    public static func usersCopyAttempts(pasting id: String) -> String {
        self.usersCopyAttempts.replacingOccurrences(of: "'USER_ID'", with: "'\(id)'")
    }

    /// The runbook beside the repository (developer machines and CI), if it is there.
    public static let runbookURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/seed/production-runbook.md")
}

/// A small world for the runbook, built through the ports: leader 1 traded by Alice (one
/// ENABLED follower) and Bob; leader 2 followed by Alice in every status.
public struct RunbookWorld: Sendable {
    public let leader: Leader
    public let alice: User
    public let bob: User
    /// Alice's profiles of leader 2, named by their seeded status, plus the two followers of leader 1.
    public let profileIDs: [String: ProfileID]

    public static func seed(in store: some Store) async throws -> RunbookWorld {
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

    public func statuses(in store: some Store) async throws -> [String: ProfileStatus] {
        var statuses: [String: ProfileStatus] = [:]
        for (name, id) in self.profileIDs {
            statuses[name] = try #require(try await store.profile(id: id)).status
        }
        return statuses
    }

    /// `count` fills of leader 1, one second apart: even ones BUY, odd ones SELL, `1.5 × n` shares
    /// at `0.5 + n/100`, on `market-<n>`.
    public func recordEvents(_ count: Int, in store: some Store) async throws -> [LeaderEvent] {
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
