import Ethereum
import Hummingbird
import Kernel

// The API's JSON shapes. Money, prices and shares are exact decimal strings; times are ISO-8601
// UTC with milliseconds; addresses are EIP-55. No view carries a sealed value or an API secret.

extension WalletAddress {
    /// EIP-55 for display.
    var checksummed: String { (try? Address(hex: self.lowercased).checksummed) ?? self.lowercased }
}

struct MeView: ResponseEncodable, Decodable, Equatable {
    var id: String
    var externalId: String
    var createdAt: String
    var walletOnboarding: String?
    /// The account-wide event cap (`PATCH /me`); absent: none.
    var maxEventExposure: String?
}

struct RelayerTxView: Codable, Equatable {
    var kind: String
    var status: String
    var reference: String?
    var transactionHash: String?

    init(_ tx: RelayerTx) {
        self.kind = tx.kind.rawValue
        self.status = tx.status.rawValue
        self.reference = tx.relayerReference
        self.transactionHash = tx.transactionHash
    }
}

struct WalletView: ResponseEncodable, Decodable, Equatable {
    var id: String
    var type: String
    var signerAddress: String
    /// Where collateral lives: deposit it here.
    var depositAddress: String
    /// KEY_CREATED → DEPLOYED → APPROVED → READY.
    var onboarding: String
    var ready: Bool
    var apiKeyIssued: Bool
    /// The venue's collateral at the last reading (read again when a view finds it older than
    /// ``WalletBalances/displayMaxAge``); `nil` before the first reading.
    var balance: String?
    /// When that reading was taken; `nil` before the first.
    var balanceReadAt: String?
    /// What copies and withdrawals may still spend — the balance less reserved withdrawals and
    /// open buy orders, never below zero (``WalletFunds``); `nil` before the first reading.
    var available: String?
    /// Held back from the balance for withdrawals not yet settled.
    var heldForWithdrawals: String
    /// Held back from the balance for open buy orders (their remaining cost and fee).
    var heldForOpenOrders: String
    /// The onboarding's relayer transactions (deploy, approve).
    var transactions: [RelayerTxView]
}

struct LeaderActivityView: Codable, Equatable {
    var side: String
    var size: String
    var price: String
    var market: String
    var outcome: String
    var occurredAt: String

    init(_ event: LeaderEvent) {
        self.side = event.fill.side.rawValue
        self.size = event.fill.size.description
        self.price = event.fill.price.description
        self.market = event.fill.marketSlug
        self.outcome = event.fill.outcome
        self.occurredAt = event.fill.occurredAt.description
    }
}

struct LeaderView: ResponseEncodable, Decodable, Equatable {
    var id: String
    var address: String
    var label: String?
    var createdAt: String
    var recentActivity: [LeaderActivityView]

    /// `label`: the signed-in user's own label for this leader, never another user's.
    init(_ leader: Leader, label: String?, recent: [LeaderEvent]) {
        self.id = leader.id.rawValue
        self.address = leader.address.checksummed
        self.label = label
        self.createdAt = leader.createdAt.description
        self.recentActivity = recent.map(LeaderActivityView.init)
    }
}

struct LeaderList: ResponseEncodable, Decodable, Equatable {
    var leaders: [LeaderView]
    /// Pass as `cursor` for the next page; `nil` on the last.
    var nextCursor: String? = nil
}

struct SizingView: Codable, Equatable {
    /// FIXED_USD (amount in USDC), PROPORTIONAL (ratio of the leader's notional) or
    /// PERCENT_OF_BALANCE (ratio of the balance).
    var mode: String
    var amount: String

    init(_ sizing: Sizing) {
        self.mode = sizing.mode.rawValue
        self.amount = switch sizing {
        case .fixedUSD(let amount): amount.description
        case .proportional(let ratio), .percentOfBalance(let ratio): ratio.description
        }
    }
}

struct LimitsView: Codable, Equatable {
    var maxFillAgeSeconds: Int64
    var minPrice: String
    var maxPrice: String
    var maxSlippage: String
    var maxSellSlippage: String
    var minTimeToResolutionSeconds: Int64
    var minLeaderNotional: String
    var maxPerTrade: String?
    var maxPerMarket: String?
    var maxEventExposure: String?
    var totalBudget: String?
    var dailySpend: String?

    init(_ limits: CopyLimits) {
        self.maxFillAgeSeconds = limits.maxFillAge.components.seconds
        self.minPrice = limits.minPrice.description
        self.maxPrice = limits.maxPrice.description
        self.maxSlippage = limits.maxSlippage.description
        self.maxSellSlippage = limits.maxSellSlippage.description
        self.minTimeToResolutionSeconds = limits.minTimeToResolution.components.seconds
        self.minLeaderNotional = limits.minLeaderNotional.description
        self.maxPerTrade = limits.maxPerTrade?.description
        self.maxPerMarket = limits.maxPerMarket?.description
        self.maxEventExposure = limits.maxPerEvent?.description
        self.totalBudget = limits.totalBudget?.description
        self.dailySpend = limits.dailySpend?.description
    }
}

struct ProfileView: ResponseEncodable, Decodable, Equatable {
    var id: String
    var leaderId: String
    var leaderAddress: String?
    var walletId: String
    var status: String
    var mode: String
    var sizing: SizingView
    var limits: LimitsView
    var stopBehavior: String
    /// Copy quality's auto-pause rule, when set.
    var autoPause: AutoPauseView?
    /// Who paused it: `rule` (an auto-pause rule, named in `pauseRule`), `user`, or `operator` (PAUSED).
    var pausedBy: String?
    var pauseRule: String?
    /// A paper twin's follow (issue #22); absent for a follow of its own.
    var twinOf: String?
    var createdAt: String
    var updatedAt: String

    struct AutoPauseView: Codable, Equatable {
        var maxDragPercent: String?
        var maxSlippageBpsP90: Int?
        var window: Int
    }

    init(_ profile: CopyProfile, leader: Leader?) {
        self.id = profile.id.rawValue
        self.leaderId = profile.leaderID.rawValue
        self.leaderAddress = leader?.address.checksummed
        self.walletId = profile.walletID.rawValue
        self.status = profile.status.rawValue
        self.mode = profile.mode.rawValue
        self.sizing = SizingView(profile.sizing)
        self.limits = LimitsView(profile.limits)
        self.stopBehavior = profile.stopBehavior.rawValue
        self.autoPause = profile.limits.autoPause.map {
            AutoPauseView(maxDragPercent: $0.maxDragPercent?.description, maxSlippageBpsP90: $0.maxSlippageBpsP90, window: $0.window)
        }
        switch profile.status {
        case .userPaused: self.pausedBy = profile.pausedByRule == nil ? "user" : "rule"
        case .paused: self.pausedBy = "operator"
        default: self.pausedBy = nil
        }
        self.pauseRule = profile.status == .userPaused ? profile.pausedByRule : nil
        self.twinOf = profile.twinOf?.rawValue
        self.createdAt = profile.createdAt.description
        self.updatedAt = profile.updatedAt.description
    }
}

struct ProfileList: ResponseEncodable, Decodable, Equatable {
    var profiles: [ProfileView]
}

struct AttemptView: Codable, Equatable {
    var id: String
    var profileId: String
    var kind: String
    var status: String
    var skipReason: String?
    var note: String?
    var tokenId: String
    var market: String?
    var outcome: String?
    var leaderSide: String?
    var leaderSize: String?
    var leaderPrice: String?
    var targetShares: String?
    var filledShares: String
    var fillPrice: String?
    /// How much worse than the leader we filled: paid above the leader's price on a buy, got
    /// below it on a sale (negative when better).
    var slippage: String?
    var detectedAt: String
    var sentAt: String?
    var acceptedAt: String?
    /// sentAt − detectedAt and acceptedAt − detectedAt, in milliseconds.
    var latencyToSendMs: Int64?
    var latencyToAcceptMs: Int64?
    var createdAt: String

    init(_ attempt: CopyAttempt, event: LeaderEvent?) {
        self.id = attempt.id.rawValue
        self.profileId = attempt.profileID.rawValue
        self.kind = attempt.kind.rawValue
        self.status = attempt.status.rawValue
        self.skipReason = attempt.skipReason?.rawValue
        self.note = attempt.note
        self.tokenId = attempt.tokenID.description
        self.market = event?.fill.marketSlug
        self.outcome = event?.fill.outcome
        self.leaderSide = event?.fill.side.rawValue
        self.leaderSize = event?.fill.size.description
        self.leaderPrice = attempt.leaderPrice?.description
        self.targetShares = attempt.targetShares?.description
        self.filledShares = attempt.filledShares.description
        self.fillPrice = attempt.fillPrice?.description
        if let fill = attempt.fillPrice, let leader = attempt.leaderPrice {
            let worse = attempt.kind.sells ? leader.baseUnits - fill.baseUnits : fill.baseUnits - leader.baseUnits
            self.slippage = Price(baseUnits: worse).description
        }
        self.detectedAt = attempt.detectedAt.description
        self.sentAt = attempt.sentAt?.description
        self.acceptedAt = attempt.acceptedAt?.description
        self.latencyToSendMs = attempt.sentAt.map { $0.epochMilliseconds - attempt.detectedAt.epochMilliseconds }
        self.latencyToAcceptMs = attempt.acceptedAt.map { $0.epochMilliseconds - attempt.detectedAt.epochMilliseconds }
        self.createdAt = attempt.createdAt.description
    }
}

struct AttemptPage: ResponseEncodable, Decodable, Equatable {
    var items: [AttemptView]
    /// Pass as `cursor` for the next page; absent on the last page.
    var nextCursor: String?
}

struct PositionView: Codable, Equatable {
    var tokenId: String
    var conditionId: String
    var shares: String
    var costBasis: String
    var averageCost: String?
    var realizedPnL: String
    /// The order book's midpoint; `nil` when the book is one-sided or the exchange did not answer.
    var mid: String?
    var unrealizedPnL: String?
    var redeemable: Bool
}

struct PositionsView: ResponseEncodable, Decodable, Equatable {
    var profileId: String
    var positions: [PositionView]
    var realizedPnL: String
    /// The sum over positions with a mid.
    var unrealizedPnL: String
}

struct DevSignInResponse: ResponseEncodable, Decodable, Equatable {
    var token: String
    var tokenType: String
    var expiresAt: String
}
