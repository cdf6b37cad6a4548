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
            return true
        }
    }

    /// The auto-pause rule's columns, written in the transaction that inserts or edits the profile.
    static func writeAutoPause(_ profile: CopyProfile, _ db: some QueryRunner, logger: Logger) async throws {
        let rule = profile.limits.autoPause
        try await db.execute(
            """
            UPDATE copy_profiles SET auto_pause_max_drag_units = \(rule?.maxDragPercent?.baseUnits),
                auto_pause_max_slippage_bps = \(rule?.maxSlippageBpsP90), auto_pause_window = \(rule?.window)
            WHERE id = \(profile.id.rawValue)
            """, logger: logger)
    }
}
