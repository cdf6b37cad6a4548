public import Kernel

// MARK: - EventCapStore

extension InMemoryStore {
    public func setMaxEventExposure(userID: UserID, _ cap: Collateral?, audit: AuditEntry?) throws {
        guard var user = self.usersByID[userID] else { throw StoreError.notFound(entity: "users", key: userID.rawValue) }
        try self.checkNewAudit(audit)
        self.record(audit)
        user.maxEventExposure = cap
        self.usersByID[userID] = user
    }

    public func accountEventExposure(userIDs: Set<UserID>) -> [UserID: AccountEventExposure] {
        var exposures: [UserID: AccountEventExposure] = [:]
        for id in userIDs {
            guard let cap = self.usersByID[id]?.maxEventExposure else { continue }
            exposures[id] = AccountEventExposure(cap: cap, committed: self.committedByLiveFollows(of: id))
        }
        return exposures
    }

    /// What the user's live follows have committed, per token (``EventCommitment``).
    func committedByLiveFollows(of userID: UserID) -> [TokenID: Collateral] {
        let live = Set(self.profilesByID.values.filter { $0.userID == userID && $0.mode == .live }.map(\.id))
        return EventCommitment.of(
            positions: self.positionsByKey.values.filter { live.contains($0.profileID) },
            openBuys: self.ordersByID.values.filter { live.contains($0.profileID) })
    }

    /// The account-wide event cap of ``commitAttemptSteps(_:)``, under the actor (the batch's
    /// earlier steps are already written).
    func eventCapFits(_ step: AttemptStep) -> Bool {
        guard let check = step.eventCap else { return true }
        let recorded = Set(self.eventOfToken.filter { $0.value == check.eventID }.keys)
        return check.fits(step, committed: self.committedByLiveFollows(of: check.userID), recorded: recorded)
    }

    /// Records the event of the tokens a step under an account-wide event cap buys.
    func recordEventTokens(_ step: AttemptStep) {
        guard let check = step.eventCap else { return }
        for token in step.eventBuys.keys { self.eventOfToken[token] = check.eventID }
    }
}
