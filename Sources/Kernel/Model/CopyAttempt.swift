/// One profile's handling of one leader event (`copy_attempts`), unique on profile × event; or a
/// close-out the user asked for when stopping a profile (no leader event).
public struct CopyAttempt: Hashable, Sendable, Codable {
    public var id: AttemptID
    public var profileID: ProfileID
    public var userID: UserID
    /// The leader fill this attempt mirrors; `nil` only for a ``Kind/closeOut``.
    public var leaderEventID: LeaderEventID?
    public var kind: Kind
    /// The token traded (the event's, or the position's for a close-out).
    public var tokenID: TokenID
    /// The market (condition id) of `tokenID`, recorded once when the attempt is created (the
    /// event's, or the position's for a close-out), so no later step works it out again. `nil`
    /// only on rows written before migration 0004 that had no way to know it.
    public var conditionID: String?
    /// This attempt's place (0-based) in its fan-out's shuffled order: who was sized first
    /// against the shared book. `nil` until decided, and for attempts decided alone.
    public var fanoutPlace: Int?
    /// For exits and close-outs: the shares this attempt sells in total, fixed when it is decided
    /// so retries and restarts sell the rest of the same target, never a recomputed one.
    public var targetShares: Shares?
    public var status: Status
    public var skipReason: SkipReason?
    /// Why a FAILED attempt failed, or why the last DEFERRED happened; never a secret.
    public var note: String?
    /// When a PENDING/DEFERRED attempt may next be claimed.
    public var dueAt: Timestamp
    /// The claim: who holds it until when, and the fencing token every write must present.
    public var leaseOwner: String?
    public var leaseExpiresAt: Timestamp?
    public var fencingToken: Int64
    /// Latency and slippage as facts: when the leader fill was seen, when our order was sent and
    /// accepted, and what we filled at against the leader's price.
    public var detectedAt: Timestamp
    public var sentAt: Timestamp?
    public var acceptedAt: Timestamp?
    public var filledShares: Shares
    public var fillPrice: Price?
    /// The leader's fill price; `nil` for a close-out, which has no leader fill.
    public var leaderPrice: Price?
    /// Copy quality (issue #22): q*, the shares the profile's sizing asked for at the leader's
    /// price before caps, balance, minimums and step rounding — recorded for entries when first
    /// decided; `nil` for exits and close-outs (their ideal is replayed from the follow's history).
    public var idealShares: Shares?
    /// Copy quality: p_d, the best price on the attempt's side of the planner's book when it was
    /// first decided (the ask for a buy, the bid for a sell); `nil` when decided without a book.
    public var decisionPrice: Price?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// Copy a leader BUY.
        case entry = "ENTRY"
        /// Mirror a leader SELL: the same fraction of this profile's shares.
        case exit = "EXIT"
        /// Sell everything held in one token because the user stopped the profile with "sell now".
        case closeOut = "CLOSE_OUT"

        /// Whether this attempt sells.
        public var sells: Bool { self != .entry }
    }

    public init(
        id: AttemptID, profileID: ProfileID, userID: UserID, leaderEventID: LeaderEventID?, kind: Kind,
        tokenID: TokenID, conditionID: String? = nil, fanoutPlace: Int? = nil, targetShares: Shares? = nil, status: Status = .pending, skipReason: SkipReason? = nil, note: String? = nil, dueAt: Timestamp,
        leaseOwner: String? = nil, leaseExpiresAt: Timestamp? = nil, fencingToken: Int64 = 0,
        detectedAt: Timestamp, sentAt: Timestamp? = nil, acceptedAt: Timestamp? = nil, filledShares: Shares = .zero,
        fillPrice: Price? = nil, leaderPrice: Price?, idealShares: Shares? = nil, decisionPrice: Price? = nil,
        createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.profileID = profileID
        self.userID = userID
        self.leaderEventID = leaderEventID
        self.kind = kind
        self.tokenID = tokenID
        self.conditionID = conditionID
        self.fanoutPlace = fanoutPlace
        self.targetShares = targetShares
        self.status = status
        self.skipReason = skipReason
        self.note = note
        self.dueAt = dueAt
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.fencingToken = fencingToken
        self.detectedAt = detectedAt
        self.sentAt = sentAt
        self.acceptedAt = acceptedAt
        self.filledShares = filledShares
        self.fillPrice = fillPrice
        self.leaderPrice = leaderPrice
        self.idealShares = idealShares
        self.decisionPrice = decisionPrice
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension CopyAttempt {
    /// The PENDING attempt that recording `event` fans out to `profile`: due at once, an entry
    /// for a leader BUY and an exit for a SELL. Every store adapter builds attempts with this, so
    /// fan-out means the same thing everywhere.
    public static func fannedOut(from event: LeaderEvent, to profile: CopyProfile, id: AttemptID) -> CopyAttempt {
        CopyAttempt(
            id: id, profileID: profile.id, userID: profile.userID, leaderEventID: event.id,
            kind: event.fill.side == .buy ? .entry : .exit, tokenID: event.fill.tokenID,
            conditionID: event.fill.conditionID, dueAt: event.detectedAt,
            detectedAt: event.detectedAt, leaderPrice: event.fill.price, createdAt: event.createdAt,
            updatedAt: event.createdAt)
    }

    /// This attempt leased to `claim`'s holder as it is created (fencing token 1), so the worker
    /// that records a fill carries its fan-out on without a separate claim commit.
    public func claimed(by claim: AttemptClaim?) -> CopyAttempt {
        guard let claim else { return self }
        var claimed = self
        claimed.leaseOwner = claim.owner
        claimed.leaseExpiresAt = claim.expiresAt
        claimed.fencingToken += 1
        return claimed
    }

    /// The PENDING close-out that stopping `profile` with "sell now" creates for one held position:
    /// it sells every share of it.
    public static func closingOut(_ position: Position, of profile: CopyProfile, id: AttemptID,
                                  at time: Timestamp) -> CopyAttempt {
        CopyAttempt(
            id: id, profileID: profile.id, userID: profile.userID, leaderEventID: nil, kind: .closeOut,
            tokenID: position.tokenID, conditionID: position.conditionID, targetShares: position.shares, dueAt: time, detectedAt: time,
            leaderPrice: nil, createdAt: time, updatedAt: time)
    }
}

/// Why an attempt copied nothing; one code per risk check, in the order they run.
public enum SkipReason: String, Hashable, Sendable, Codable, CaseIterable {
    case profileNotActive = "PROFILE_NOT_ACTIVE"
    case fillTooOld = "FILL_TOO_OLD"
    case leaderNotionalTooSmall = "LEADER_NOTIONAL_TOO_SMALL"
    case marketClosed = "MARKET_CLOSED"
    case marketResolvingSoon = "MARKET_RESOLVING_SOON"
    case unsupportedMarket = "UNSUPPORTED_MARKET"
    case priceOutOfBand = "PRICE_OUT_OF_BAND"
    case slippageTooHigh = "SLIPPAGE_TOO_HIGH"
    case insufficientDepth = "INSUFFICIENT_DEPTH"
    case capReached = "CAP_REACHED"
    /// The follow's exposure across the outcome markets of the fill's event is at its cap.
    case eventCapReached = "EVENT_CAP_REACHED"
    case insufficientBalance = "INSUFFICIENT_BALANCE"
    case belowExchangeMinimum = "BELOW_EXCHANGE_MINIMUM"
    /// An exit for a token this profile holds no shares of.
    case nothingToSell = "NOTHING_TO_SELL"
}

/// A lease taken on attempts as they are created: who holds it, until when.
public struct AttemptClaim: Hashable, Sendable {
    public var owner: String
    public var expiresAt: Timestamp

    public init(owner: String, expiresAt: Timestamp) {
        self.owner = owner
        self.expiresAt = expiresAt
    }
}
