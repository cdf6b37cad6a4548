/// What a user (or the API on their behalf) does to a copy profile: pause, resume, exit-only,
/// stop. Each is one compare-and-set on the status, so two clicks or two replicas never apply a
/// change twice, and a change raced by another writer is re-read and retried.
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
    public func pause(_ id: ProfileID) async throws -> CopyProfile {
        try await self.move(id, to: .userPaused, allowedFrom: [.enabled, .exitOnly, .userPaused])
    }

    /// Back to ENABLED from the user's pause or exit-only (not from the operator's PAUSED, which
    /// only the operator lifts, nor from STOPPED).
    public func resume(_ id: ProfileID) async throws -> CopyProfile {
        try await self.move(id, to: .enabled, allowedFrom: [.userPaused, .exitOnly, .enabled])
    }

    /// EXIT_ONLY: mirrors the leader's exits, opens nothing new.
    public func exitOnly(_ id: ProfileID) async throws -> CopyProfile {
        try await self.move(id, to: .exitOnly, allowedFrom: [.enabled, .userPaused, .exitOnly])
    }

    /// STOPPED: unfollows. With ``StopBehavior/sellNow`` every held, unresolved position gets a
    /// close-out attempt in the same atomic step, which the engine sells as FAK orders at the bid
    /// until flat; with ``StopBehavior/holdToResolution`` positions stay until the market resolves
    /// and auto-claim redeems them.
    public func stop(_ id: ProfileID, behavior: StopBehavior) async throws -> CopyProfile {
        for _ in 0..<5 {
            guard let profile = try await self.store.profile(id: id) else { throw Failure.notFound(id) }
            if profile.status == .stopped { return profile }
            let now = self.wallClock.now()
            let closeOuts = behavior == .sellNow
                ? try await self.store.positions(profileID: id)
                    .filter { $0.shares.baseUnits > 0 && !$0.redeemable }
                    .map { CopyAttempt.closingOut($0, of: profile, id: self.ids.next(), at: now) }
                : []
            if try await self.store.stopProfile(id, from: profile.status, behavior: behavior, closeOuts: closeOuts, at: now) {
                return try await self.store.profile(id: id) ?? profile
            }
        }
        throw Failure.contended(id)
    }

    private func move(_ id: ProfileID, to next: ProfileStatus, allowedFrom: Set<ProfileStatus>) async throws -> CopyProfile {
        for _ in 0..<5 {
            guard let profile = try await self.store.profile(id: id) else { throw Failure.notFound(id) }
            if profile.status == next { return profile }
            guard allowedFrom.contains(profile.status) else { throw Failure.notAllowed(from: profile.status, to: next) }
            if try await self.store.transitionProfile(id, from: profile.status, to: next, at: self.wallClock.now()) {
                return try await self.store.profile(id: id) ?? profile
            }
        }
        throw Failure.contended(id)
    }
}
