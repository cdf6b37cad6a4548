import GRDB
public import Kernel
import StoreSupport

extension SQLiteStore: EventCapStore {
    public func setMaxEventExposure(userID: UserID, _ cap: Collateral?, audit: AuditEntry?) async throws {
        let updated = try await self.write { db in
            guard try db.update(sql: "UPDATE users SET max_event_exposure_units = ? WHERE id = ?",
                                arguments: [cap?.baseUnits, userID.rawValue])
            else { return false }
            try Self.insertAudit(audit, db)
            return true
        }
        guard updated else { throw StoreError.notFound(entity: "users", key: userID.rawValue) }
    }

    public func accountEventExposure(userIDs: Set<UserID>) async throws -> [UserID: AccountEventExposure] {
        guard !userIDs.isEmpty else { return [:] }
        return try await self.read { db in
            let ids = userIDs.map(\.rawValue).sorted()
            let caps = try db.fetch(EventCapSQL.caps(users: Self.placeholders(ids.count)), StatementArguments(ids),
                                    table: "users") { row in
                (try row.id("id") as UserID, try row.units(Collateral.self, "max_event_exposure_units"))
            }
            guard !caps.isEmpty else { return [:] }
            let committed = try Self.committedByLiveFollows(of: caps.map(\.0), db)
            return Dictionary(caps.map { ($0.0, AccountEventExposure(cap: $0.1, committed: committed[$0.0] ?? [:])) },
                              uniquingKeysWith: { first, _ in first })
        }
    }

    /// What the users' live follows have committed, per user and token (``EventCommitment``).
    static func committedByLiveFollows(of users: [UserID], _ db: Database) throws -> [UserID: [TokenID: Collateral]] {
        let ids = users.map(\.rawValue)
        let condition = Self.placeholders(ids.count)
        return EventCapSQL.summed(try db.fetch(EventCapSQL.committed(users: condition), StatementArguments(ids + ids),
                                               table: "positions", EventCapSQL.commitment))
    }

    /// The account-wide event cap of ``commitAttemptSteps(_:)``, inside its write transaction
    /// (SQLite's one writer is the lock; the batch's earlier steps are already written).
    static func eventCapFits(_ step: AttemptStep, _ db: Database) throws -> Bool {
        guard let check = step.eventCap else { return true }
        let recorded = try db.fetch(EventCapSQL.recorded(event: "?"), [check.eventID], table: "token_events") {
            try $0.tokenID("token_id")
        }
        let committed = try Self.committedByLiveFollows(of: [check.userID], db)[check.userID] ?? [:]
        return check.fits(step, committed: committed, recorded: Set(recorded))
    }

    /// Records the event of the tokens a step under an account-wide event cap buys.
    static func recordEventTokens(_ step: AttemptStep, _ db: Database) throws {
        guard let check = step.eventCap else { return }
        for token in step.eventBuys.keys.sorted() {
            try db.execute(sql: EventCapSQL.record(token: "?", event: "?"), arguments: [token.decimal, check.eventID])
        }
    }

    /// `IN (?, ?, …)` for `count` parameters.
    static func placeholders(_ count: Int) -> String {
        "IN (" + Array(repeating: "?", count: count).joined(separator: ", ") + ")"
    }
}
