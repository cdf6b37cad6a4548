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
    public var detectedAt: Timestamp
    public var createdAt: Timestamp

    public init(id: LeaderEventID, leaderID: LeaderID, identity: String, fill: LeaderFill, detectedAt: Timestamp,
                createdAt: Timestamp) {
        self.id = id
        self.leaderID = leaderID
        self.identity = identity
        self.fill = fill
        self.detectedAt = detectedAt
        self.createdAt = createdAt
    }

    public static func identity(of fill: LeaderFill, occurrence: Int) -> String {
        "\(fill.identityTuple)#\(occurrence)"
    }
}
