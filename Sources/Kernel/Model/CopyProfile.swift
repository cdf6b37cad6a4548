/// A user's decision to copy one leader with one wallet, with its own sizing and limits.
public struct CopyProfile: Hashable, Sendable, Codable {
    public var id: ProfileID
    public var userID: UserID
    public var leaderID: LeaderID
    public var walletID: WalletID
    public var status: ProfileStatus
    public var mode: TradingMode
    public var sizing: Sizing
    public var limits: CopyLimits
    /// What `STOPPED` does with open positions.
    public var stopBehavior: StopBehavior
    /// Set when an auto-pause rule (``AutoPauseRule``) moved the follow to USER_PAUSED: the rule
    /// broken, in words. Cleared by the next status change.
    public var pausedByRule: String?
    /// The last time the follow was moved to ENABLED after it was created: an auto-pause window
    /// counts copies from the later of this and `createdAt`.
    public var resumedAt: Timestamp?
    /// A paper twin (issue #22) of this follow: PAPER, the same leader, other settings; sized after
    /// the live followers of each fill. `nil` for a follow of its own.
    public var twinOf: ProfileID?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: ProfileID, userID: UserID, leaderID: LeaderID, walletID: WalletID, status: ProfileStatus = .enabled,
        mode: TradingMode = .live, sizing: Sizing, limits: CopyLimits = CopyLimits(),
        stopBehavior: StopBehavior = .holdToResolution, pausedByRule: String? = nil, resumedAt: Timestamp? = nil,
        twinOf: ProfileID? = nil, createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.userID = userID
        self.leaderID = leaderID
        self.walletID = walletID
        self.status = status
        self.mode = mode
        self.sizing = sizing
        self.limits = limits
        self.stopBehavior = stopBehavior
        self.pausedByRule = pausedByRule
        self.resumedAt = resumedAt
        self.twinOf = twinOf
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// `copy_profiles.status`. The runbook's SQL flips `ENABLED` ⇄ `PAUSED` and nothing else.
public enum ProfileStatus: String, Hashable, Sendable, Codable, CaseIterable {
    case enabled = "ENABLED"
    /// The operator's emergency stop: copies nothing.
    case paused = "PAUSED"
    /// Paused by the user; the operator's resume-all leaves it alone.
    case userPaused = "USER_PAUSED"
    /// Mirrors exits only.
    case exitOnly = "EXIT_ONLY"
    /// Unfollowed; open positions held or sold per `StopBehavior`.
    case stopped = "STOPPED"

    public var allowsEntries: Bool { self == .enabled }
    public var allowsExits: Bool { self == .enabled || self == .exitOnly }
}

public enum TradingMode: String, Hashable, Sendable, Codable, CaseIterable {
    /// Orders are signed and sent.
    case live = "LIVE"
    /// Fills are simulated against the live book; nothing is sent.
    case paper = "PAPER"
}

public enum StopBehavior: String, Hashable, Sendable, Codable, CaseIterable {
    case holdToResolution = "HOLD"
    case sellNow = "SELL"
}

/// How big a copy is before caps.
public enum Sizing: Hashable, Sendable, Codable {
    /// The same collateral amount for every copied entry.
    case fixedUSD(Collateral)
    /// This ratio of the leader's notional (0.1 = a tenth of what the leader spent).
    case proportional(Ratio)
    /// This ratio of the follower's available balance.
    case percentOfBalance(Ratio)

    public enum Mode: String, Sendable, CaseIterable {
        case fixedUSD = "FIXED_USD"
        case proportional = "PROPORTIONAL"
        case percentOfBalance = "PERCENT_OF_BALANCE"
    }

    public var mode: Mode {
        switch self {
        case .fixedUSD: .fixedUSD
        case .proportional: .proportional
        case .percentOfBalance: .percentOfBalance
        }
    }

    /// The value in millionths (collateral base units, or ratio millionths).
    public var baseUnits: Int64 {
        switch self {
        case .fixedUSD(let amount): amount.baseUnits
        case .proportional(let ratio), .percentOfBalance(let ratio): ratio.baseUnits
        }
    }

    public init(mode: Mode, baseUnits: Int64) {
        switch mode {
        case .fixedUSD: self = .fixedUSD(Collateral(baseUnits: baseUnits))
        case .proportional: self = .proportional(Ratio(baseUnits: baseUnits))
        case .percentOfBalance: self = .percentOfBalance(Ratio(baseUnits: baseUnits))
        }
    }
}

/// A profile's risk limits (ARCHITECTURE §3 defaults). Caps are optional: `nil` means no cap.
public struct CopyLimits: Hashable, Sendable, Codable {
    /// Skip leader fills older than this when seen.
    public var maxFillAge: Duration
    /// Only copy at prices inside this band.
    public var minPrice: Price
    public var maxPrice: Price
    /// How far above the leader's price (buy) an entry may pay.
    public var maxSlippage: Price
    /// How far below the bid an exit may sell.
    public var maxSellSlippage: Price
    /// Skip markets that resolve sooner than this.
    public var minTimeToResolution: Duration
    /// Ignore leader fills smaller than this notional.
    public var minLeaderNotional: Collateral
    public var maxPerTrade: Collateral?
    /// Position cost plus open orders in one market.
    public var maxPerMarket: Collateral?
    public var totalBudget: Collateral?
    /// Spend per UTC day.
    public var dailySpend: Collateral?
    /// Pause the follow when its copy quality drifts (issue #22); `nil`: never.
    public var autoPause: AutoPauseRule?
    /// Position cost plus open buys across every outcome market of one event (issue #22): the
    /// outcomes of a neg-risk group rise and fall together, so they share one cap.
    public var maxPerEvent: Collateral?

    public init(
        maxFillAge: Duration = .seconds(60),
        minPrice: Price = Price(baseUnits: 20_000),
        maxPrice: Price = Price(baseUnits: 980_000),
        maxSlippage: Price = Price(baseUnits: 30_000),
        maxSellSlippage: Price = Price(baseUnits: 50_000),
        minTimeToResolution: Duration = .seconds(300),
        minLeaderNotional: Collateral = .dollars(1),
        maxPerTrade: Collateral? = nil,
        maxPerMarket: Collateral? = nil,
        totalBudget: Collateral? = nil,
        dailySpend: Collateral? = nil,
        autoPause: AutoPauseRule? = nil,
        maxPerEvent: Collateral? = nil
    ) {
        self.maxFillAge = maxFillAge
        self.minPrice = minPrice
        self.maxPrice = maxPrice
        self.maxSlippage = maxSlippage
        self.maxSellSlippage = maxSellSlippage
        self.minTimeToResolution = minTimeToResolution
        self.minLeaderNotional = minLeaderNotional
        self.maxPerTrade = maxPerTrade
        self.maxPerMarket = maxPerMarket
        self.totalBudget = totalBudget
        self.dailySpend = dailySpend
        self.autoPause = autoPause
        self.maxPerEvent = maxPerEvent
    }
}
