public enum Side: String, Hashable, Sendable, Codable, CaseIterable {
    case buy = "BUY"
    case sell = "SELL"
}

/// Where a leader fill was seen. Never part of the fill's identity.
public enum FeedSource: String, Hashable, Sendable, Codable, CaseIterable {
    case dataAPI = "DATA_API"
    case rtds = "RTDS"
    case fake = "FAKE"
    case backfill = "BACKFILL"
}

/// One fill of a leader as a feed reports it, before it is recorded.
public struct LeaderFill: Hashable, Sendable, Codable {
    public var leaderAddress: WalletAddress
    public var transactionHash: String
    public var tokenID: TokenID
    public var conditionID: String
    public var marketSlug: String
    public var outcome: String
    public var side: Side
    public var size: Shares
    public var price: Price
    public var occurredAt: Timestamp
    public var source: FeedSource

    public init(leaderAddress: WalletAddress, transactionHash: String, tokenID: TokenID, conditionID: String,
                marketSlug: String, outcome: String, side: Side, size: Shares, price: Price,
                occurredAt: Timestamp, source: FeedSource) {
        self.leaderAddress = leaderAddress
        self.transactionHash = transactionHash.lowercased()
        self.tokenID = tokenID
        self.conditionID = conditionID.lowercased()
        self.marketSlug = marketSlug
        self.outcome = outcome
        self.side = side
        self.size = size
        self.price = price
        self.occurredAt = occurredAt
        self.source = source
    }

    /// The notional the leader traded.
    public var notional: Collateral { self.size.value(at: self.price) }

    /// The normalised tuple of ARCHITECTURE §3 — lowercase tx hash, lowercase leader, token as
    /// decimal, side, exact size and price — without the source or the time, so RTDS and polling
    /// agree. Identical tuples in one transaction are told apart by an occurrence counter.
    public var identityTuple: String {
        [self.transactionHash, self.leaderAddress.lowercased, self.tokenID.decimal, self.side.rawValue,
         self.size.description, self.price.description].joined(separator: "|")
    }
}

/// A recorded leader fill (`leader_events`). `identity` is unique.
public struct LeaderEvent: Hashable, Sendable, Codable {
    public var id: LeaderEventID
    public var leaderID: LeaderID
    /// `identityTuple` plus `#<occurrence>`; unique in the store.
    public var identity: String
    public var fill: LeaderFill
    /// The leader's position in the token just before this fill, as the store tracked it when
    /// recording (seeded from a positions snapshot, then moved by each recorded fill): an exit's
    /// fraction is `fill.size / leaderPositionBefore`. `nil` until recorded.
    public var leaderPositionBefore: Shares?
    public var detectedAt: Timestamp
    public var createdAt: Timestamp

    public init(id: LeaderEventID, leaderID: LeaderID, identity: String, fill: LeaderFill,
                leaderPositionBefore: Shares? = nil, detectedAt: Timestamp, createdAt: Timestamp) {
        self.id = id
        self.leaderID = leaderID
        self.identity = identity
        self.fill = fill
        self.leaderPositionBefore = leaderPositionBefore
        self.detectedAt = detectedAt
        self.createdAt = createdAt
    }

    public static func identity(of fill: LeaderFill, occurrence: Int) -> String {
        "\(fill.identityTuple)#\(occurrence)"
    }

    /// The leader's position after `fill`, starting from `before`: a BUY adds its size, a SELL
    /// takes it away (never below zero: the leader may sell shares bought before we tracked them).
    /// A fill at or before the positions snapshot the leader was seeded from (`seededAt`) is
    /// already in it and moves nothing.
    /// Every store moves its leader positions with this, so tracking means one thing everywhere.
    public static func leaderPosition(after fill: LeaderFill, from before: Shares, seededAt: Timestamp?) -> Shares {
        if let seededAt, fill.occurredAt <= seededAt { return before }
        return switch fill.side {
        case .buy: before + fill.size
        case .sell: before - min(before, fill.size)
        }
    }
}
