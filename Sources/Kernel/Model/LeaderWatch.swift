/// A leader on one user's list, with that user's own label: labels are private to the user who
/// wrote them and never shown to anyone else.
public struct LeaderWatch: Hashable, Sendable, Codable {
    public var userID: UserID
    public var leaderID: LeaderID
    public var label: String?
    public var createdAt: Timestamp

    public init(userID: UserID, leaderID: LeaderID, label: String? = nil, createdAt: Timestamp) {
        self.userID = userID
        self.leaderID = leaderID
        self.label = label
        self.createdAt = createdAt
    }
}

/// The answer of putting a leader on a user's list.
public enum WatchOutcome: Hashable, Sendable {
    case added(LeaderWatch)
    /// Already on the list: the stored entry, unchanged.
    case existing(LeaderWatch)
    /// The user already watches or follows `limit` leaders (`MAX_LEADERS_PER_USER`).
    case overLimit(limit: Int)
}
