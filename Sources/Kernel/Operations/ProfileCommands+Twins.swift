extension CopyProfile {
    /// Paper twins one follow may have (issue #22).
    public static let maxTwins = 3
}

extension ProfileCommands {
    public enum TwinFailure: Error, Hashable, Sendable, CustomStringConvertible {
        case notFound(ProfileID)
        /// A twin of a twin, or of a stopped follow.
        case notTwinnable(ProfileID, reason: String)
        /// The follow already has ``CopyProfile/maxTwins`` twins.
        case tooManyTwins(ProfileID)
        /// A twin trades on paper only.
        case twinMustBePaper

        public var description: String {
            switch self {
            case .notFound(let id): "no copy profile \(id)"
            case .notTwinnable(_, let reason): reason
            case .tooManyTwins: "a follow has at most \(CopyProfile.maxTwins) twins"
            case .twinMustBePaper: "a twin trades on paper only (mode PAPER)"
            }
        }
    }

    /// A paper twin of follow `id` (issue #22): the same user, leader and wallet, ENABLED, PAPER,
    /// with `settings` applied to the follow's own (given in PAPER mode) (e.g. a wider slippage limit). It fans out like
    /// any follow but is sized after the live followers (``FanOut/ordered(_:last:)``) and never
    /// sends an order. Audited as `profile.twin_created` with the twin's insert; at most
    /// ``CopyProfile/maxTwins`` per follow, checked by the store in the same step.
    public func twin(of id: ProfileID, settings: (CopyProfile) throws -> CopyProfile, by actor: String) async throws
        -> CopyProfile
    {
        guard let parent = try await self.store.profile(id: id) else { throw TwinFailure.notFound(id) }
        if parent.twinOf != nil { throw TwinFailure.notTwinnable(id, reason: "a twin cannot have twins; twin the follow itself") }
        if parent.status == .stopped { throw TwinFailure.notTwinnable(id, reason: "a stopped follow cannot have twins") }
        let now = self.wallClock.now()
        var paper = parent
        paper.mode = .paper
        var twin = try settings(paper)
        guard twin.mode == .paper else { throw TwinFailure.twinMustBePaper }
        twin.id = self.ids.next()
        twin.status = .enabled
        twin.twinOf = parent.id
        twin.pausedByRule = nil
        twin.resumedAt = nil
        twin.createdAt = now
        twin.updatedAt = now
        let audit = AuditEntry(
            id: self.ids.next(), actor: actor, action: "profile.twin_created", subjectType: "copy_profile",
            subjectID: twin.id.rawValue, details: "paper twin of \(parent.id.rawValue)", createdAt: now)
        do {
            try await self.store.insertProfile(twin, audit: audit)
        } catch StoreError.duplicate(let entity, _) where entity == "copy_profile_twins" {
            throw TwinFailure.tooManyTwins(parent.id)
        }
        return twin
    }
}
