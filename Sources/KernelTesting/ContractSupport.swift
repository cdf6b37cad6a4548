import Kernel
import Testing

/// Parent rows the contracts insert through the ports first, so adapters with foreign keys pass.
enum Seed {
    static func user(_ n: Int, in store: some Store, createdAt: Timestamp = .fixture) async throws -> User {
        let user = User.fixture(n, createdAt: createdAt)
        try await store.insertUser(user)
        return user
    }

    static func wallet(_ n: Int, of user: User, in store: some Store) async throws -> TradingWallet {
        let wallet = TradingWallet.fixture(n, userID: user.id)
        try await store.insertWallet(wallet)
        return wallet
    }

    static func leader(_ n: Int, in store: some Store, createdAt: Timestamp = .fixture) async throws -> Leader {
        let leader = Leader.fixture(n, createdAt: createdAt)
        try await store.insertLeader(leader)
        return leader
    }

    /// A new user `n` with wallet `n` and profile `n` following `leader`.
    static func follower(
        _ n: Int, of leader: Leader, status: ProfileStatus = .enabled, limits: CopyLimits = CopyLimits(),
        createdAt: Timestamp = .fixture, in store: some Store
    ) async throws -> CopyProfile {
        let user = try await Self.user(n, in: store)
        let wallet = try await Self.wallet(n, of: user, in: store)
        let profile = CopyProfile.fixture(
            n, userID: user.id, leaderID: leader.id, walletID: wallet.id, status: status, limits: limits,
            createdAt: createdAt)
        try await store.insertProfile(profile)
        return profile
    }

    /// One leader, one enabled follower and one recorded BUY event: the follower's PENDING attempt.
    static func attempt(in store: some Store, ids: SequentialIDs = SequentialIDs(prefix: "attempt"))
        async throws -> (attempt: CopyAttempt, profile: CopyProfile, event: LeaderEvent)
    {
        let leader = try await Self.leader(1, in: store)
        let profile = try await Self.follower(1, of: leader, in: store)
        let event = LeaderEvent.fixture(1, leader: leader)
        let attempts = try await Self.record(event, in: store, ids: ids)
        let attempt = try #require(attempts.first)
        return (attempt, profile, event)
    }

    /// Records `event`, requiring it to be new; returns its attempts.
    static func record(_ event: LeaderEvent, in store: some Store, ids: SequentialIDs) async throws -> [CopyAttempt] {
        let outcome = try await store.recordLeaderEvent(event, newAttemptID: ids.attemptIDs)
        guard case .recorded(_, let attempts) = outcome else {
            Issue.record("expected \(event.identity) to be recorded, got \(outcome)")
            return []
        }
        return attempts
    }
}

/// Expects `body` to throw ``StoreError/duplicate(entity:key:)`` (any entity and key: adapters
/// name their own tables).
func expectDuplicate(
    _ what: Comment, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async {
    let error = await #expect(throws: StoreError.self, what, sourceLocation: sourceLocation) { try await body() }
    if let error, case .duplicate = error {} else if let error {
        Issue.record("expected StoreError.duplicate, got \(error): \(what)", sourceLocation: sourceLocation)
    }
}

/// Expects `body` to throw ``StoreError/notFound(entity:key:)``.
func expectNotFound(
    _ what: Comment, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async {
    let error = await #expect(throws: StoreError.self, what, sourceLocation: sourceLocation) { try await body() }
    if let error, case .notFound = error {} else if let error {
        Issue.record("expected StoreError.notFound, got \(error): \(what)", sourceLocation: sourceLocation)
    }
}

/// Runs `count` racers at once; returns the indices of those that reported success.
func race(_ count: Int = 16, _ racer: @escaping @Sendable (Int) async throws -> Bool) async throws -> [Int] {
    try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
        for index in 0..<count {
            group.addTask { (index, try await racer(index)) }
        }
        var winners: [Int] = []
        for try await (index, won) in group where won { winners.append(index) }
        return winners.sorted()
    }
}
