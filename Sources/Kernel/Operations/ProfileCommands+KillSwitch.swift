extension ProfileCommands {
    /// The user's kill switch: every follow that is not STOPPED moves to USER_PAUSED, including
    /// one the operator paused (PAUSED), so the operator's resume-all — which lifts only PAUSED —
    /// does not undo the user's choice. Each move is its own audited compare-and-set; the
    /// profiles are returned as they are afterwards.
    public func pauseEverything(of userID: UserID, by actor: String) async throws -> [CopyProfile] {
        var result: [CopyProfile] = []
        for profile in try await self.store.profiles(userID: userID) {
            guard profile.status != .stopped else {
                result.append(profile)
                continue
            }
            result.append(try await self.move(profile.id, to: .userPaused,
                                              allowedFrom: [.enabled, .exitOnly, .paused, .userPaused], by: actor))
        }
        return result
    }
}
