public import Kernel
import Logging
import PostgresNIO
import StoreSupport

extension PostgresStore: AutoPauseStore {
    public func profilesWithAutoPause() async throws -> [CopyProfile] {
        try await self.read { db in
            try await db.fetch(
                "SELECT * FROM copy_profiles WHERE status = 'ENABLED' AND auto_pause_window IS NOT NULL ORDER BY created_at, id",
                table: "copy_profiles", logger: self.logger, CopyProfile.init(row:))
        }
    }

    public func pauseByRule(_ id: ProfileID, rule: String, at time: Timestamp, audit: AuditEntry) async throws -> Bool {
        try await self.transaction { db in
            guard try await db.execute(
                """
                UPDATE copy_profiles SET status = 'USER_PAUSED', paused_by_rule = \(rule), updated_at = \(time.pg)
                WHERE id = \(id.rawValue) AND status = 'ENABLED'
                RETURNING 1
                """, logger: self.logger) > 0
            else { return false }
            try await Self.insertAudit(audit, db, logger: self.logger)
            try await Self.recordFollowChange(db, id: id, from: .enabled, to: .userPaused, audit: audit, at: time,
                                              logger: self.logger)
            return true
        }
    }

    /// The auto-pause rule and the twin link, written in the transaction that inserts or edits
    /// the profile; a twin's count is checked under its parent row's lock, so two concurrent
    /// requests cannot both add a fourth.
    static func writeQualityColumns(_ profile: CopyProfile, _ db: some QueryRunner, logger: Logger) async throws {
        if let parent = profile.twinOf {
            try await db.execute("SELECT 1 FROM copy_profiles WHERE id = \(parent.rawValue) FOR UPDATE", logger: logger)
            let twins = try await db.execute(
                "SELECT 1 FROM copy_profiles WHERE twin_of = \(parent.rawValue) AND id <> \(profile.id.rawValue)", logger: logger)
            guard twins < CopyProfile.maxTwins else {
                throw StoreError.duplicate(entity: "copy_profile_twins", key: parent.rawValue)
            }
        }
        let rule = profile.limits.autoPause
        try await db.execute(
            """
            UPDATE copy_profiles SET auto_pause_max_drag_units = \(rule?.maxDragPercent?.baseUnits),
                auto_pause_max_slippage_bps = \(rule?.maxSlippageBpsP90), auto_pause_window = \(rule?.window),
                twin_of = \(profile.twinOf?.rawValue), max_per_event_units = \(profile.limits.maxPerEvent?.baseUnits)
            WHERE id = \(profile.id.rawValue)
            """, logger: logger)
    }
}
