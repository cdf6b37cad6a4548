import GRDB
public import Kernel
import StoreSupport

extension SQLiteStore: ProfileStore {
    public func insertLeader(_ leader: Leader) async throws {
        try await self.write { db in
            try db.insert(
                into: "leaders",
                sql: "INSERT INTO leaders (id, address, label, positions_seeded_at, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    leader.id.rawValue, leader.address.lowercased, leader.label, leader.positionsSeededAt.sql,
                    leader.createdAt.sql,
                ],
                keys: ["id": leader.id.rawValue, "address": leader.address.lowercased])
        }
    }

    public func leader(id: LeaderID) async throws -> Leader? {
        try await self.read { db in
            try db.fetchOne("SELECT * FROM leaders WHERE id = ?", [id.rawValue], table: "leaders", Leader.init(row:))
        }
    }

    public func leader(address: WalletAddress) async throws -> Leader? {
        try await self.read { db in
            try db.fetchOne("SELECT * FROM leaders WHERE address = ?", [address.lowercased], table: "leaders",
                            Leader.init(row:))
        }
    }

    public func leaders() async throws -> [Leader] {
        try await self.read { db in
            try db.fetch("SELECT * FROM leaders ORDER BY created_at, id", table: "leaders", Leader.init(row:))
        }
    }

    public func seedLeaderPositions(_ id: LeaderID, snapshot: [TokenID: Shares], at time: Timestamp) async throws -> Bool {
        try await self.write { db in
            guard try db.update(
                sql: "UPDATE leaders SET positions_seeded_at = ? WHERE id = ? AND positions_seeded_at IS NULL",
                arguments: [time.sql, id.rawValue])
            else {
                guard try db.fetchOne("SELECT id FROM leaders WHERE id = ?", [id.rawValue], table: "leaders",
                                      { try $0.text("id") }) != nil
                else { throw StoreError.notFound(entity: "leaders", key: id.rawValue) }
                return false
            }
            for (tokenID, shares) in snapshot {
                try Self.setLeaderPosition(db, leaderID: id, tokenID: tokenID, shares: shares, at: time)
            }
            return true
        }
    }

    public func leaderPosition(leaderID: LeaderID, tokenID: TokenID) async throws -> Shares {
        try await self.read { db in try Self.leaderPosition(db, leaderID: leaderID, tokenID: tokenID) }
    }

    public func insertProfile(_ profile: CopyProfile, audit: AuditEntry?) async throws {
        try await self.write { db in
            try db.insert(
                into: "copy_profiles",
                sql: """
                    INSERT INTO copy_profiles (
                        id, user_id, leader_id, wallet_id, status, mode, sizing_mode, sizing_units, max_fill_age_ms,
                        min_price_units, max_price_units, max_slippage_units, max_sell_slippage_units,
                        min_time_to_resolution_ms, min_leader_notional_units, max_per_trade_units, max_per_market_units,
                        total_budget_units, daily_spend_units, stop_behavior, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    profile.id.rawValue, profile.userID.rawValue, profile.leaderID.rawValue, profile.walletID.rawValue,
                    profile.status.rawValue,
                ] + Self.settingsArguments(profile) + [profile.createdAt.sql, profile.updatedAt.sql],
                keys: ["id": profile.id.rawValue])
            try Self.writeQualityColumns(profile, db)
            try Self.insertAudit(audit, db)
        }
    }

    /// Mode, sizing, limits and stop behaviour, in the column order both INSERT and UPDATE use.
    private static func settingsArguments(_ profile: CopyProfile) -> StatementArguments {
        let limits = profile.limits
        return [
            profile.mode.rawValue, profile.sizing.mode.rawValue, profile.sizing.baseUnits,
            limits.maxFillAge.sqlMilliseconds, limits.minPrice.baseUnits, limits.maxPrice.baseUnits,
            limits.maxSlippage.baseUnits, limits.maxSellSlippage.baseUnits, limits.minTimeToResolution.sqlMilliseconds,
            limits.minLeaderNotional.baseUnits, limits.maxPerTrade?.baseUnits, limits.maxPerMarket?.baseUnits,
            limits.totalBudget?.baseUnits, limits.dailySpend?.baseUnits, profile.stopBehavior.rawValue,
        ]
    }

    public func profile(id: ProfileID) async throws -> CopyProfile? {
        try await self.read { db in
            try db.fetchOne("SELECT * FROM copy_profiles WHERE id = ?", [id.rawValue], table: "copy_profiles",
                            CopyProfile.init(row:))
        }
    }

    public func profiles(userID: UserID) async throws -> [CopyProfile] {
        try await self.read { db in
            try db.fetch("SELECT * FROM copy_profiles WHERE user_id = ? ORDER BY created_at, id", [userID.rawValue],
                         table: "copy_profiles", CopyProfile.init(row:))
        }
    }

    public func activeProfiles(followingLeader leaderID: LeaderID) async throws -> [CopyProfile] {
        try await self.read { db in try Self.activeProfiles(db, followingLeader: leaderID) }
    }

    /// Shared with the fan-out, which must see the followers inside its own write transaction.
    static func activeProfiles(_ db: Database, followingLeader leaderID: LeaderID) throws -> [CopyProfile] {
        try db.fetch(
            "SELECT * FROM copy_profiles WHERE leader_id = ? AND status <> 'STOPPED' ORDER BY created_at, id",
            [leaderID.rawValue], table: "copy_profiles", CopyProfile.init(row:))
    }

    public func transitionProfile(_ id: ProfileID, from expected: ProfileStatus, to next: ProfileStatus,
                                  at time: Timestamp, audit: AuditEntry?) async throws -> Bool {
        try await self.write { db in
            guard try db.update(
                sql: """
                    UPDATE copy_profiles SET status = ?, updated_at = ?, paused_by_rule = NULL,
                        resumed_at = CASE WHEN ? = 'ENABLED' THEN ? ELSE resumed_at END
                    WHERE id = ? AND status = ?
                    """,
                arguments: [next.rawValue, time.sql, next.rawValue, time.sql, id.rawValue, expected.rawValue])
            else { return false }
            try Self.insertAudit(audit, db)
            try Self.recordFollowChange(db, id: id, from: expected, to: next, audit: audit, at: time)
            return true
        }
    }

    public func transitionAllProfiles(from expected: ProfileStatus, to next: ProfileStatus, at time: Timestamp,
                                      audit: AuditEntry) async throws -> Int {
        try await self.write { db in
            try Self.insertAudit(audit, db)
            let moving = try String.fetchAll(db, sql: "SELECT id FROM copy_profiles WHERE status = ? ORDER BY id",
                                             arguments: [expected.rawValue])
            try db.execute(sql: "UPDATE copy_profiles SET status = ?, updated_at = ? WHERE status = ?",
                           arguments: [next.rawValue, time.sql, expected.rawValue])
            let moved = db.changesCount
            for id in moving {
                try Self.recordFollowChange(db, id: ProfileID(id), from: expected, to: next, audit: audit, at: time)
            }
            return moved
        }
    }

    /// One write transaction: the status compare-and-set, then the close-outs; a taken attempt id
    /// rolls both back.
    public func stopProfile(_ id: ProfileID, from expected: ProfileStatus, behavior: StopBehavior,
                            closeOuts: [CopyAttempt], at time: Timestamp, audit: AuditEntry?) async throws -> Bool {
        try await self.write { db in
            guard try db.update(
                sql: "UPDATE copy_profiles SET status = 'STOPPED', stop_behavior = ?, updated_at = ? WHERE id = ? AND status = ?",
                arguments: [behavior.rawValue, time.sql, id.rawValue, expected.rawValue])
            else { return false }
            for attempt in closeOuts { try Self.insertAttempt(attempt, db) }
            try Self.insertAudit(audit, db)
            try Self.recordFollowChange(db, id: id, from: expected, to: .stopped, audit: audit, at: time)
            return true
        }
    }

    public func updateProfileSettings(_ profile: CopyProfile, audit: AuditEntry?) async throws {
        let updated = try await self.write { db in
            guard try db.update(
                sql: """
                    UPDATE copy_profiles
                    SET mode = ?, sizing_mode = ?, sizing_units = ?, max_fill_age_ms = ?, min_price_units = ?,
                        max_price_units = ?, max_slippage_units = ?, max_sell_slippage_units = ?,
                        min_time_to_resolution_ms = ?, min_leader_notional_units = ?, max_per_trade_units = ?,
                        max_per_market_units = ?, total_budget_units = ?, daily_spend_units = ?, stop_behavior = ?,
                        updated_at = ?
                    WHERE id = ?
                    """,
                arguments: Self.settingsArguments(profile) + [profile.updatedAt.sql, profile.id.rawValue])
            else { return false }
            try Self.writeQualityColumns(profile, db)
            try Self.insertAudit(audit, db)
            return true
        }
        guard updated else { throw StoreError.notFound(entity: "copy_profiles", key: profile.id.rawValue) }
    }
}
