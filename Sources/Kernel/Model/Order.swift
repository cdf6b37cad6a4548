/// One signed order (`orders`). Its id is the order hash; `signedPayload` is the exact request a
/// retry resends, so a retry can never become a second, different order.
public struct Order: Hashable, Sendable, Codable {
    public var id: OrderID
    public var attemptID: AttemptID
    public var profileID: ProfileID
    public var walletID: WalletID
    public var tokenID: TokenID
    public var side: Side
    public var type: OrderType
    public var limitPrice: Price
    public var shares: Shares
    /// The signed amounts, in base units, as the exchange sees them.
    public var makerAmount: Int64
    public var takerAmount: Int64
    public var status: Status
    public var signedPayload: String
    public var filledShares: Shares
    /// Collateral that changed hands for the filled shares (excluding fee).
    public var filledNotional: Collateral
    public var fee: Collateral
    public var paper: Bool
    public var note: String?
    public var submittedAt: Timestamp?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: OrderID, attemptID: AttemptID, profileID: ProfileID, walletID: WalletID, tokenID: TokenID, side: Side,
        type: OrderType, limitPrice: Price, shares: Shares, makerAmount: Int64, takerAmount: Int64,
        status: Status = .signed, signedPayload: String, filledShares: Shares = .zero,
        filledNotional: Collateral = .zero, fee: Collateral = .zero, paper: Bool = false, note: String? = nil,
        submittedAt: Timestamp? = nil, createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.attemptID = attemptID
        self.profileID = profileID
        self.walletID = walletID
        self.tokenID = tokenID
        self.side = side
        self.type = type
        self.limitPrice = limitPrice
        self.shares = shares
        self.makerAmount = makerAmount
        self.takerAmount = takerAmount
        self.status = status
        self.signedPayload = signedPayload
        self.filledShares = filledShares
        self.filledNotional = filledNotional
        self.fee = fee
        self.paper = paper
        self.note = note
        self.submittedAt = submittedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public enum OrderType: String, Hashable, Sendable, Codable, CaseIterable {
    /// Fill entirely now or not at all: entries.
    case fok = "FOK"
    /// Fill what can be filled now, cancel the rest: exits.
    case fak = "FAK"
    case gtc = "GTC"
    case gtd = "GTD"
}

/// A profile's holding of one token (`positions`), the per-profile ledger.
public struct Position: Hashable, Sendable, Codable {
    public var profileID: ProfileID
    public var tokenID: TokenID
    public var conditionID: String
    public var shares: Shares
    /// What the shares held now cost, fees included.
    public var costBasis: Collateral
    public var realizedPnL: Collateral
    /// The market resolved and these shares can be redeemed.
    public var redeemable: Bool
    public var updatedAt: Timestamp

    public init(profileID: ProfileID, tokenID: TokenID, conditionID: String, shares: Shares = .zero,
                costBasis: Collateral = .zero, realizedPnL: Collateral = .zero, redeemable: Bool = false,
                updatedAt: Timestamp) {
        self.profileID = profileID
        self.tokenID = tokenID
        self.conditionID = conditionID
        self.shares = shares
        self.costBasis = costBasis
        self.realizedPnL = realizedPnL
        self.redeemable = redeemable
        self.updatedAt = updatedAt
    }
}

/// A gasless wallet transaction through Polymarket's relayer (`relayer_txs`): withdrawals,
/// redemptions, deployments and approvals. Unique on `idempotencyKey`, so one withdrawal or claim
/// is one row for ever, whatever retries happen.
public struct RelayerTx: Hashable, Sendable, Codable {
    public var id: RelayerTxID
    public var userID: UserID
    public var walletID: WalletID
    public var kind: Kind
    public var idempotencyKey: String
    public var status: Status
    /// What to send, as the adapter encoded it (JSON text, no secret).
    public var payload: String
    /// The relayer's id for the submission and the chain transaction, once known.
    public var relayerReference: String?
    public var transactionHash: String?
    public var amount: Collateral?
    public var destination: WalletAddress?
    public var submitCount: Int
    public var lastError: String?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case withdraw = "WITHDRAW"
        case redeem = "REDEEM"
        case deploy = "DEPLOY"
        case approve = "APPROVE"
    }

    public init(
        id: RelayerTxID, userID: UserID, walletID: WalletID, kind: Kind, idempotencyKey: String,
        status: Status = .pending, payload: String, relayerReference: String? = nil, transactionHash: String? = nil,
        amount: Collateral? = nil, destination: WalletAddress? = nil, submitCount: Int = 0, lastError: String? = nil,
        createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.userID = userID
        self.walletID = walletID
        self.kind = kind
        self.idempotencyKey = idempotencyKey
        self.status = status
        self.payload = payload
        self.relayerReference = relayerReference
        self.transactionHash = transactionHash
        self.amount = amount
        self.destination = destination
        self.submitCount = submitCount
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
