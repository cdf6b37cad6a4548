import Logging

/// Exits and close-outs (ARCHITECTURE §3 step 6): sell the leader's fraction of what this
/// profile holds — or everything sellable, for a full exit or a close-out — as FAK orders at the
/// bid with a sell-slippage guard, again and again until the target is sold, the profile stops
/// allowing it, or the market closes. Sells carry whole hundredths of a share
/// (``Shares/orderStep``): a remainder below that is dust, never an order and never retried; it
/// stays in the position and is redeemed at resolution. The target is fixed on the attempt when
/// decided, so a retry or a restart sells the rest of the same target.
extension CopyEngine {
    func decideExit(_ attempt: CopyAttempt, profile: CopyProfile, leaderSale: LeaderEvent?,
                    wallet: TradingWallet) async throws {
        if !attempt.kind.isAllowed(by: profile.status) { return try await self.skip(attempt, .profileNotActive) }
        let market: MarketInfo
        do {
            market = try await self.exchange.market(tokenID: attempt.tokenID)
        } catch let error as VenueError where error.isTransient {
            return try await self.deferAttempt(attempt, because: error)
        } catch let error as VenueError {
            _ = try await self.write(attempt, event: .fail) { $0.note = "the venue refused to describe the market: \(error)" }
            return
        }
        // A closed market's shares are held to resolution and redeemed by auto-claim.
        if !market.acceptingOrders || market.resolved == true { return try await self.skip(attempt, .marketClosed) }
        // Nothing but dust (or nothing at all): the exit ends here; the dust is held to resolution.
        let available = try await self.sellableShares(profileID: profile.id, tokenID: attempt.tokenID)
        guard available.baseUnits > 0 else { return try await self.skip(attempt, .nothingToSell) }
        let target = leaderSale.map {
            ExitSizing.target(available: available, leaderSold: $0.fill.size, leaderBefore: $0.leaderPositionBefore,
                              minOrderSize: market.minOrderSize)
        } ?? available
        guard target >= market.minOrderSize, target.baseUnits > 0 else {
            return try await self.skip(attempt, .belowExchangeMinimum)
        }
        let placing = try await self.write(attempt, event: .startPlacing) { $0.targetShares = target }
        try await self.sellRest(placing, profile: profile, wallet: wallet, orders: [])
    }

    /// Places the next sell of a PLACING exit: what is left of its target (never more than the
    /// profile holds) in whole hundredths, FAK at the current bid less the sell-slippage allowance.
    func sellRest(_ attempt: CopyAttempt, profile: CopyProfile, wallet: TradingWallet, orders: [Order]) async throws {
        let sold = orders.reduce(Shares.zero) { $0 + $1.filledShares }
        let held = try await self.store.position(profileID: profile.id, tokenID: attempt.tokenID)?.shares ?? .zero
        let shares = min((attempt.targetShares ?? .zero) - sold, held).orderable
        guard shares.baseUnits > 0 else {
            return try await self.complete(attempt, orders: orders, note: sold.baseUnits > 0 ? nil : "nothing left to sell")
        }
        let market: MarketInfo, book: OrderBook
        do {
            market = try await self.exchange.market(tokenID: attempt.tokenID)
            book = try await self.exchange.orderBook(tokenID: attempt.tokenID)
        } catch let error as VenueError {
            self.logger.info("exit waits for the venue", metadata: ["attempt.id": "\(attempt.id)", "error": "\(error)"])
            return try await self.release(attempt, dueIn: self.settings.exitRetryBackoff)
        }
        if !market.acceptingOrders || market.resolved == true {
            return try await self.complete(attempt, orders: orders,
                                           note: "market closed with \(shares) shares unsold; held to resolution")
        }
        if shares < market.minOrderSize {
            return try await self.complete(attempt, orders: orders,
                                           note: "\(shares) shares left, below the exchange minimum of \(market.minOrderSize)")
        }
        guard let bid = book.bestBid else {
            self.logger.info("exit waits for bids", metadata: ["attempt.id": "\(attempt.id)", "token.id": "\(attempt.tokenID)"])
            return try await self.release(attempt, dueIn: self.settings.exitRetryBackoff)
        }
        let limit = ExitSizing.limitPrice(bestBid: bid, maxSellSlippage: profile.limits.maxSellSlippage, tick: market.tickSize)
        let intent = OrderIntent(tokenID: attempt.tokenID, side: .sell, type: .fak, limitPrice: limit, shares: shares)
        let prepared: PreparedOrder
        do {
            prepared = try await self.exchange.prepareOrder(intent, account: TradingAccount(wallet), at: self.wallClock.now())
        } catch let error as VenueError where error.isTransient {
            return try await self.release(attempt, dueIn: self.settings.exitRetryBackoff)
        } catch {
            _ = try await self.write(attempt, event: .fail) { $0.note = "sell refused before signing: \(error)" }
            return
        }
        if profile.mode == .paper {
            return try await self.paperFill(attempt, prepared: prepared, book: book, market: market, wallet: wallet)
        }
        try await self.placeLive(attempt, prepared: prepared, wallet: wallet, conditionID: market.conditionID)
    }

    /// What a profile holds of a token less what its open sells already offer, so two exits of
    /// one token (a leader selling twice in a row) never sell the same shares; in whole
    /// hundredths, the dust below being unsellable.
    func sellableShares(profileID: ProfileID, tokenID: TokenID) async throws -> Shares {
        let held = try await self.store.position(profileID: profileID, tokenID: tokenID)?.shares ?? .zero
        let now = self.wallClock.now()
        let offered = try await self.store.orders(profileID: profileID, createdSince: now - .seconds(86_400))
            .filter { $0.side == .sell && $0.tokenID == tokenID && !$0.status.isTerminal }
            .reduce(Shares.zero) { $0 + ($1.shares - $1.filledShares) }
        return max(.zero, held - offered).orderable
    }
}

extension CopyAttempt.Kind {
    /// Whether a profile in `status` may act on an attempt of this kind: entries only when
    /// ENABLED; exits also in EXIT_ONLY; a close-out (the user's "sell now") once STOPPED.
    /// PAUSED and USER_PAUSED allow nothing.
    public func isAllowed(by status: ProfileStatus) -> Bool {
        switch self {
        case .entry: status.allowsEntries
        case .exit: status.allowsExits
        case .closeOut: status.allowsExits || status == .stopped
        }
    }
}

extension Optional {
    /// `map` for an async transform that may itself return nil.
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
