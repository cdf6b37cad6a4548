/// Fair fan-out (issue #18): the followers of one leader fill are sized one after another against
/// one shared book, each against the depth the orders before it left, in an order shuffled per
/// fan-out — so no follower is always last, and 1,000 followers never assume the same liquidity.
/// Pure; the engine carries its running state through a batch.
public struct FanOut: Hashable, Sendable {
    /// Mixed into every fan-out's shuffle (the engine's setting), so one deployment's order
    /// cannot be predicted from event ids alone.
    public var seed: UInt64
    /// Each token's market and the depth left in its book.
    public private(set) var books: [TokenID: VenueFact<MarketBook>] = [:]
    /// What buys planned in this batch will spend, per profile (and per profile and market).
    private var spentByProfile: [ProfileID: Collateral] = [:]
    private var spentByMarket: [ProfileMarket: Collateral] = [:]
    /// The same per profile and event (``MarketInfo/eventID``), for the event caps.
    private var spentByEvent: [ProfileMarket: Collateral] = [:]
    /// The same per user and event, for the account-wide event caps (every follow of the user).
    private var spentByUserEvent: [UserEvent: Collateral] = [:]
    /// What buys planned in this batch will spend, per wallet.
    private var spentByWallet: [WalletID: Collateral] = [:]
    /// Shares that sells planned in this batch offer, per profile and token.
    private var offered: [ProfileToken: Shares] = [:]

    private struct ProfileMarket: Hashable, Sendable {
        let profileID: ProfileID
        let conditionID: String
    }

    private struct UserEvent: Hashable, Sendable {
        let userID: UserID
        let eventID: String
    }

    private struct ProfileToken: Hashable, Sendable {
        let profileID: ProfileID
        let tokenID: TokenID
    }

    public init(seed: UInt64) {
        self.seed = seed
    }

    /// `attempts` in the order they are decided: fan-outs in the order given, the attempts of each
    /// leader event shuffled by a generator seeded with the event's id and ``seed``, each paired
    /// with its place in its fan-out (nil for close-outs, which have none). Attempts of the
    /// profiles in `last` (paper twins, issue #22) come after every other of their fan-out, so they
    /// are sized against the depth the live followers left and never take it from them.
    public func ordered(_ attempts: [CopyAttempt], last: Set<ProfileID> = []) -> [(attempt: CopyAttempt, place: Int?)] {
        var groups: [LeaderEventID?: [CopyAttempt]] = [:]
        var order: [LeaderEventID?] = []
        for attempt in attempts {
            if groups[attempt.leaderEventID] == nil { order.append(attempt.leaderEventID) }
            groups[attempt.leaderEventID, default: []].append(attempt)
        }
        return order.flatMap { eventID -> [(attempt: CopyAttempt, place: Int?)] in
            let group = groups[eventID] ?? []
            guard let eventID else { return group.map { ($0, nil) } }
            var generator = SplitMix64(seed: self.seed ^ Self.fnv1a(eventID.rawValue))
            let sorted = group.sorted { $0.id.rawValue < $1.id.rawValue }
            let shuffled = sorted.shuffled(using: &generator)
            let ranked = shuffled.filter { !last.contains($0.profileID) } + shuffled.filter { last.contains($0.profileID) }
            return ranked.enumerated().map { ($0.element, $0.offset) }
        }
    }

    public mutating func setMarket(_ fact: VenueFact<MarketBook>, for tokenID: TokenID) {
        self.books[tokenID] = fact
    }

    public func market(for tokenID: TokenID) -> VenueFact<MarketBook> {
        self.books[tokenID] ?? .unread
    }

    /// `exposure` with the buys already planned in this batch for the profile added.
    /// `event` is the profile's stored exposure in the event of the attempt's market (nil: none known);
    /// `account` the user's account-wide cap and stored exposure there (nil: no account cap).
    public func exposure(_ exposure: EntrySizing.Exposure, profileID: ProfileID, conditionID: String?,
                         event: (id: String, stored: Collateral)? = nil,
                         account: (userID: UserID, eventID: String, cap: Collateral, stored: Collateral)? = nil)
        -> EntrySizing.Exposure
    {
        let spent = self.spentByProfile[profileID] ?? .zero
        let inMarket = conditionID.flatMap { self.spentByMarket[ProfileMarket(profileID: profileID, conditionID: $0)] } ?? .zero
        let inEvent = event.map { $0.stored + (self.spentByEvent[ProfileMarket(profileID: profileID, conditionID: $0.id)] ?? .zero) }
        let inAccount = account.map {
            EntrySizing.AccountEvent(
                cap: $0.cap, committed: $0.stored + (self.spentByUserEvent[UserEvent(userID: $0.userID, eventID: $0.eventID)] ?? .zero))
        }
        return .init(market: exposure.market + inMarket, total: exposure.total + spent, today: exposure.today + spent,
                     event: inEvent, account: inAccount)
    }

    /// `balance` less what buys planned in this batch will spend from the wallet.
    public func balance(_ balance: Collateral, walletID: WalletID) -> Collateral {
        max(.zero, balance - (self.spentByWallet[walletID] ?? .zero))
    }

    /// `sellable` less what sells planned in this batch already offer.
    public func sellable(_ sellable: Shares, profileID: ProfileID, tokenID: TokenID) -> Shares {
        max(.zero, sellable - (self.offered[ProfileToken(profileID: profileID, tokenID: tokenID)] ?? .zero)).orderable
    }

    /// Accounts for an order planned for `attempt`: its shares leave the shared book, its cost the
    /// wallet's balance and the profile's caps, its sell the shares left to sell.
    public mutating func planned(_ intent: OrderIntent, cost: Collateral, attempt: CopyAttempt, walletID: WalletID) {
        if intent.side == .buy, case .known(let book)? = self.books[intent.tokenID], let eventID = book.market.eventID {
            self.spentByEvent[ProfileMarket(profileID: attempt.profileID, conditionID: eventID), default: .zero] += cost
            self.spentByUserEvent[UserEvent(userID: attempt.userID, eventID: eventID), default: .zero] += cost
        }
        if case .known(var book)? = self.books[intent.tokenID] {
            book.book = book.book.consuming(intent.shares, side: intent.side, within: intent.limitPrice)
            self.books[intent.tokenID] = .known(book)
        }
        switch intent.side {
        case .buy:
            self.spentByProfile[attempt.profileID, default: .zero] += cost
            if let conditionID = attempt.conditionID {
                self.spentByMarket[ProfileMarket(profileID: attempt.profileID, conditionID: conditionID), default: .zero] += cost
            }
            self.spentByWallet[walletID, default: .zero] += cost
        case .sell:
            self.offered[ProfileToken(profileID: attempt.profileID, tokenID: intent.tokenID), default: .zero] += intent.shares
        }
    }

    /// 64-bit FNV-1a: a stable hash of an id (Swift's `Hasher` is seeded per process).
    static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }
}

/// SplitMix64: the same seed gives the same sequence on every platform and run, which
/// `SystemRandomNumberGenerator` never would — for fan-out shuffles and the fake venues.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension OrderBook {
    /// The book after a taker order of `shares` on `side` took what it could at `limit` or
    /// better, best levels first.
    public func consuming(_ shares: Shares, side: Side, within limit: Price) -> OrderBook {
        var remaining = shares
        func take(_ levels: [BookLevel], _ reachable: (Price) -> Bool) -> [BookLevel] {
            levels.compactMap { level in
                guard remaining.baseUnits > 0, reachable(level.price) else { return level }
                let taken = min(remaining, level.size)
                remaining -= taken
                let left = level.size - taken
                return left.baseUnits > 0 ? BookLevel(price: level.price, size: left) : nil
            }
        }
        var book = self
        switch side {
        case .buy: book.asks = take(self.asks) { $0 <= limit }
        case .sell: book.bids = take(self.bids) { $0 >= limit }
        }
        return book
    }
}
