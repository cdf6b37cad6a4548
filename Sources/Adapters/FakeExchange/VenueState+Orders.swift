import Kernel
import PolymarketProtocol

/// One order the venue accepted (rejections are never stored: the venue never saw them as orders).
struct OrderRecord: Hashable, Sendable {
    var id: OrderID
    var funder: WalletAddress
    var tokenID: TokenID
    var side: Side
    var type: KernelOrderType
    var price: Price
    var shares: Shares
    var filledShares: Shares = .zero
    var filledNotional: Collateral = .zero
    var fee: Collateral = .zero
    var state: OrderSnapshot.State
    var expiresAt: Timestamp?

    var remaining: Shares { self.shares - self.filledShares }

    var snapshot: OrderSnapshot {
        OrderSnapshot(orderID: self.id, state: self.state, filledShares: self.filledShares,
                      filledNotional: self.filledNotional, fee: self.fee)
    }
}

/// A signed order whose signature checked out, as the venue takes it from the request body.
struct IncomingOrder: Hashable, Sendable {
    var id: OrderID
    var funder: WalletAddress
    var tokenID: TokenID
    var side: Side
    var type: KernelOrderType
    var makerAmount: UInt64
    var takerAmount: UInt64
    /// Unix seconds; 0 for none.
    var expiration: UInt64
    var postOnly: Bool
}

/// One match of a taker order: against the market's liquidity (`maker == nil`) or a resting order.
struct PlannedMatch: Hashable, Sendable {
    var price: Price
    var size: Shares
    var maker: OrderID?
}

extension VenueState {
    /// Takes an order by Polymarket's rules: the existing order for a hash already seen, a
    /// rejection with the CLOB's code, or the order matched and (GTC/GTD) rested.
    mutating func place(_ incoming: IncomingOrder, now: Timestamp) -> OrderSnapshot {
        self.expireOrders(now: now)
        if let existing = self.orders[incoming.id] { return existing.snapshot }
        func reject(_ code: String, _ message: String) -> OrderSnapshot {
            OrderSnapshot(orderID: incoming.id, state: .rejected(code: code, message: message))
        }

        guard let market = try? self.market(of: incoming.tokenID) else {
            return reject("INVALID_ORDER_ERROR", "no market for token \(incoming.tokenID)")
        }
        guard market.acceptingOrders, !market.resolved else {
            return reject("MARKET_NOT_READY", "the market is not accepting orders")
        }
        let tick = market.tick
        let (shareUnits, collateralUnits) = incoming.side == .buy
            ? (incoming.takerAmount, incoming.makerAmount) : (incoming.makerAmount, incoming.takerAmount)
        guard shareUnits > 0, collateralUnits > 0, let sharesBase = Int64(exactly: shareUnits),
              Int64(exactly: collateralUnits) != nil
        else { return reject("INVALID_ORDER_ERROR", "invalid amounts: both must be positive") }
        let shares = Shares(baseUnits: sharesBase)

        // FOK/FAK are market orders (spec §5.4): the maker side has at most the size decimals,
        // the taker side at most the tick's amount decimals, and the pair is exactly the SDKs'
        // market amounts for a worst price on the tick (whose implied price sits a hair inside
        // it). GTC/GTD carry limit amounts: shares to the size decimals, collateral to the amount
        // decimals, at a price on the tick. Anything else is refused as the CLOB refuses it.
        let side = incoming.side == .buy ? "buy" : "sell"
        let price: Price
        if incoming.type == .fok || incoming.type == .fak {
            guard incoming.makerAmount % UInt64(tick.sizeStep) == 0, incoming.takerAmount % UInt64(tick.amountStep) == 0 else {
                return reject("INVALID_ORDER_ERROR", Self.precisionMessage(
                    "market \(side) orders", maker: tick.sizeDecimals, taker: tick.amountDecimals))
            }
            guard let worst = Self.marketWorstPrice(of: incoming, tick: tick) else {
                return reject("INVALID_ORDER_MIN_TICK_SIZE", Self.offTickMessage(tick))
            }
            price = worst
        } else {
            guard let implied = try? ExactDecimal(collateralUnits).divided(
                      by: ExactDecimal(shareUnits), places: tick.priceDecimals, rounding: .down),
                  implied.isExact, tick.isValidPrice(implied.quotient), let limit = Price(exact: implied.quotient)
            else { return reject("INVALID_ORDER_MIN_TICK_SIZE", Self.offTickMessage(tick)) }
            guard shareUnits % UInt64(tick.sizeStep) == 0, collateralUnits % UInt64(tick.amountStep) == 0 else {
                let (maker, taker) = incoming.side == .buy
                    ? (tick.amountDecimals, tick.sizeDecimals) : (tick.sizeDecimals, tick.amountDecimals)
                return reject("INVALID_ORDER_ERROR", Self.precisionMessage("\(side) orders", maker: maker, taker: taker))
            }
            price = limit
        }
        guard shares >= market.minOrderSize else {
            return reject("INVALID_ORDER_MIN_SIZE", "size \(shares) is below the market's minimum of \(market.minOrderSize)")
        }

        var expiresAt: Timestamp?
        switch incoming.type {
        case .gtd:
            let earliest = UInt64(max(now.epochMilliseconds, 0) / 1000) + 60
            guard incoming.expiration >= earliest else {
                return reject("INVALID_ORDER_EXPIRATION", "a GTD order must expire at least 60 s from now")
            }
            expiresAt = Timestamp(epochMilliseconds: Int64(clamping: min(incoming.expiration, UInt64(Int64.max / 1000))) * 1000)
        case .fok, .fak, .gtc:
            guard incoming.expiration == 0 else {
                return reject("INVALID_ORDER_EXPIRATION", "only GTD orders carry an expiration")
            }
        }
        if incoming.postOnly, incoming.type == .fok || incoming.type == .fak {
            return reject("INVALID_POST_ONLY_ORDER_TYPE", "post-only is for GTC and GTD orders only")
        }

        switch incoming.side {
        case .buy:
            let needed = Collateral(baseUnits: Int64(collateralUnits)) + market.takerFee.takerFee(shares: shares, price: price)
            guard needed <= self.availableCollateral(of: incoming.funder) else {
                return reject("INVALID_ORDER_NOT_ENOUGH_BALANCE", "not enough balance / allowance")
            }
        case .sell:
            guard shares <= self.availableShares(of: incoming.funder, tokenID: incoming.tokenID) else {
                return reject("INVALID_ORDER_NOT_ENOUGH_BALANCE", "not enough balance / allowance")
            }
        }

        let matches = self.plannedMatches(
            tokenID: incoming.tokenID, side: incoming.side, limit: price, upTo: shares, excluding: incoming.funder)
        let matchable = matches.reduce(Shares.zero) { $0 + $1.size }
        var record = OrderRecord(
            id: incoming.id, funder: incoming.funder, tokenID: incoming.tokenID, side: incoming.side,
            type: incoming.type, price: price, shares: shares, state: .live, expiresAt: expiresAt)

        switch incoming.type {
        case .fok where matchable < shares, .fak where matchable.baseUnits == 0:
            record.state = .killed
            self.orders[record.id] = record
            return record.snapshot
        case .gtc where incoming.postOnly && matchable.baseUnits > 0,
             .gtd where incoming.postOnly && matchable.baseUnits > 0:
            return reject("INVALID_POST_ONLY_ORDER", "invalid post-only order: order crosses book")
        default:
            break
        }

        // The fill must be affordable at the prices it actually gets, with a resting remainder's
        // collateral set aside.
        if incoming.side == .buy {
            var cost = matches.reduce(Collateral.zero) { total, match in
                total + match.size.value(at: match.price, rounding: .up)
                    + market.takerFee.takerFee(shares: match.size, price: match.price)
            }
            if incoming.type == .gtc || incoming.type == .gtd {
                cost += (shares - matchable).value(at: price, rounding: .up)
            }
            guard cost <= self.availableCollateral(of: incoming.funder) else {
                return reject("INVALID_ORDER_NOT_ENOUGH_BALANCE", "not enough balance / allowance")
            }
        }

        let (notional, fee) = self.execute(matches, taker: incoming.funder, tokenID: incoming.tokenID,
                                           side: incoming.side, fees: market.takerFee)
        record.filledShares = matchable
        record.filledNotional = notional
        record.fee = fee
        if matchable == shares {
            record.state = .filled
        } else if incoming.type == .gtc || incoming.type == .gtd {
            record.state = .live
            self.resting[incoming.tokenID, default: []].append(record.id)
        } else {
            record.state = .partiallyFilled
        }
        self.orders[record.id] = record
        if market.simulatedLiquidity, matchable.baseUnits > 0 {
            // Someone else soon replaces what was taken.
            self.restock(market.conditionID)
        }
        return record.snapshot
    }

    /// The CLOB's wording for amounts with too many decimals (tick-dependent, spec §7.2).
    static func precisionMessage(_ orders: String, maker: Int, taker: Int) -> String {
        "invalid amounts, the \(orders) maker amount supports a max accuracy of \(maker) decimals, "
            + "taker amount a max of \(taker) decimals"
    }

    static func offTickMessage(_ tick: TickSize) -> String {
        "the order's price breaks the market's tick size \(tick) (price must be a multiple in [tick, 1 - tick])"
    }

    /// The on-tick worst price whose market amounts (spec §5.4) are exactly the order's, if any:
    /// the tick prices either side of the price the amounts imply.
    static func marketWorstPrice(of incoming: IncomingOrder, tick: TickSize) -> Price? {
        let makerUnits = incoming.makerAmount
        guard incoming.takerAmount > 0,
              let implied = try? ExactDecimal(incoming.side == .buy ? makerUnits : incoming.takerAmount).divided(
                  by: ExactDecimal(incoming.side == .buy ? incoming.takerAmount : makerUnits),
                  places: tick.priceDecimals, rounding: .down).quotient,
              let maker = try? ExactDecimal(makerUnits).divided(by: ExactDecimal(1_000_000), places: 6, rounding: .down).quotient
        else { return nil }
        let candidates = [implied, try? implied.adding(tick.value)].compactMap { $0 }
        for candidate in candidates where tick.isValidPrice(candidate) {
            guard let amounts = try? OrderAmounts.market(side: incoming.side.clob, worstPrice: candidate, amount: maker, tick: tick),
                  amounts.makerAmount == makerUnits, amounts.takerAmount == incoming.takerAmount
            else { continue }
            return Price(exact: candidate)
        }
        return nil
    }

    /// What a taker order on `side` at `limit` would match, best price first, resting orders
    /// before the market's liquidity at the same price; never the taker's own resting orders.
    func plannedMatches(tokenID: TokenID, side: Side, limit: Price, upTo shares: Shares,
                        excluding funder: WalletAddress?) -> [PlannedMatch] {
        var candidates: [PlannedMatch] = []
        let liquidity = self.liquidity[tokenID] ?? Liquidity()
        let crosses: (Price) -> Bool = { side == .buy ? $0 <= limit : $0 >= limit }
        for orderID in self.resting[tokenID] ?? [] {
            guard let order = self.orders[orderID], order.side != side, order.funder != funder, crosses(order.price)
            else { continue }
            candidates.append(PlannedMatch(price: order.price, size: order.remaining, maker: orderID))
        }
        for level in side == .buy ? liquidity.asks : liquidity.bids where crosses(level.price) {
            candidates.append(PlannedMatch(price: level.price, size: level.size, maker: nil))
        }
        // Stable sort: resting orders (listed first) keep priority at equal prices.
        candidates = candidates.enumerated().sorted { left, right in
            if left.element.price != right.element.price {
                return side == .buy ? left.element.price < right.element.price : left.element.price > right.element.price
            }
            return left.offset < right.offset
        }.map(\.element)

        var remaining = shares
        var matches: [PlannedMatch] = []
        for candidate in candidates where remaining.baseUnits > 0 {
            let size = min(candidate.size, remaining)
            matches.append(PlannedMatch(price: candidate.price, size: size, maker: candidate.maker))
            remaining -= size
        }
        return matches
    }

    /// Carries out `matches` for a taker: liquidity consumed, makers filled, the taker's collateral
    /// and shares moved and the taker fee charged. Returns the notional and the fee.
    mutating func execute(_ matches: [PlannedMatch], taker: WalletAddress, tokenID: TokenID, side: Side,
                          fees: FeeSchedule) -> (notional: Collateral, fee: Collateral) {
        var notional = Collateral.zero
        var fee = Collateral.zero
        var filled = Shares.zero
        for match in matches {
            let value = match.size.value(at: match.price, rounding: side == .buy ? .up : .down)
            notional += value
            fee += fees.takerFee(shares: match.size, price: match.price)
            filled += match.size
            if let maker = match.maker {
                self.fillMaker(maker, size: match.size, notional: value)
            } else {
                self.consumeLiquidity(tokenID: tokenID, takerSide: side, price: match.price, size: match.size)
            }
        }
        switch side {
        case .buy:
            self.credit(taker, -(notional + fee))
            self.addShares(taker, tokenID, filled, cost: notional + fee)
        case .sell:
            self.removeShares(taker, tokenID, filled)
            self.credit(taker, notional - fee)
        }
        return (notional, fee)
    }

    private mutating func consumeLiquidity(tokenID: TokenID, takerSide: Side, price: Price, size: Shares) {
        var liquidity = self.liquidity[tokenID] ?? Liquidity()
        if takerSide == .buy {
            Self.take(size, at: price, from: &liquidity.asks)
        } else {
            Self.take(size, at: price, from: &liquidity.bids)
        }
        self.liquidity[tokenID] = liquidity
    }

    private static func take(_ size: Shares, at price: Price, from levels: inout [BookLevel]) {
        guard let index = levels.firstIndex(where: { $0.price == price }) else { return }
        levels[index].size -= size
        if levels[index].size.baseUnits <= 0 { levels.remove(at: index) }
    }

    /// A resting order is filled at its own price; makers pay no fee.
    mutating func fillMaker(_ orderID: OrderID, size: Shares, notional: Collateral) {
        guard var order = self.orders[orderID] else { return }
        order.filledShares += size
        order.filledNotional += notional
        switch order.side {
        case .buy:
            self.credit(order.funder, -notional)
            self.addShares(order.funder, order.tokenID, size, cost: notional)
        case .sell:
            self.removeShares(order.funder, order.tokenID, size)
            self.credit(order.funder, notional)
        }
        if order.remaining.baseUnits <= 0 {
            order.state = .filled
            self.resting[order.tokenID]?.removeAll { $0 == orderID }
        }
        self.orders[orderID] = order
    }

    /// Takes a live order off the book: canceled, or partially filled if anything filled.
    mutating func close(_ orderID: OrderID) {
        guard var order = self.orders[orderID], order.state == .live else { return }
        order.state = order.filledShares.baseUnits == 0 ? .canceled : .partiallyFilled
        self.resting[order.tokenID]?.removeAll { $0 == orderID }
        self.orders[orderID] = order
    }

    mutating func cancel(_ orderID: OrderID, funder: WalletAddress, now: Timestamp) -> OrderSnapshot? {
        self.expireOrders(now: now)
        guard let order = self.orders[orderID], order.funder == funder else { return nil }
        self.close(orderID)
        return self.orders[orderID]?.snapshot
    }

    func order(_ orderID: OrderID, funder: WalletAddress) -> OrderSnapshot? {
        guard let order = self.orders[orderID], order.funder == funder else { return nil }
        return order.snapshot
    }

    /// GTD orders whose time is up leave the book.
    mutating func expireOrders(now: Timestamp) {
        for orderIDs in self.resting.values {
            for orderID in orderIDs {
                if let expiresAt = self.orders[orderID]?.expiresAt, expiresAt <= now { self.close(orderID) }
            }
        }
    }

    /// A leader's fill crossing resting orders fills them at their own prices (the leader is the
    /// taker), up to the fill's size.
    mutating func crossRestingOrders(tokenID: TokenID, leaderSide: Side, price: Price, size: Shares) {
        let matches = self.plannedMatches(tokenID: tokenID, side: leaderSide, limit: price, upTo: size, excluding: nil)
        for match in matches {
            guard let maker = match.maker else { continue }
            self.fillMaker(maker, size: match.size,
                           notional: match.size.value(at: match.price, rounding: leaderSide == .buy ? .up : .down))
        }
    }
}
