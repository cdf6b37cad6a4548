import Foundation
import Kernel
import KernelTesting
import Logging
@testable import SQLiteAdapter
import Testing

/// A folder of its own under the system temp folder, removed when `body` returns or throws.
func withTemporaryFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("mirror-sqlite-tests-\(UUID().uuidString.lowercased())", isDirectory: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await body(folder)
}

/// A freshly migrated store in a new file (in a folder that does not exist yet, so opening must
/// create it), always closed and deleted afterwards.
func withTemporaryStore<T>(_ body: (SQLiteStore) async throws -> T) async throws -> T {
    try await withTemporaryFolder { folder in
        let store = try SQLiteStore.open(path: folder.appendingPathComponent("data/mirror.sqlite").path, logger: .test)
        do {
            try store.migrate()
            let result = try await body(store)
            try store.close()
            return result
        } catch {
            try? store.close()
            throw error
        }
    }
}

extension Logger {
    /// Logs nowhere: tests assert on values, not log lines.
    static let test = Logger(label: "mirror.sqlite.tests", factory: { _ in SwiftLogNoOpLogHandler() })
}

/// Parent rows through the ports, for the adapter's own tests (the contracts' seeding is internal
/// to KernelTesting).
enum Given {
    static func leader(_ n: Int, in store: SQLiteStore) async throws -> Leader {
        let leader = Leader.fixture(n)
        try await store.insertLeader(leader)
        return leader
    }

    static func user(_ n: Int, in store: SQLiteStore) async throws -> User {
        let user = User.fixture(n)
        try await store.insertUser(user)
        return user
    }

    static func wallet(_ n: Int, of user: User, in store: SQLiteStore) async throws -> TradingWallet {
        let wallet = TradingWallet.fixture(n, userID: user.id)
        try await store.insertWallet(wallet)
        return wallet
    }

    /// User `n`, wallet `n` and an ENABLED profile `n` following `leader`.
    static func follower(_ n: Int, of leader: Leader, createdAt: Timestamp = .fixture,
                         in store: SQLiteStore) async throws -> CopyProfile {
        let user = try await Self.user(n, in: store)
        let wallet = try await Self.wallet(n, of: user, in: store)
        let profile = CopyProfile.fixture(n, userID: user.id, leaderID: leader.id, walletID: wallet.id, createdAt: createdAt)
        try await store.insertProfile(profile)
        return profile
    }

    /// Records `event`, which must be new; returns its attempts.
    static func record(_ event: LeaderEvent, in store: SQLiteStore, ids: SequentialIDs) async throws -> [CopyAttempt] {
        guard case .recorded(_, let attempts) = try await store.recordLeaderEvent(event, newAttemptID: ids.attemptIDs)
        else { throw StoreError.duplicate(entity: "leader_events", key: event.identity) }
        return attempts
    }

    /// Leader 1, one follower and one recorded BUY: the follower's PENDING attempt.
    static func attempt(in store: SQLiteStore) async throws -> (attempt: CopyAttempt, event: LeaderEvent) {
        let leader = try await Self.leader(1, in: store)
        _ = try await Self.follower(1, of: leader, in: store)
        let event = LeaderEvent.fixture(1, leader: leader)
        let attempt = try #require(try await Self.record(event, in: store, ids: SequentialIDs(prefix: "attempt")).first)
        return (attempt, event)
    }
}
