import GRDB
public import Kernel
import StoreSupport

extension SQLiteStore: CopyEventStore {
    /// One write transaction: the event insert (a taken identity inserts nothing and returns
    /// `.duplicate`), then one PENDING attempt per active follower as read inside the same
    /// transaction — so a follower added concurrently is either fanned out to or not, never half.
    public func recordLeaderEvent(_ event: LeaderEvent, newAttemptID: @Sendable () -> AttemptID,
                                  claim: AttemptClaim?) async throws
        -> RecordOutcome
    {
        try await self.write { db in
            let fill = event.fill
            let before = try Self.leaderPosition(db, leaderID: event.leaderID, tokenID: fill.tokenID)
            var event = event
            event.leaderPositionBefore = before
            try db.insert(
                into: "leader_events",
                sql: """
                    INSERT INTO leader_events (
                        id, leader_id, identity, leader_address, transaction_hash, token_id, condition_id, market_slug,
                        outcome, side, size, price, occurred_at, source, detected_at, created_at,
                        leader_position_before_units)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (identity) DO NOTHING
                    """,
                arguments: [
                    event.id.rawValue, event.leaderID.rawValue, event.identity, fill.leaderAddress.lowercased,
                    fill.transactionHash, fill.tokenID.decimal, fill.conditionID, fill.marketSlug, fill.outcome,
                    fill.side.rawValue, fill.size.description, fill.price.description, fill.occurredAt.sql,
                    fill.source.rawValue, event.detectedAt.sql, event.createdAt.sql, before.baseUnits,
                ],
                keys: ["id": event.id.rawValue, "identity": event.identity])
            guard db.changesCount == 1 else { return RecordOutcome.duplicate }
            let seededAt = try db.fetchOne(
                "SELECT positions_seeded_at FROM leaders WHERE id = ?", [event.leaderID.rawValue], table: "leaders"
            ) { row in try row.optionalTimestamp("positions_seeded_at") } ?? nil
            try Self.setLeaderPosition(
                db, leaderID: event.leaderID, tokenID: fill.tokenID,
                shares: LeaderEvent.leaderPosition(after: fill, from: before, seededAt: seededAt), at: event.createdAt)

            var attempts: [CopyAttempt] = []
            for profile in try Self.activeProfiles(db, followingLeader: event.leaderID) {
                let attempt = CopyAttempt.fannedOut(from: event, to: profile, id: newAttemptID()).claimed(by: claim)
                try Self.insertAttempt(attempt, db)
                attempts.append(attempt)
            }
            return RecordOutcome.recorded(event, attempts: attempts)
        }
    }

    static func leaderPosition(_ db: Database, leaderID: LeaderID, tokenID: TokenID) throws -> Shares {
        try db.fetchOne(
            "SELECT shares_units FROM leader_positions WHERE leader_id = ? AND token_id = ?",
            [leaderID.rawValue, tokenID.decimal], table: "leader_positions") { row in
                try row.units(Shares.self, "shares_units")
            } ?? .zero
    }

    static func setLeaderPosition(_ db: Database, leaderID: LeaderID, tokenID: TokenID, shares: Shares,
                                  at time: Timestamp) throws {
        try db.execute(
            sql: """
                INSERT INTO leader_positions (leader_id, token_id, shares_units, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (leader_id, token_id) DO UPDATE
                SET shares_units = excluded.shares_units, updated_at = excluded.updated_at
                """,
            arguments: [leaderID.rawValue, tokenID.decimal, shares.baseUnits, time.sql])
    }

    static func insertAttempt(_ attempt: CopyAttempt, _ db: Database) throws {
        try db.insert(
            into: "copy_attempts",
            sql: """
                INSERT INTO copy_attempts (
                    id, profile_id, user_id, leader_event_id, kind, token_id, condition_id, fanout_place,
                    target_shares_units, status, skip_reason,
                    note, due_at, lease_owner, lease_expires_at, fencing_token, detected_at, sent_at, accepted_at,
                    filled_shares_units, fill_price_units, leader_price_units, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                attempt.id.rawValue, attempt.profileID.rawValue, attempt.userID.rawValue, attempt.leaderEventID?.rawValue,
                attempt.kind.rawValue, attempt.tokenID.decimal, attempt.conditionID, attempt.fanoutPlace,
                attempt.targetShares?.baseUnits, attempt.status.rawValue, attempt.skipReason?.rawValue, attempt.note,
                attempt.dueAt.sql, attempt.leaseOwner, attempt.leaseExpiresAt.sql, attempt.fencingToken,
                attempt.detectedAt.sql, attempt.sentAt.sql, attempt.acceptedAt.sql, attempt.filledShares.baseUnits,
                attempt.fillPrice?.baseUnits, attempt.leaderPrice?.baseUnits, attempt.createdAt.sql,
                attempt.updatedAt.sql,
            ],
            keys: [
                "id": attempt.id.rawValue,
                "profile_id": attempt.profileID.rawValue,
                "leader_event_id": attempt.leaderEventID?.rawValue ?? "",
            ])
    }

    public func leaderEvent(id: LeaderEventID) async throws -> LeaderEvent? {
        try await self.read { db in
            try db.fetchOne("SELECT * FROM leader_events WHERE id = ?", [id.rawValue], table: "leader_events",
                            LeaderEvent.init(row:))
        }
    }

    public func leaderEvent(identity: String) async throws -> LeaderEvent? {
        try await self.read { db in
            try db.fetchOne("SELECT * FROM leader_events WHERE identity = ?", [identity], table: "leader_events",
                            LeaderEvent.init(row:))
        }
    }

    public func leaderEvents(ids: Set<LeaderEventID>) async throws -> [LeaderEventID: LeaderEvent] {
        guard !ids.isEmpty else { return [:] }
        let values = ids.map(\.rawValue)
        let events = try await self.read { db in
            try db.fetch("SELECT * FROM leader_events WHERE id IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))",
                         StatementArguments(values), table: "leader_events", LeaderEvent.init(row:))
        }
        return Dictionary(events.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func leaderEvents(leaderID: LeaderID, limit: Int) async throws -> [LeaderEvent] {
        try await self.read { db in
            try db.fetch(
                "SELECT * FROM leader_events WHERE leader_id = ? ORDER BY occurred_at DESC, id DESC LIMIT ?",
                [leaderID.rawValue, max(limit, 0)], table: "leader_events", LeaderEvent.init(row:))
        }
    }

    public func attempt(id: AttemptID) async throws -> CopyAttempt? {
        try await self.read { db in
            try db.fetchOne("SELECT * FROM copy_attempts WHERE id = ?", [id.rawValue], table: "copy_attempts",
                            CopyAttempt.init(row:))
        }
    }

    public func attempts(userID: UserID, limit: Int) async throws -> [CopyAttempt] {
        try await self.read { db in
            try db.fetch(
                "SELECT * FROM copy_attempts WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
                [userID.rawValue, max(limit, 0)], table: "copy_attempts", CopyAttempt.init(row:))
        }
    }

    /// A `NULL` filter matches everything, so one statement serves every combination.
    public func attempts(userID: UserID, matching query: AttemptQuery, limit: Int) async throws -> [CopyAttempt] {
        let cursorTime = query.after?.createdAt.sql
        let cursorID = query.after?.id.rawValue
        return try await self.read { db in
            try db.fetch(
                """
                SELECT * FROM copy_attempts
                WHERE user_id = ? AND (? IS NULL OR profile_id = ?) AND (? IS NULL OR status = ?)
                  AND (? IS NULL OR kind = ?)
                  AND (? IS NULL OR created_at < ? OR (created_at = ? AND id < ?))
                ORDER BY created_at DESC, id DESC LIMIT ?
                """,
                [
                    userID.rawValue, query.profileID?.rawValue, query.profileID?.rawValue, query.status?.rawValue,
                    query.status?.rawValue, query.kind?.rawValue, query.kind?.rawValue, cursorTime, cursorTime,
                    cursorTime, cursorID, max(limit, 0),
                ], table: "copy_attempts", CopyAttempt.init(row:))
        }
    }

    public func attempts(leaderEventID: LeaderEventID) async throws -> [CopyAttempt] {
        try await self.read { db in
            try db.fetch(
                "SELECT * FROM copy_attempts WHERE leader_event_id = ? ORDER BY created_at, id",
                [leaderEventID.rawValue], table: "copy_attempts", CopyAttempt.init(row:))
        }
    }

    /// One write transaction (SQLite's single writer is the mutual exclusion, across processes too):
    /// picks the due, unleased, non-terminal attempts, then leases each and bumps its fencing token.
    public func claimAttempts(owner: String, now: Timestamp, leaseDuration: Duration, limit: Int) async throws
        -> [CopyAttempt]
    {
        guard limit > 0 else { return [] }
        let claimable = """
            status IN ('PENDING', 'DEFERRED', 'PLACING') AND due_at <= ?1
            AND (lease_expires_at IS NULL OR lease_expires_at <= ?1)
            """
        return try await self.write { db in
            let ids = try db.fetch(
                "SELECT id FROM copy_attempts WHERE \(claimable) ORDER BY due_at, id LIMIT ?2",
                [now.sql, limit], table: "copy_attempts") { row in try row.text("id") }
            var claimed: [CopyAttempt] = []
            for id in ids {
                try db.execute(
                    sql: """
                        UPDATE copy_attempts
                        SET lease_owner = ?, lease_expires_at = ?, fencing_token = fencing_token + 1
                        WHERE id = ?
                        """,
                    arguments: [owner, (now + leaseDuration).sql, id])
                if let attempt = try db.fetchOne(
                    "SELECT * FROM copy_attempts WHERE id = ?", [id], table: "copy_attempts", CopyAttempt.init(row:))
                {
                    claimed.append(attempt)
                }
            }
            return claimed
        }
    }

    public func updateAttempt(_ attempt: CopyAttempt, from expected: CopyAttempt.Status) async throws -> Bool {
        try await self.write { db in try Self.updateAttempt(attempt, from: expected, db) }
    }

    /// One IMMEDIATE transaction for the whole batch — SQLite's one writer is also every wallet's
    /// lock, so each step's funds check and its orders commit together: each step's funds and
    /// its orders' statuses, then its attempt compare-and-set, then its orders and bookings.
    public func commitAttemptSteps(_ steps: [AttemptStep]) async throws -> [StepOutcome] {
        guard !steps.isEmpty else { return [] }
        return try await self.write { db in
            // Each wallet's funds read once, then kept here as the batch's steps reserve them.
            var funds: [WalletID: WalletFunds] = [:]
            var outcomes: [StepOutcome] = []
            for step in steps {
                if let needed = step.fundsNeeded {
                    let available = try funds[needed.walletID] ?? db.walletFunds(needed.walletID)
                    funds[needed.walletID] = available
                    guard available.covers(needed.amount) else {
                        outcomes.append(.insufficientFunds)
                        continue
                    }
                }
                guard try Self.eventCapFits(step, db) else {
                    outcomes.append(.eventCapReached)
                    continue
                }
                // Nothing else writes inside this transaction: the order statuses checked first
                // are still those when the step writes, so a refused step writes nothing.
                let ordersAsExpected = try step.orderUpdates.allSatisfy { update in
                    try db.fetchOne("SELECT status FROM orders WHERE id = ?", [update.order.id.rawValue], table: "orders") {
                        try $0.text("status")
                    } == update.from.rawValue
                }
                guard ordersAsExpected, try Self.updateAttempt(step.attempt, from: step.expected, db) else {
                    outcomes.append(.claimLost)
                    continue
                }
                for order in step.newOrders { try Self.insertOrder(order, db) }
                for update in step.orderUpdates { _ = try Self.updateOrder(update.order, from: update.from, db) }
                for booking in step.bookings { try Self.book(booking, db) }
                try Self.recordEventTokens(step, db)
                if let needed = step.fundsNeeded {
                    funds[needed.walletID]?.openBuys += step.newOrders.filter { $0.side == .buy && !$0.paper }.map(OpenBuy.init)
                }
                outcomes.append(.applied)
            }
            return outcomes
        }
    }

    static func updateAttempt(_ attempt: CopyAttempt, from expected: CopyAttempt.Status, _ db: Database) throws -> Bool {
        try db.update(
            sql: """
                UPDATE copy_attempts
                SET status = ?, skip_reason = ?, note = ?, due_at = ?, lease_owner = ?, lease_expires_at = ?,
                    sent_at = ?, accepted_at = ?, filled_shares_units = ?, fill_price_units = ?,
                    target_shares_units = ?, fanout_place = ?, updated_at = ?,
                    ideal_shares_units = ?, decision_price_units = ?
                WHERE id = ? AND status = ? AND fencing_token = ?
                """,
            arguments: [
                attempt.status.rawValue, attempt.skipReason?.rawValue, attempt.note, attempt.dueAt.sql,
                attempt.leaseOwner, attempt.leaseExpiresAt.sql, attempt.sentAt.sql, attempt.acceptedAt.sql,
                attempt.filledShares.baseUnits, attempt.fillPrice?.baseUnits, attempt.targetShares?.baseUnits,
                attempt.fanoutPlace, attempt.updatedAt.sql,
                attempt.idealShares?.baseUnits, attempt.decisionPrice?.baseUnits,
                attempt.id.rawValue, expected.rawValue, attempt.fencingToken,
            ])
    }
}
