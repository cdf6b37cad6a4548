public import Kernel
import Logging
import PostgresNIO
import StoreSupport

extension PostgresStore: EventCapStore {
    public func setMaxEventExposure(userID: UserID, _ cap: Collateral?, audit: AuditEntry?) async throws {
        let updated = try await self.transaction { db in
            guard try await db.execute(
                "UPDATE users SET max_event_exposure_units = \(cap?.baseUnits) WHERE id = \(userID.rawValue) RETURNING 1",
                logger: self.logger) > 0
            else { return false }
            try await Self.insertAudit(audit, db, logger: self.logger)
            return true
        }
        guard updated else { throw StoreError.notFound(entity: "users", key: userID.rawValue) }
    }

    public func accountEventExposure(userIDs: Set<UserID>) async throws -> [UserID: AccountEventExposure] {
        guard !userIDs.isEmpty else { return [:] }
        return try await self.read { db in
            var binds = PostgresBindings()
            binds.append(userIDs.map(\.rawValue).sorted())
            let caps = try await db.fetch(PostgresQuery(unsafeSQL: EventCapSQL.caps(users: "= ANY($1)"), binds: binds),
                                          table: "users", logger: self.logger) { row in
                (try row.id("id") as UserID, try row.units(Collateral.self, "max_event_exposure_units"))
            }
            guard !caps.isEmpty else { return [:] }
            let committed = try await Self.committedByLiveFollows(of: caps.map(\.0), db, logger: self.logger)
            return Dictionary(caps.map { ($0.0, AccountEventExposure(cap: $0.1, committed: committed[$0.0] ?? [:])) },
                              uniquingKeysWith: { first, _ in first })
        }
    }

    /// What the users' live follows have committed, per user and token (``EventCommitment``).
    static func committedByLiveFollows(of users: [UserID], _ db: some QueryRunner, logger: Logger) async throws
        -> [UserID: [TokenID: Collateral]]
    {
        var binds = PostgresBindings()
        binds.append(users.map(\.rawValue).sorted())
        return EventCapSQL.summed(try await db.fetch(
            PostgresQuery(unsafeSQL: EventCapSQL.committed(users: "= ANY($1)"), binds: binds), table: "positions",
            logger: logger, EventCapSQL.commitment))
    }

    /// The account-wide event caps of one ``commitAttemptSteps(_:)``. The lock is the user's row,
    /// not the wallet's: `trading_wallets.user_id` is not unique, so two follows of one user may
    /// spend from two wallets, and only the user's row is shared by every step that adds to the
    /// user's exposure. Taken after the attempt, order and wallet locks (each by id), so every
    /// commit takes its locks in the same order. What is read after it sees every commit that
    /// held it before.
    static func lockAccountCaps(_ steps: [AttemptStep], _ db: some QueryRunner, logger: Logger) async throws
        -> AccountCaps
    {
        let checks = steps.compactMap(\.eventCap)
        guard !checks.isEmpty else { return AccountCaps() }
        let users = Set(checks.map(\.userID)).sorted { $0.rawValue < $1.rawValue }
        let userIDs = users.map(\.rawValue)
        try await db.execute("SELECT 1 FROM users WHERE id = ANY(\(userIDs)) ORDER BY id FOR UPDATE", logger: logger)
        var caps = AccountCaps()
        caps.committed = try await Self.committedByLiveFollows(of: users, db, logger: logger)
        let events = Set(checks.map(\.eventID)).sorted()
        for (event, token) in try await db.fetch(
            "SELECT event_id, token_id FROM token_events WHERE event_id = ANY(\(events))", table: "token_events",
            logger: logger, { (try $0.text("event_id"), try $0.tokenID("token_id")) }) {
            caps.recorded[event, default: []].insert(token)
        }
        return caps
    }

    /// Records the events of the tokens the applied steps under an account-wide cap buy, in one statement.
    static func recordEventTokens(_ applied: [AttemptStep], _ db: some QueryRunner, logger: Logger) async throws {
        var events: [TokenID: String] = [:]
        for step in applied {
            guard let check = step.eventCap else { continue }
            for token in step.eventBuys.keys { events[token] = check.eventID }
        }
        guard !events.isEmpty else { return }
        let tokens = events.keys.sorted()
        try await db.execute(
            """
            INSERT INTO token_events (token_id, event_id)
            SELECT * FROM unnest(\(tokens.map(\.decimal))::text[], \(tokens.compactMap { events[$0] })::text[])
            ON CONFLICT (token_id) DO UPDATE SET event_id = excluded.event_id
            """, logger: logger)
    }

    /// The users' committed per token and the tokens recorded per event, as read under the
    /// users' locks, moved on by the batch's applied steps (whose writes go in at the end).
    struct AccountCaps {
        var committed: [UserID: [TokenID: Collateral]] = [:]
        var recorded: [String: Set<TokenID>] = [:]

        func fits(_ step: AttemptStep) -> Bool {
            guard let check = step.eventCap else { return true }
            return check.fits(step, committed: self.committed[check.userID] ?? [:],
                              recorded: self.recorded[check.eventID] ?? [])
        }

        mutating func applied(_ step: AttemptStep) {
            guard let check = step.eventCap else { return }
            for (token, share) in step.eventBuys {
                self.committed[check.userID, default: [:]][token, default: .zero] += share
                self.recorded[check.eventID, default: []].insert(token)
            }
        }
    }
}
