/// Fills of watched leader wallets. Every conformer must pass `LeaderFeedContract`.
public protocol LeaderFeed: Sendable {
    /// Fills of `leader` that happened at or after `since`, oldest first, each with its
    /// occurrence number among identical tuples (spec §10.4), for polling and backfill after
    /// downtime: consecutive calls with overlapping windows return the same identities.
    func fills(of leader: WalletAddress, since: Timestamp) async throws -> [ObservedFill]
    /// Live fills of `leaders` as they happen, until the task is cancelled. The stream may
    /// finish or fail (a dropped connection); callers fall back to ``fills(of:since:)``.
    func liveFills(of leaders: Set<WalletAddress>) -> AsyncThrowingStream<ObservedFill, any Error>
    /// A wallet's current positions (seeding a leader's positions; a follower's redeemables).
    func positions(of wallet: WalletAddress) async throws -> [WalletPosition]
}

/// A fill as a feed observed it, with its occurrence among identical tuples of the same transaction.
public struct ObservedFill: Hashable, Sendable {
    public var fill: LeaderFill
    public var occurrence: Int

    public init(fill: LeaderFill, occurrence: Int) {
        self.fill = fill
        self.occurrence = occurrence
    }

    /// The fill identity of ARCHITECTURE §3: never the source or the time.
    public var identity: String { LeaderEvent.identity(of: self.fill, occurrence: self.occurrence) }
}

/// One holding of a wallet as the venue reports it.
public struct WalletPosition: Hashable, Sendable {
    public var tokenID: TokenID
    public var conditionID: String
    public var shares: Shares
    public var averagePrice: Price?
    public var redeemable: Bool
    public var negRisk: Bool
    /// What one share redeems for once the market resolved (1 for the winning outcome, 0 for a
    /// losing one; Polymarket's `curPrice` of a redeemable position); `nil` when the venue does not say.
    public var resolvedPrice: Price?

    public init(tokenID: TokenID, conditionID: String, shares: Shares, averagePrice: Price? = nil,
                redeemable: Bool = false, negRisk: Bool = false, resolvedPrice: Price? = nil) {
        self.tokenID = tokenID
        self.conditionID = conditionID
        self.shares = shares
        self.averagePrice = averagePrice
        self.redeemable = redeemable
        self.negRisk = negRisk
        self.resolvedPrice = resolvedPrice
    }
}

extension Array where Element == LeaderFill {
    /// Numbers identical tuples in order (the n-th row with the same tuple is occurrence n), so a
    /// re-read page maps each row to the same identity and a genuine twin gets a new one.
    public func countingOccurrences() -> [ObservedFill] {
        var seen: [String: Int] = [:]
        return self.map { fill in
            let occurrence = seen[fill.identityTuple, default: 0]
            seen[fill.identityTuple] = occurrence + 1
            return ObservedFill(fill: fill, occurrence: occurrence)
        }
    }
}
