/// Where auto-pause rules are found and carried out (issue #22). Contract: the auto-pause flow of
/// `CopyQualityContract` in KernelTesting, on every store.
public protocol AutoPauseStore: Sendable {
    /// ENABLED profiles with an auto-pause rule, oldest first (then by id).
    func profilesWithAutoPause() async throws -> [CopyProfile]
    /// Compare-and-set ENABLED → USER_PAUSED with `pausedByRule` = `rule` and `updatedAt` = `time`,
    /// appending `audit` in the same atomic step; `false`, changing nothing, when the profile is no
    /// longer ENABLED (the user paused or stopped it meanwhile).
    func pauseByRule(_ id: ProfileID, rule: String, at time: Timestamp, audit: AuditEntry) async throws -> Bool
}
