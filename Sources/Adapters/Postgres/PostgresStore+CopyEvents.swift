public import Kernel
import Logging
import PostgresNIO
import StoreSupport

extension PostgresStore: CopyEventStore {
    /// `leader_events` columns with the NUMERIC size and price as their decimal text.
    static let leaderEventColumns = """
        id, leader_id, identity, leader_address, transaction_hash, token_id, condition_id, market_slug, outcome, side,
        size::text AS size, price::text AS price, leader_position_before_units, occurred_at, source, detected_at,
        created_at
        """

    /// One transaction: the event insert (a taken identity inserts nothing and returns
    /// `.duplicate`), the leader's tracked position moved under its row lock (so concurrent fills
    /// of one leader and token apply one after the other; a fill the seeding snapshot already
    /// counts moves nothing), then one PENDING attempt per active follower as read inside the
    /// same transaction.
    public func recordLeaderEvent(_ event: LeaderEvent, newAttemptID: @Sendable () -> AttemptID,
                                  claim: AttemptClaim?) async throws
        -> RecordOutcome
    {
        try await self.transaction { connection in
            let fill = event.fill
            // The insert (a taken identity inserts nothing) and, in the same round trip, the
            // leader's row FOR SHARE: that waits for a concurrent seeding of this leader (which
            // updates the row) and holds it off until this fill is counted.
            let recorded = try await connection.fetchOne(
                """
                WITH inserted AS (
                    INSERT INTO leader_events (
                        id, leader_id, identity, leader_address, transaction_hash, token_id, condition_id, market_slug,
                        outcome, side, size, price, occurred_at, source, detected_at, created_at)
                    VALUES (
                        \(event.id.rawValue), \(event.leaderID.rawValue), \(event.identity), \(fill.leaderAddress.lowercased),
                        \(fill.transactionHash), \(fill.tokenID.decimal), \(fill.conditionID), \(fill.marketSlug),
                        \(fill.outcome), \(fill.side.rawValue), \(fill.size.description)::numeric,
                        \(fill.price.description)::numeric, \(fill.occurredAt.pg), \(fill.source.rawValue),
                        \(event.detectedAt.pg), \(event.createdAt.pg))
                    ON CONFLICT (identity) DO NOTHING
                    RETURNING 1
                )
                SELECT EXISTS (SELECT 1 FROM inserted) AS inserted, positions_seeded_at
                FROM leaders WHERE id = \(event.leaderID.rawValue) FOR SHARE
                """, table: "leader_events", logger: self.logger
            ) { row in (try row.bool("inserted"), try row.optionalTimestamp("positions_seeded_at")) }
            guard let recorded, recorded.0 else {
                guard recorded == nil else { return RecordOutcome.duplicate }
                throw StoreError.notFound(entity: "leaders", key: event.leaderID.rawValue)
            }
            let seededAt = recorded.1
            // Creates the row at zero or locks the existing one, returning what it holds: concurrent
            // fills of one leader and token move it one after the other.
            let held = try await connection.fetchOne(
                """
                INSERT INTO leader_positions (leader_id, token_id, shares_units, updated_at)
                VALUES (\(event.leaderID.rawValue), \(fill.tokenID.decimal), 0, \(event.createdAt.pg))
                ON CONFLICT (leader_id, token_id) DO UPDATE SET shares_units = leader_positions.shares_units
                RETURNING shares_units
                """, table: "leader_positions", logger: self.logger
            ) { row in try row.units(Shares.self, "shares_units") }
            let before = held ?? .zero
            let after = LeaderEvent.leaderPosition(after: fill, from: before, seededAt: seededAt)
            // The position moved, the event told what it was before, and the followers read —
            // one round trip.
            let profiles = try await connection.fetch(
                """
                WITH moved AS (
                    UPDATE leader_positions SET shares_units = \(after.baseUnits), updated_at = \(event.createdAt.pg)
                    WHERE leader_id = \(event.leaderID.rawValue) AND token_id = \(fill.tokenID.decimal)
                ), told AS (
                    UPDATE leader_events SET leader_position_before_units = \(before.baseUnits)
                    WHERE id = \(event.id.rawValue)
                )
                SELECT * FROM copy_profiles WHERE leader_id = \(event.leaderID.rawValue) AND status <> 'STOPPED'
                ORDER BY created_at, id
                """, table: "copy_profiles", logger: self.logger, CopyProfile.init(row:))
            var stored = event
            stored.leaderPositionBefore = before

            let attempts = profiles.map { CopyAttempt.fannedOut(from: stored, to: $0, id: newAttemptID()).claimed(by: claim) }
            // The whole fan-out in a few multi-row statements, not one round trip per follower.
            try await Self.insertAttempts(attempts, connection, logger: self.logger)
            return RecordOutcome.recorded(stored, attempts: attempts)
        }
    }

    /// Shared by the fan-out and by stopping a profile (its close-outs).
    static func insertAttempt(_ attempt: CopyAttempt, _ db: some QueryRunner, logger: Logger) async throws {
        try await db.execute(
            """
            INSERT INTO copy_attempts (
                id, profile_id, user_id, leader_event_id, kind, token_id, condition_id, fanout_place,
                target_shares_units, status, skip_reason,
                note, due_at, lease_owner, lease_expires_at, fencing_token, detected_at, sent_at, accepted_at,
                filled_shares_units, fill_price_units, leader_price_units, created_at, updated_at)
            VALUES (
                \(attempt.id.rawValue), \(attempt.profileID.rawValue), \(attempt.userID.rawValue),
                \(attempt.leaderEventID?.rawValue), \(attempt.kind.rawValue), \(attempt.tokenID.decimal),
                \(attempt.conditionID), \(attempt.fanoutPlace),
                \(attempt.targetShares?.baseUnits), \(attempt.status.rawValue), \(attempt.skipReason?.rawValue),
                \(attempt.note), \(attempt.dueAt.pg), \(attempt.leaseOwner), \(attempt.leaseExpiresAt.pg),
                \(attempt.fencingToken), \(attempt.detectedAt.pg), \(attempt.sentAt.pg), \(attempt.acceptedAt.pg),
                \(attempt.filledShares.baseUnits), \(attempt.fillPrice?.baseUnits), \(attempt.leaderPrice?.baseUnits),
                \(attempt.createdAt.pg), \(attempt.updatedAt.pg))
            """, logger: logger)
    }

    public func leaderEvent(id: LeaderEventID) async throws -> LeaderEvent? {
        try await self.read { db in
            try await db.fetchOne(
                "SELECT \(unescaped: Self.leaderEventColumns) FROM leader_events WHERE id = \(id.rawValue)",
                table: "leader_events", logger: self.logger, LeaderEvent.init(row:))
        }
    }

    public func leaderEvent(identity: String) async throws -> LeaderEvent? {
        try await self.read { db in
            try await db.fetchOne(
                "SELECT \(unescaped: Self.leaderEventColumns) FROM leader_events WHERE identity = \(identity)",
                table: "leader_events", logger: self.logger, LeaderEvent.init(row:))
        }
    }

    public func leaderEvents(ids: Set<LeaderEventID>) async throws -> [LeaderEventID: LeaderEvent] {
        guard !ids.isEmpty else { return [:] }
        let values = ids.map(\.rawValue)
        let events = try await self.read { db in
            try await db.fetch(
                "SELECT \(unescaped: Self.leaderEventColumns) FROM leader_events WHERE id = ANY(\(values))",
                table: "leader_events", logger: self.logger, LeaderEvent.init(row:))
        }
        return Dictionary(events.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func leaderEvents(leaderID: LeaderID, limit: Int) async throws -> [LeaderEvent] {
        try await self.read { db in
            try await db.fetch(
                """
                SELECT \(unescaped: Self.leaderEventColumns) FROM leader_events WHERE leader_id = \(leaderID.rawValue)
                ORDER BY occurred_at DESC, id DESC LIMIT \(max(limit, 0))
                """, table: "leader_events", logger: self.logger, LeaderEvent.init(row:))
        }
    }

    public func attempt(id: AttemptID) async throws -> CopyAttempt? {
        try await self.read { db in
            try await db.fetchOne("SELECT * FROM copy_attempts WHERE id = \(id.rawValue)", table: "copy_attempts",
                                  logger: self.logger, CopyAttempt.init(row:))
        }
    }

    public func attempts(userID: UserID, limit: Int) async throws -> [CopyAttempt] {
        try await self.read { db in
            try await db.fetch(
                """
                SELECT * FROM copy_attempts WHERE user_id = \(userID.rawValue)
                ORDER BY created_at DESC, id DESC LIMIT \(max(limit, 0))
                """, table: "copy_attempts", logger: self.logger, CopyAttempt.init(row:))
        }
    }

    /// A `NULL` filter matches everything, so one statement serves every combination.
    public func attempts(userID: UserID, matching query: AttemptQuery, limit: Int) async throws -> [CopyAttempt] {
        let profileID = query.profileID?.rawValue
        let status = query.status?.rawValue
        let kind = query.kind?.rawValue
        let cursorTime = query.after?.createdAt.pg
        let cursorID = query.after?.id.rawValue
        return try await self.read { db in
            try await db.fetch(
                """
                SELECT * FROM copy_attempts
                WHERE user_id = \(userID.rawValue)
                  AND (\(profileID)::text IS NULL OR profile_id = \(profileID))
                  AND (\(status)::text IS NULL OR status = \(status))
                  AND (\(kind)::text IS NULL OR kind = \(kind))
                  AND (\(cursorTime)::timestamptz IS NULL OR created_at < \(cursorTime)
                       OR (created_at = \(cursorTime) AND id < \(cursorID)))
                ORDER BY created_at DESC, id DESC LIMIT \(max(limit, 0))
                """, table: "copy_attempts", logger: self.logger, CopyAttempt.init(row:))
        }
    }

    public func attempts(leaderEventID: LeaderEventID) async throws -> [CopyAttempt] {
        try await self.read { db in
            try await db.fetch(
                "SELECT * FROM copy_attempts WHERE leader_event_id = \(leaderEventID.rawValue) ORDER BY created_at, id",
                table: "copy_attempts", logger: self.logger, CopyAttempt.init(row:))
        }
    }

    /// One statement: the due, unleased, non-terminal rows are locked with `FOR UPDATE SKIP
    /// LOCKED` — a row another claimer is taking is skipped, not waited for, and re-checked if it
    /// changed — then leased and their fencing tokens bumped. Two claimers never get one row.
    public func claimAttempts(owner: String, now: Timestamp, leaseDuration: Duration, limit: Int) async throws
        -> [CopyAttempt]
    {
        guard limit > 0 else { return [] }
        let claimed = try await self.read { db in
            try await db.fetch(
                """
                WITH due AS (
                    SELECT id FROM copy_attempts
                    WHERE status IN ('PENDING', 'DEFERRED', 'PLACING') AND due_at <= \(now.pg)
                      AND (lease_expires_at IS NULL OR lease_expires_at <= \(now.pg))
                    ORDER BY due_at, id
                    LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE copy_attempts AS attempt
                SET lease_owner = \(owner), lease_expires_at = \((now + leaseDuration).pg),
                    fencing_token = attempt.fencing_token + 1
                FROM due
                WHERE attempt.id = due.id
                RETURNING attempt.*
                """, table: "copy_attempts", logger: self.logger, CopyAttempt.init(row:))
        }
        // RETURNING has no order of its own.
        return claimed.sorted { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }
    }

    public func updateAttempt(_ attempt: CopyAttempt, from expected: CopyAttempt.Status) async throws -> Bool {
        try await self.read { db in try await Self.updateAttempt(attempt, from: expected, db, logger: self.logger) }
    }

    static func updateAttempt(_ attempt: CopyAttempt, from expected: CopyAttempt.Status, _ db: some QueryRunner,
                              logger: Logger) async throws -> Bool {
        try await db.execute(
            """
            UPDATE copy_attempts
            SET status = \(attempt.status.rawValue), skip_reason = \(attempt.skipReason?.rawValue),
                note = \(attempt.note), target_shares_units = \(attempt.targetShares?.baseUnits),
                due_at = \(attempt.dueAt.pg), lease_owner = \(attempt.leaseOwner),
                lease_expires_at = \(attempt.leaseExpiresAt.pg), sent_at = \(attempt.sentAt.pg),
                accepted_at = \(attempt.acceptedAt.pg), filled_shares_units = \(attempt.filledShares.baseUnits),
                fill_price_units = \(attempt.fillPrice?.baseUnits), fanout_place = \(attempt.fanoutPlace),
                ideal_shares_units = \(attempt.idealShares?.baseUnits),
                decision_price_units = \(attempt.decisionPrice?.baseUnits),
                updated_at = \(attempt.updatedAt.pg)
            WHERE id = \(attempt.id.rawValue) AND status = \(expected.rawValue)
              AND fencing_token = \(attempt.fencingToken)
            RETURNING 1
            """, logger: logger) > 0
    }
}
