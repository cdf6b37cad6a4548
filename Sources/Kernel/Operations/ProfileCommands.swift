/// What a user (or the API on their behalf) does to a copy profile: pause, resume, exit-only,
/// stop. Each is one compare-and-set on the status, so two clicks or two replicas never apply a
/// change twice, and a change raced by another writer is re-read and retried. Every change that
/// applies writes an `audit_logs` row naming `actor` in the same atomic step.
public struct ProfileCommands: Sendable {
    let store: any Store
    let wallClock: WallClock
    let ids: IDGenerator

    public init(store: any Store, wallClock: WallClock, ids: IDGenerator) {
        self.store = store
        self.wallClock = wallClock
        self.ids = ids
    }

    public enum Failure: Error, Hashable, Sendable, CustomStringConvertible {
        case notFound(ProfileID)
        /// The change does not apply from the profile's status (e.g. resuming a STOPPED profile).
        case notAllowed(from: ProfileStatus, to: ProfileStatus)
        /// Other writers kept changing the status; nothing was applied.
        case contended(ProfileID)

        public var description: String {
            switch self {
            case .notFound(let id): "no copy profile \(id)"
            case .notAllowed(let from, let to): "a \(from.rawValue) profile cannot become \(to.rawValue)"
            case .contended(let id): "copy profile \(id) kept changing; try again"
            }
        }
    }

    /// USER_PAUSED: copies nothing until the user resumes; the runbook's resume-all leaves it alone.
    public func pause(_ id: ProfileID, by actor: String = "system") async throws -> CopyProfile {
        try await self.move(id, to: .userPaused, allowedFrom: [.enabled, .exitOnly, .userPaused], by: actor)
    }

    /// Back to ENABLED from the user's pause or exit-only (not from the operator's PAUSED, which
    /// only the operator lifts, nor from STOPPED).
    public func resume(_ id: ProfileID, by actor: String = "system") async throws -> CopyProfile {
        try await self.move(id, to: .enabled, allowedFrom: [.userPaused, .exitOnly, .enabled], by: actor)
    }

    /// EXIT_ONLY: mirrors the leader's exits, opens nothing new.
    public func exitOnly(_ id: ProfileID, by actor: String = "system") async throws -> CopyProfile {
        try await self.move(id, to: .exitOnly, allowedFrom: [.enabled, .userPaused, .exitOnly], by: actor)
    }

    /// STOPPED: unfollows. With ``StopBehavior/sellNow`` every held, unresolved position gets a
    /// close-out attempt in the same atomic step, which the engine sells as FAK orders at the bid
    /// until flat; with ``StopBehavior/holdToResolution`` positions stay until the market resolves
    /// and auto-claim redeems them.
    public func stop(_ id: ProfileID, behavior: StopBehavior, by actor: String = "system") async throws -> CopyProfile {
        for _ in 0..<5 {
            guard let profile = try await self.store.profile(id: id) else { throw Failure.notFound(id) }
            if profile.status == .stopped { return profile }
            let now = self.wallClock.now()
            let closeOuts = behavior == .sellNow
                ? try await self.store.positions(profileID: id)
                    .filter { $0.shares.baseUnits > 0 && !$0.redeemable }
                    .map { CopyAttempt.closingOut($0, of: profile, id: self.ids.next(), at: now) }
                : []
            let audit = self.audit(profile, to: .stopped, by: actor, at: now,
                                   detail: "stop \(behavior.rawValue), \(closeOuts.count) close-out(s)")
            if try await self.store.stopProfile(id, from: profile.status, behavior: behavior, closeOuts: closeOuts, at: now,
                                                audit: audit) {
                return try await self.store.profile(id: id) ?? profile
            }
        }
        throw Failure.contended(id)
    }

    func move(_ id: ProfileID, to next: ProfileStatus, allowedFrom: Set<ProfileStatus>,
                      by actor: String) async throws -> CopyProfile {
        for _ in 0..<5 {
            guard let profile = try await self.store.profile(id: id) else { throw Failure.notFound(id) }
            if profile.status == next { return profile }
            guard allowedFrom.contains(profile.status) else { throw Failure.notAllowed(from: profile.status, to: next) }
            let now = self.wallClock.now()
            if try await self.store.transitionProfile(id, from: profile.status, to: next, at: now,
                                                      audit: self.audit(profile, to: next, by: actor, at: now)) {
                return try await self.store.profile(id: id) ?? profile
            }
        }
        throw Failure.contended(id)
    }

    /// `profile.status_changed`: from and to, plus what else the change did.
    private func audit(_ profile: CopyProfile, to next: ProfileStatus, by actor: String, at time: Timestamp,
                       detail: String? = nil) -> AuditEntry {
        AuditEntry(
            id: self.ids.next(), actor: actor, action: "profile.status_changed", subjectType: "copy_profile",
            subjectID: profile.id.rawValue,
            details: "\(profile.status.rawValue) -> \(next.rawValue)" + (detail.map { "; \($0)" } ?? ""), createdAt: time)
    }
}
