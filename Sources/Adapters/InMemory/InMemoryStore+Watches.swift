public import Kernel

// MARK: - WatchListStore

extension InMemoryStore {
    public func watchLeader(_ watch: LeaderWatch, limit: Int) -> WatchOutcome {
        if let existing = self.leaderWatchList[watch.userID]?[watch.leaderID] { return .existing(existing) }
        let followed = Set(self.profiles(userID: watch.userID).filter { $0.status != .stopped }.map(\.leaderID))
        let mine = followed.union((self.leaderWatchList[watch.userID] ?? [:]).keys)
        guard followed.contains(watch.leaderID) || mine.count < limit else { return .overLimit(limit: limit) }
        self.leaderWatchList[watch.userID, default: [:]][watch.leaderID] = watch
        return .added(watch)
    }

    public func leaderWatches(userID: UserID) -> [LeaderWatch] {
        (self.leaderWatchList[userID] ?? [:]).values.sorted { $0.leaderID.rawValue < $1.leaderID.rawValue }
    }

    public func leaderInterests() -> [LeaderID: LeaderInterest] {
        var interests: [LeaderID: LeaderInterest] = [:]
        for profile in self.profilesByID.values {
            if profile.status != .stopped { interests[profile.leaderID, default: .init()].followed = true }
            if self.positionsByKey.values.contains(where: { $0.profileID == profile.id && $0.shares > .zero }) {
                interests[profile.leaderID, default: .init()].holding = true
            }
        }
        for watches in self.leaderWatchList.values {
            for leaderID in watches.keys { interests[leaderID, default: .init()].watched = true }
        }
        return interests
    }
}
