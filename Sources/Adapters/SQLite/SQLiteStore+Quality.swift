import GRDB
public import Kernel
import StoreSupport

extension SQLiteStore: AutoPauseStore {
    public func profilesWithAutoPause() async throws -> [CopyProfile] {
        try await self.read { db in
            try db.fetch(
                "SELECT * FROM copy_profiles WHERE status = 'ENABLED' AND auto_pause_window IS NOT NULL ORDER BY created_at, id",
                [], table: "copy_profiles", CopyProfile.init(row:))
        }
    }

    public func pauseByRule(_ id: ProfileID, rule: String, at time: Timestamp, audit: AuditEntry) async throws -> Bool {
        try await self.write { db in
            guard try db.update(
                sql: """
                    UPDATE copy_profiles SET status = 'USER_PAUSED', paused_by_rule = ?, updated_at = ?
                    WHERE id = ? AND status = 'ENABLED'
                    """,
                arguments: [rule, time.sql, id.rawValue])
            else { return false }
            try Self.insertAudit(audit, db)
            try Self.recordFollowChange(db, id: id, from: .enabled, to: .userPaused, audit: audit, at: time)
            return true
        }
    }

    /// The auto-pause rule and the twin link, written in the transaction that inserts or edits
    /// the profile (one writer: the twin count and the write cannot interleave with another's).
    static func writeQualityColumns(_ profile: CopyProfile, _ db: Database) throws {
        if let parent = profile.twinOf {
            let twins = try db.fetch(
                "SELECT id FROM copy_profiles WHERE twin_of = ? AND id <> ?", [parent.rawValue, profile.id.rawValue],
                table: "copy_profiles") { row in try row.text("id") }
            guard twins.count < CopyProfile.maxTwins else {
                throw StoreError.duplicate(entity: "copy_profile_twins", key: parent.rawValue)
            }
        }
        let rule = profile.limits.autoPause
        try db.execute(
            sql: """
                UPDATE copy_profiles SET auto_pause_max_drag_units = ?, auto_pause_max_slippage_bps = ?,
                    auto_pause_window = ?, twin_of = ?, max_per_event_units = ?
                WHERE id = ?
                """,
            arguments: [rule?.maxDragPercent?.baseUnits, rule?.maxSlippageBpsP90, rule?.window, profile.twinOf?.rawValue,
                        profile.limits.maxPerEvent?.baseUnits, profile.id.rawValue])
    }
}
