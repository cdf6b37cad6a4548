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
            return true
        }
    }

    /// The auto-pause rule's columns, written in the transaction that inserts or edits the profile.
    static func writeAutoPause(_ profile: CopyProfile, _ db: Database) throws {
        let rule = profile.limits.autoPause
        try db.execute(
            sql: """
                UPDATE copy_profiles SET auto_pause_max_drag_units = ?, auto_pause_max_slippage_bps = ?,
                    auto_pause_window = ?
                WHERE id = ?
                """,
            arguments: [rule?.maxDragPercent?.baseUnits, rule?.maxSlippageBpsP90, rule?.window, profile.id.rawValue])
    }
}
