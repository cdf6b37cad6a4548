/// How often a leader's fills are polled (issue #21): every poll tick for a leader someone copies
/// — a follow that is not STOPPED, or a profile still holding its positions (exits must still be
/// mirrored) — once a minute for a leader someone only watches, and never for a leader nobody
/// watches or follows. One user adding hundreds of leaders then costs the shared loop a slow
/// poll each, not a full one.
public enum LeaderCadence: Hashable, Sendable {
    case full
    case slow
    case none

    /// How long a watch-only leader waits between polls.
    public static let slowInterval: Duration = .seconds(60)

    /// The cadence a leader's interest calls for.
    public init(_ interest: LeaderInterest) {
        if interest.followed || interest.holding {
            self = .full
        } else if interest.watched {
            self = .slow
        } else {
            self = .none
        }
    }

    /// Whether a leader of this cadence, last polled at `lastPolled` (`nil`: never), is due `now`.
    public func isDue(lastPolled: Timestamp?, now: Timestamp) -> Bool {
        switch self {
        case .full: true
        case .none: false
        case .slow: lastPolled.map { now.since($0) >= Self.slowInterval } ?? true
        }
    }
}

/// Who cares about one leader, as the store knows it.
public struct LeaderInterest: Hashable, Sendable {
    /// Some copy profile that is not STOPPED follows the leader.
    public var followed: Bool
    /// Some profile of the leader, STOPPED or not, still holds shares.
    public var holding: Bool
    /// Some user has the leader on their watch list.
    public var watched: Bool

    public init(followed: Bool = false, holding: Bool = false, watched: Bool = false) {
        self.followed = followed
        self.holding = holding
        self.watched = watched
    }
}
