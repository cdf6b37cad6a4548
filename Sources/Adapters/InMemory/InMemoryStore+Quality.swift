public import Kernel

// MARK: - AutoPauseStore

extension InMemoryStore {
    public func profilesWithAutoPause() -> [CopyProfile] {
        let ruled = self.profilesByID.values.filter { $0.status == .enabled && $0.limits.autoPause != nil }
        return oldestFirst(ruled, createdAt: \.createdAt, id: \.id.rawValue)
    }

    public func pauseByRule(_ id: ProfileID, rule: String, at time: Timestamp, audit: AuditEntry) throws -> Bool {
        guard var profile = self.profilesByID[id], profile.status == .enabled else { return false }
        try self.checkNewAudit(audit)
        profile.status = .userPaused
        profile.pausedByRule = rule
        profile.updatedAt = time
        self.profilesByID[id] = profile
        self.record(audit)
        self.recordFollowChange(profile, from: .enabled, audit: audit, at: time)
        return true
    }
}
