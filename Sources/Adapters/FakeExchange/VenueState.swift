import Ethereum
import Kernel
import PolymarketProtocol

/// Everything the fake venue knows, as one value mutated only by the ``FakeVenue`` actor: no
/// `await` ever sits between a read and the write that depends on it.
struct VenueState: Sendable {
    struct Holding: Hashable, Sendable {
        var shares: Shares = .zero
        /// What the shares held cost, fees included.
        var cost: Collateral = .zero
    }

    /// Liquidity not owned by any account (the rest of the market), best first on both sides.
    struct Liquidity: Hashable, Sendable {
        var bids: [BookLevel] = []
        var asks: [BookLevel] = []
    }

    let seed: UInt64
    /// Draws for what leaders do (and the demo's set-up). Nothing a follower does draws from
    /// it, and leader prices come from midpoints only followers cannot move, so the same seed and
    /// the same step times give the same leader trades whatever followers do.
    var random: SplitMix64
    /// Draws for the sizes of restocked book levels, which follower fills trigger.
    var liquidityRandom: SplitMix64
    /// Draws for order salts.
    var salts: SplitMix64
    /// Numbers the ids the venue makes (conditions, transactions, references).
    var serial = 0

    var markets: [String: FakeMarket] = [:]
    var marketOrder: [String] = []
    var marketOfToken: [TokenID: String] = [:]
    var liquidity: [TokenID: Liquidity] = [:]
    var midpoints: [TokenID: Price] = [:]

    var collateral: [WalletAddress: Collateral] = [:]
    var holdings: [WalletAddress: [TokenID: Holding]] = [:]
    /// Funder → the EOA that signs for it, learnt from registrations and trading accounts.
    var owners: [WalletAddress: WalletAddress] = [:]

    var orders: [OrderID: OrderRecord] = [:]
    /// Live orders per token, oldest first.
    var resting: [TokenID: [OrderID]] = [:]

    var leaders: [WalletAddress: LeaderRecord] = [:]
    var relayer = RelayerLedger()

    init(seed: UInt64) {
        self.seed = seed
        self.random = SplitMix64(seed: seed)
        self.liquidityRandom = SplitMix64(seed: seed ^ 0x11C0_11C0_11C0_11C0)
        self.salts = SplitMix64(seed: seed ^ 0x5A17_5A17_5A17_5A17)
    }

    mutating func nextSerial() -> Int {
        self.serial += 1
        return self.serial
    }

    // MARK: Markets

    mutating func listMarket(_ spec: FakeMarketSpec) throws(VenueError) -> FakeMarket {
        guard TickSize(price: spec.tickSize) != nil else {
            throw .refused(status: 400, message: "tick size \(spec.tickSize) is not one of Polymarket's")
        }
        guard spec.outcomes.count >= 2, Set(spec.outcomes).count == spec.outcomes.count else {
            throw .refused(status: 400, message: "a market needs two or more distinct outcomes")
        }
        if let midpoints = spec.simulatedMidpoints, midpoints.count != spec.outcomes.count {
            throw .refused(status: 400, message: "one simulated midpoint per outcome is needed")
        }
        let conditionID = fakeHash("fake-condition|\(self.seed)|\(self.nextSerial())")
        let tokenIDs = spec.outcomes.indices.map { index in
            Self.tokenID(Keccak256.hash(utf8: "fake-token|\(conditionID)|\(index)"))
        }
        let market = FakeMarket(
            conditionID: conditionID, slug: spec.slug, outcomes: spec.outcomes, tokenIDs: tokenIDs,
            tickSize: spec.tickSize, minOrderSize: spec.minOrderSize, negRisk: spec.negRisk, takerFee: spec.takerFee,
            acceptingOrders: true, endsAt: spec.endsAt, winningToken: nil,
            simulatedLiquidity: spec.simulatedMidpoints != nil, protocolV2: spec.protocolV2,
            eventSlug: spec.eventSlug ?? spec.slug)
        self.markets[conditionID] = market
        self.marketOrder.append(conditionID)
        for (index, tokenID) in tokenIDs.enumerated() {
            self.marketOfToken[tokenID] = conditionID
            self.liquidity[tokenID] = Liquidity()
            if let midpoints = spec.simulatedMidpoints {
                self.midpoints[tokenID] = Self.snapped(midpoints[index], tick: market.tick)
            }
        }
        if market.simulatedLiquidity { self.restock(conditionID) }
        return market
    }

    /// A 256-bit token id from a hash, avoiding the Protocol-V2 position-id shape (bits 40…103
    /// all zero), which no keccak output has in practice but which would change the exchange.
    private static func tokenID(_ hash: [UInt8]) -> TokenID {
        var bytes = hash
        bytes[20] |= 0x01
        do {
            return try TokenID(try UInt256(bigEndianBytes: bytes).decimalString)
        } catch {
            preconditionFailure("32 hash bytes did not make a token id: \(error)")
        }
    }

    func market(of tokenID: TokenID) throws(VenueError) -> FakeMarket {
        guard let conditionID = self.marketOfToken[tokenID], let market = self.markets[conditionID] else {
            throw .refused(status: 404, message: "no market for token \(tokenID)")
        }
        return market
    }

    func market(conditionID: String) throws(VenueError) -> FakeMarket {
        guard let market = self.markets[conditionID.lowercased()] else {
            throw .refused(status: 404, message: "no market with condition \(conditionID)")
        }
        return market
    }

    mutating func updateMarket(conditionID: String, tickSize: Price?, minOrderSize: Shares?,
                               acceptingOrders: Bool?) throws(VenueError) {
        var market = try self.market(conditionID: conditionID)
        if let tickSize {
            guard TickSize(price: tickSize) != nil else {
                throw .refused(status: 400, message: "tick size \(tickSize) is not one of Polymarket's")
            }
            market.tickSize = tickSize
        }
        if let minOrderSize { market.minOrderSize = minOrderSize }
        if let acceptingOrders { market.acceptingOrders = acceptingOrders }
        self.markets[market.conditionID] = market
    }

    /// Settles a market: resting orders on it are cancelled, holders may redeem.
    mutating func resolve(conditionID: String, winningToken: TokenID) throws(VenueError) {
        var market = try self.market(conditionID: conditionID)
        guard market.tokenIDs.contains(winningToken) else {
            throw .refused(status: 400, message: "token \(winningToken) is not an outcome of \(conditionID)")
        }
        guard market.winningToken == nil else {
            throw .refused(status: 409, message: "market \(conditionID) is already resolved")
        }
        market.winningToken = winningToken
        market.acceptingOrders = false
        self.markets[market.conditionID] = market
        for tokenID in market.tokenIDs {
            for orderID in self.resting[tokenID] ?? [] { self.close(orderID) }
            self.liquidity[tokenID] = Liquidity()
        }
    }

    // MARK: Books

    /// The book as a client sees it: the market's liquidity plus resting orders.
    func book(tokenID: TokenID) throws(VenueError) -> OrderBook {
        let market = try self.market(of: tokenID)
        var bids = self.liquidity[tokenID]?.bids ?? []
        var asks = self.liquidity[tokenID]?.asks ?? []
        for orderID in self.resting[tokenID] ?? [] {
            guard let order = self.orders[orderID] else { continue }
            let level = BookLevel(price: order.price, size: order.remaining)
            if order.side == .buy { bids.append(level) } else { asks.append(level) }
        }
        return OrderBook(
            tokenID: tokenID, bids: Self.merged(bids), asks: Self.merged(asks), tickSize: market.tickSize,
            minOrderSize: market.minOrderSize)
    }

    mutating func setBook(_ book: OrderBook) throws(VenueError) {
        _ = try self.market(of: book.tokenID)
        self.liquidity[book.tokenID] = Liquidity(
            bids: book.bids.filter { $0.size.baseUnits > 0 }.sorted { $0.price > $1.price },
            asks: book.asks.filter { $0.size.baseUnits > 0 }.sorted { $0.price < $1.price })
    }

    /// Levels at the same price added together.
    private static func merged(_ levels: [BookLevel]) -> [BookLevel] {
        var sizes: [Price: Shares] = [:]
        for level in levels { sizes[level.price, default: .zero] += level.size }
        return sizes.map { BookLevel(price: $0.key, size: $0.value) }
    }

    /// Refills the books of a market with simulated liquidity around its midpoints.
    mutating func restock(_ conditionID: String) {
        guard let market = self.markets[conditionID], market.simulatedLiquidity, !market.resolved else { return }
        let tick = market.tickSize.baseUnits
        for tokenID in market.tokenIDs {
            guard let mid = self.midpoints[tokenID] else { continue }
            var liquidity = Liquidity()
            for step in 1...6 {
                let bid = mid.baseUnits - Int64(step) * tick
                let ask = mid.baseUnits + Int64(step) * tick
                if bid >= tick {
                    liquidity.bids.append(BookLevel(price: Price(baseUnits: bid), size: self.randomLevelSize()))
                }
                if ask <= Price.one.baseUnits - tick {
                    liquidity.asks.append(BookLevel(price: Price(baseUnits: ask), size: self.randomLevelSize()))
                }
            }
            self.liquidity[tokenID] = liquidity
        }
    }

    private mutating func randomLevelSize() -> Shares {
        .whole(Int64.random(in: 20...400, using: &self.liquidityRandom))
    }

    /// `price` moved onto the tick grid and inside `[tick, 1 − tick]`.
    static func snapped(_ price: Price, tick: TickSize) -> Price {
        let step = tick.price.baseUnits
        let snapped = (price.baseUnits / step) * step
        return Price(baseUnits: min(max(snapped, step), Price.one.baseUnits - step))
    }

    // MARK: Wallets

    func balance(of wallet: WalletAddress) -> Collateral {
        self.collateral[wallet] ?? .zero
    }

    func shares(of wallet: WalletAddress, tokenID: TokenID) -> Shares {
        self.holdings[wallet]?[tokenID]?.shares ?? .zero
    }

    /// Collateral not promised to resting BUY orders.
    func availableCollateral(of wallet: WalletAddress) -> Collateral {
        var locked = Collateral.zero
        for orderIDs in self.resting.values {
            for orderID in orderIDs {
                guard let order = self.orders[orderID], order.funder == wallet, order.side == .buy else { continue }
                locked += order.remaining.value(at: order.price, rounding: .up)
            }
        }
        return self.balance(of: wallet) - locked
    }

    /// Shares not promised to resting SELL orders.
    func availableShares(of wallet: WalletAddress, tokenID: TokenID) -> Shares {
        var locked = Shares.zero
        for orderID in self.resting[tokenID] ?? [] {
            guard let order = self.orders[orderID], order.funder == wallet, order.side == .sell else { continue }
            locked += order.remaining
        }
        return self.shares(of: wallet, tokenID: tokenID) - locked
    }

    mutating func credit(_ wallet: WalletAddress, _ amount: Collateral) {
        self.collateral[wallet, default: .zero] += amount
    }

    /// Adds bought shares and their cost.
    mutating func addShares(_ wallet: WalletAddress, _ tokenID: TokenID, _ shares: Shares, cost: Collateral) {
        var holding = self.holdings[wallet]?[tokenID] ?? Holding()
        holding.shares += shares
        holding.cost += cost
        self.holdings[wallet, default: [:]][tokenID] = holding
    }

    /// Removes sold shares with their share of the cost (never below zero: a leader may sell
    /// shares bought before the venue knew it).
    mutating func removeShares(_ wallet: WalletAddress, _ tokenID: TokenID, _ shares: Shares) {
        guard var holding = self.holdings[wallet]?[tokenID], holding.shares.baseUnits > 0 else { return }
        let sold = min(shares, holding.shares)
        let costSold = Collateral(baseUnits: Int64(
            Int128(holding.cost.baseUnits) * Int128(sold.baseUnits) / Int128(holding.shares.baseUnits)))
        holding.shares -= sold
        holding.cost -= costSold
        if holding.shares.baseUnits == 0 {
            self.holdings[wallet]?[tokenID] = nil
        } else {
            self.holdings[wallet]?[tokenID] = holding
        }
    }

    func positions(of wallet: WalletAddress) -> [WalletPosition] {
        (self.holdings[wallet] ?? [:])
            .filter { $0.value.shares.baseUnits > 0 }
            .sorted { $0.key < $1.key }
            .compactMap { tokenID, holding in
                guard let market = try? self.market(of: tokenID) else { return nil }
                return WalletPosition(
                    tokenID: tokenID, conditionID: market.conditionID, shares: holding.shares,
                    averagePrice: Price(exact: (try? holding.cost.exact.divided(
                        by: holding.shares.exact, places: 6, rounding: .down))?.quotient ?? .zero),
                    redeemable: market.resolved, negRisk: market.negRisk,
                    resolvedPrice: market.winningToken.map { $0 == tokenID ? .one : .zero })
            }
    }

    // MARK: Owners

    /// Whether `eoa` signs for `funder`: the EOA itself, a registered owner, or the owner the
    /// funder's address derives from (proxy, Safe or deposit wallet, spec §4.1). A funder no one
    /// registered is learnt from the caller's trading account.
    mutating func isOwner(_ eoa: Address, of funder: Address, account: TradingAccount?) -> Bool {
        if eoa == funder { return true }
        let funderAddress = WalletAddress(funder)
        if let owner = self.owners[funderAddress] { return owner == WalletAddress(eoa) }
        let derivation = WalletDerivation.polygon
        let derived = [derivation.proxyWallet(owner: eoa), derivation.safe(owner: eoa)]
            + WalletDerivation.DepositWalletShape.allCases.map { derivation.depositWallet(owner: eoa, shape: $0) }
        if derived.contains(funder) { return true }
        if let account, account.funderAddress == funderAddress, account.signerAddress == WalletAddress(eoa) {
            self.owners[funderAddress] = account.signerAddress
            return true
        }
        return false
    }

    mutating func register(funder: WalletAddress, owner: WalletAddress) {
        guard funder != owner else { return }
        self.owners[funder] = owner
    }
}
