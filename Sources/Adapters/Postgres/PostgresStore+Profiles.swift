public import Kernel
import Logging
import PostgresNIO
import StoreSupport

extension PostgresStore: ProfileStore {
    public func insertLeader(_ leader: Leader) async throws {
        try await self.read { db in
            try await db.execute(
                """
                INSERT INTO leaders (id, address, label, positions_seeded_at, created_at)
                VALUES (\(leader.id.rawValue), \(leader.address.lowercased), \(leader.label),
                        \(leader.positionsSeededAt.pg), \(leader.createdAt.pg))
                """, logger: self.logger)
        }
    }

    public func leader(id: LeaderID) async throws -> Leader? {
        try await self.read { db in
            try await db.fetchOne("SELECT * FROM leaders WHERE id = \(id.rawValue)", table: "leaders",
                                  logger: self.logger, Leader.init(row:))
        }
    }

    public func leader(address: WalletAddress) async throws -> Leader? {
        try await self.read { db in
            try await db.fetchOne("SELECT * FROM leaders WHERE address = \(address.lowercased)", table: "leaders",
                                  logger: self.logger, Leader.init(row:))
        }
    }

    public func leaders() async throws -> [Leader] {
        try await self.read { db in
            try await db.fetch("SELECT * FROM leaders ORDER BY created_at, id", table: "leaders", logger: self.logger,
                               Leader.init(row:))
        }
    }

    /// One transaction: the compare-and-set of `positions_seeded_at` from NULL (a concurrent seed
    /// waits on the row lock, then finds it set and returns `false`), then one upsert of every
    /// snapshot token.
    public func seedLeaderPositions(_ id: LeaderID, snapshot: [TokenID: Shares], at time: Timestamp) async throws
        -> Bool
    {
        try await self.transaction { connection in
            let marked = try await connection.execute(
                """
                UPDATE leaders SET positions_seeded_at = \(time.pg)
                WHERE id = \(id.rawValue) AND positions_seeded_at IS NULL
                RETURNING 1
                """, logger: self.logger)
            guard marked > 0 else {
                let exists = try await connection.execute(
                    "SELECT 1 FROM leaders WHERE id = \(id.rawValue)", logger: self.logger)
                guard exists > 0 else { throw StoreError.notFound(entity: "leaders", key: id.rawValue) }
                return false
            }
            guard !snapshot.isEmpty else { return true }
            let tokens = snapshot.keys.sorted()
            try await connection.execute(
                """
                INSERT INTO leader_positions (leader_id, token_id, shares_units, updated_at)
                SELECT \(id.rawValue), token.id, token.shares, \(time.pg)
                FROM unnest(\(tokens.map(\.decimal))::text[], \(tokens.map { snapshot[$0]?.baseUnits ?? 0 })::bigint[])
                    AS token (id, shares)
                ON CONFLICT (leader_id, token_id) DO UPDATE
                    SET shares_units = excluded.shares_units, updated_at = excluded.updated_at
                """, logger: self.logger)
            return true
        }
    }

    public func leaderPosition(leaderID: LeaderID, tokenID: TokenID) async throws -> Shares {
        try await self.read { db in
            try await db.fetchOne(
                """
                SELECT shares_units FROM leader_positions
                WHERE leader_id = \(leaderID.rawValue) AND token_id = \(tokenID.decimal)
                """, table: "leader_positions", logger: self.logger
            ) { row in try row.units(Shares.self, "shares_units") } ?? .zero
        }
    }

    public func insertProfile(_ profile: CopyProfile, audit: AuditEntry?) async throws {
        let limits = profile.limits
        try await self.transaction { db in
            try await db.execute(
                """
                INSERT INTO copy_profiles (
                    id, user_id, leader_id, wallet_id, status, mode, sizing_mode, sizing_units, max_fill_age_ms,
                    min_price_units, max_price_units, max_slippage_units, max_sell_slippage_units,
                    min_time_to_resolution_ms, min_leader_notional_units, max_per_trade_units, max_per_market_units,
                    total_budget_units, daily_spend_units, stop_behavior, created_at, updated_at)
                VALUES (
                    \(profile.id.rawValue), \(profile.userID.rawValue), \(profile.leaderID.rawValue),
                    \(profile.walletID.rawValue), \(profile.status.rawValue), \(profile.mode.rawValue),
                    \(profile.sizing.mode.rawValue), \(profile.sizing.baseUnits), \(limits.maxFillAge.wholeMilliseconds),
                    \(limits.minPrice.baseUnits), \(limits.maxPrice.baseUnits), \(limits.maxSlippage.baseUnits),
                    \(limits.maxSellSlippage.baseUnits), \(limits.minTimeToResolution.wholeMilliseconds),
                    \(limits.minLeaderNotional.baseUnits), \(limits.maxPerTrade?.baseUnits),
                    \(limits.maxPerMarket?.baseUnits), \(limits.totalBudget?.baseUnits), \(limits.dailySpend?.baseUnits),
                    \(profile.stopBehavior.rawValue), \(profile.createdAt.pg), \(profile.updatedAt.pg))
                """, logger: self.logger)
            try await Self.writeQualityColumns(profile, db, logger: self.logger)
            try await Self.insertAudit(audit, db, logger: self.logger)
        }
    }

    public func profile(id: ProfileID) async throws -> CopyProfile? {
        try await self.read { db in
            try await db.fetchOne("SELECT * FROM copy_profiles WHERE id = \(id.rawValue)", table: "copy_profiles",
                                  logger: self.logger, CopyProfile.init(row:))
        }
    }

    public func profiles(userID: UserID) async throws -> [CopyProfile] {
        try await self.read { db in
            try await db.fetch(
                "SELECT * FROM copy_profiles WHERE user_id = \(userID.rawValue) ORDER BY created_at, id",
                table: "copy_profiles", logger: self.logger, CopyProfile.init(row:))
        }
    }

    public func activeProfiles(followingLeader leaderID: LeaderID) async throws -> [CopyProfile] {
        try await self.read { db in try await Self.activeProfiles(db, followingLeader: leaderID, logger: self.logger) }
    }

    /// Shared with the fan-out, which must read the followers inside its own transaction.
    static func activeProfiles(_ db: some QueryRunner, followingLeader leaderID: LeaderID,
                               logger: Logger) async throws -> [CopyProfile] {
        try await db.fetch(
            """
            SELECT * FROM copy_profiles WHERE leader_id = \(leaderID.rawValue) AND status <> 'STOPPED'
            ORDER BY created_at, id
            """, table: "copy_profiles", logger: logger, CopyProfile.init(row:))
    }

    public func transitionProfile(_ id: ProfileID, from expected: ProfileStatus, to next: ProfileStatus,
                                  at time: Timestamp, audit: AuditEntry?) async throws -> Bool {
        try await self.transaction { db in
            guard try await db.execute(
                """
                UPDATE copy_profiles SET status = \(next.rawValue), updated_at = \(time.pg), paused_by_rule = NULL,
                    resumed_at = CASE WHEN \(next.rawValue) = 'ENABLED' THEN \(time.pg) ELSE resumed_at END
                WHERE id = \(id.rawValue) AND status = \(expected.rawValue)
                RETURNING 1
                """, logger: self.logger) > 0
            else { return false }
            try await Self.insertAudit(audit, db, logger: self.logger)
            try await Self.recordFollowChange(db, id: id, from: expected, to: next, audit: audit, at: time, logger: self.logger)
            return true
        }
    }

    public func transitionAllProfiles(from expected: ProfileStatus, to next: ProfileStatus, at time: Timestamp,
                                      audit: AuditEntry) async throws -> Int {
        try await self.transaction { db in
            try await Self.insertAudit(audit, db, logger: self.logger)
            let moved = try await db.fetch(
                """
                UPDATE copy_profiles SET status = \(next.rawValue), updated_at = \(time.pg)
                WHERE status = \(expected.rawValue)
                RETURNING id
                """, table: "copy_profiles", logger: self.logger) { row -> ProfileID in try row.id("id") }
            for id in moved.sorted(by: { $0.rawValue < $1.rawValue }) {
                try await Self.recordFollowChange(db, id: id, from: expected, to: next, audit: audit, at: time,
                                                  logger: self.logger)
            }
            return moved.count
        }
    }

    public func updateProfileSettings(_ profile: CopyProfile, audit: AuditEntry?) async throws {
        let limits = profile.limits
        let updated = try await self.transaction { db in
            guard try await db.execute(
                """
                UPDATE copy_profiles
                SET mode = \(profile.mode.rawValue), sizing_mode = \(profile.sizing.mode.rawValue),
                    sizing_units = \(profile.sizing.baseUnits), max_fill_age_ms = \(limits.maxFillAge.wholeMilliseconds),
                    min_price_units = \(limits.minPrice.baseUnits), max_price_units = \(limits.maxPrice.baseUnits),
                    max_slippage_units = \(limits.maxSlippage.baseUnits),
                    max_sell_slippage_units = \(limits.maxSellSlippage.baseUnits),
                    min_time_to_resolution_ms = \(limits.minTimeToResolution.wholeMilliseconds),
                    min_leader_notional_units = \(limits.minLeaderNotional.baseUnits),
                    max_per_trade_units = \(limits.maxPerTrade?.baseUnits),
                    max_per_market_units = \(limits.maxPerMarket?.baseUnits),
                    total_budget_units = \(limits.totalBudget?.baseUnits),
                    daily_spend_units = \(limits.dailySpend?.baseUnits),
                    stop_behavior = \(profile.stopBehavior.rawValue), updated_at = \(profile.updatedAt.pg)
                WHERE id = \(profile.id.rawValue)
                RETURNING 1
                """, logger: self.logger) > 0
            else { return false }
            try await Self.writeQualityColumns(profile, db, logger: self.logger)
            try await Self.insertAudit(audit, db, logger: self.logger)
            return true
        }
        guard updated else { throw StoreError.notFound(entity: "copy_profiles", key: profile.id.rawValue) }
    }

    /// One transaction: the status compare-and-set to STOPPED, then the close-out attempts; a
    /// taken attempt id rolls the stop back too.
    public func stopProfile(_ id: ProfileID, from expected: ProfileStatus, behavior: StopBehavior,
                            closeOuts: [CopyAttempt], at time: Timestamp, audit: AuditEntry?) async throws -> Bool {
        try await self.transaction { connection in
            let stopped = try await connection.execute(
                """
                UPDATE copy_profiles
                SET status = 'STOPPED', stop_behavior = \(behavior.rawValue), updated_at = \(time.pg)
                WHERE id = \(id.rawValue) AND status = \(expected.rawValue)
                RETURNING 1
                """, logger: self.logger)
            guard stopped > 0 else { return false }
            for attempt in closeOuts {
                try await Self.insertAttempt(attempt, connection, logger: self.logger)
            }
            try await Self.insertAudit(audit, connection, logger: self.logger)
            try await Self.recordFollowChange(connection, id: id, from: expected, to: .stopped, audit: audit, at: time,
                                              logger: self.logger)
            return true
        }
    }
}
