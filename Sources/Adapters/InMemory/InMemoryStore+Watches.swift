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
}
