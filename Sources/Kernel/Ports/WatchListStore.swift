/// Each user's list of leaders (issue #21): what they watch, with their private labels.
public protocol WatchListStore: Sendable {
    /// Puts `watch` on its user's list in one step: `.existing` (changing nothing) when the
    /// leader is already there; `.overLimit` when the distinct leaders the user watches or
    /// follows (profiles not STOPPED) already number `limit`; otherwise `.added`.
    func watchLeader(_ watch: LeaderWatch, limit: Int) async throws -> WatchOutcome
    /// The user's watched leaders, by leader id.
    func leaderWatches(userID: UserID) async throws -> [LeaderWatch]
    /// Every leader that some user follows (a profile not STOPPED), holds positions of, or
    /// watches — what sets its polling cadence (``LeaderCadence``). A leader nobody cares about
    /// is absent.
    func leaderInterests() async throws -> [LeaderID: LeaderInterest]
}
