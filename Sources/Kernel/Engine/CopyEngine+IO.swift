import Logging

/// The engine's I/O: the batch's reads, the venue calls and the two commits. What to do with
/// their results is the planner's (``AttemptPlanner``).
extension CopyEngine {
    // MARK: Reads

    /// Reads what every claimed attempt needs in three store reads at once (its followers' facts,
    /// its events unless `recorded` is the one, its users' account event caps), and orders the
    /// batch for deciding (fan-outs shuffled, each attempt's place recorded on it).
    func load(_ claimed: [CopyAttempt], recorded: LeaderEvent? = nil) async throws -> Batch {
        let now = self.wallClock.now()
        let dayStart = Timestamp(epochMilliseconds: now.epochMilliseconds - now.epochMilliseconds % 86_400_000)
        // Open orders are short-lived (FOK entries, FAK exits); a day's window covers them and today's spend.
        let ordersSince = dayStart - .seconds(86_400)
        // The reads at once: none needs another.
        async let facts = self.store.followerFacts(profileIDs: Set(claimed.map(\.profileID)), ordersSince: ordersSince,
                                                   spendSince: dayStart)
        let known = recorded.map { [$0.id: $0] } ?? [:]
        async let readEvents = self.store.leaderEvents(ids: Set(claimed.compactMap(\.leaderEventID)).subtracting(known.keys))
        async let readAccounts = self.accountEventExposure(claimed)
        let followers = try await facts
        let events = try await readEvents.merging(known) { stored, _ in stored }
        let accounts = try await readAccounts
        let profiles = followers.profiles
        let wallets = followers.wallets
        var ledgers: [ProfileID: ProfileLedger] = [:]
        for id in profiles.keys {
            ledgers[id] = ProfileLedger(positions: followers.positions[id] ?? [], openOrders: followers.openOrders[id] ?? [],
                                        settledSpend: followers.settledSpend[id] ?? .zero, dayStart: dayStart)
        }
        var works: [AttemptWork] = []
        for var attempt in claimed {
            let event = attempt.leaderEventID.flatMap { events[$0] }
            // Rows from before migration 0004 learn their market from their event.
            attempt.conditionID = attempt.conditionID ?? event?.fill.conditionID
            let profile = profiles[attempt.profileID]
            let ledger = ledgers[attempt.profileID]
                ?? ProfileLedger(positions: [], openOrders: [], settledSpend: .zero, dayStart: dayStart)
            if attempt.conditionID == nil {
                attempt.conditionID = ledger.positions.first { $0.tokenID == attempt.tokenID }?.conditionID
            }
            // Only reconciliation (a PLACING attempt) reads its orders, final ones included.
            let orders = attempt.status == .placing ? try await self.store.orders(attemptID: attempt.id) : []
            var work = AttemptWork(
                attempt: attempt, profile: profile,
                wallet: profile.flatMap { wallets[$0.walletID] }, event: event, orders: orders,
                exposure: ledger.exposure(conditionID: attempt.conditionID, tokenID: attempt.tokenID),
                held: ledger.held(attempt.tokenID), sellable: ledger.sellable(attempt.tokenID))
            if profile?.limits.maxPerEvent != nil, attempt.kind == .entry { work.eventCommitted = ledger.committedByToken() }
            if profile?.mode == .live, attempt.kind == .entry { work.account = accounts[attempt.userID] }
            works.append(work)
        }
        let fanOut = FanOut(seed: self.settings.fanOutSeed)
        let index = Dictionary(works.indices.map { (works[$0].attempt.id, $0) }, uniquingKeysWith: { first, _ in first })
        var order: [Int] = []
        let twins = Set(profiles.values.filter { $0.twinOf != nil }.map(\.id))
        for (attempt, place) in fanOut.ordered(works.map(\.attempt), last: twins) {
            guard let position = index[attempt.id] else { continue }
            if let place, works[position].attempt.status != .placing, works[position].attempt.fanoutPlace == nil {
                works[position].attempt.fanoutPlace = place
            }
            order.append(position)
        }
        var batch = Batch(works: works, order: order, fanOut: fanOut, funds: followers.funds)
        // Every wallet's available balance is in hand from the start, so the fan-out is decided in
        // one pass in its shuffled order, no follower waiting for a read while later ones are sized.
        for (walletID, funds) in followers.funds { batch.balances[walletID] = funds.plannedBalance }
        return batch
    }

    /// Reads the facts one planning round asked for: each market and book, balance and order
    /// lookup once, concurrently.
    func read(markets: Set<TokenID>, balances: Set<WalletID>, lookups: [Int: Order], into batch: inout Batch) async throws {
        let marketFacts = try await self.bounded(Array(markets)) { token in
            (token, await self.marketFact(token))
        }
        for (token, fact) in marketFacts { batch.fanOut.setMarket(fact, for: token) }

        for walletID in balances { batch.balances[walletID] = try await self.balanceFact(walletID, batch.funds[walletID]) }

        let requests = lookups.compactMap { index, order in
            batch.works[index].wallet.map { (index, order, TradingAccount($0)) }
        }
        let answers = try await self.bounded(requests) { index, order, account in
            (index, order.id, await self.lookUpFact(order, account: account))
        }
        for (index, orderID, fact) in answers { batch.works[index].lookups[orderID] = fact }
    }

    /// The market and book of every token the batch decides anew (attempts not yet placing: those
    /// only look their orders up), each once, concurrently.
    func prefetchMarkets(for claimed: [CopyAttempt]) async -> [(TokenID, VenueFact<MarketBook>)] {
        let tokens = Set(claimed.filter { $0.status != .placing }.map(\.tokenID))
        return (try? await self.bounded(Array(tokens)) { token in (token, await self.marketFact(token)) }) ?? []
    }

    func marketFact(_ token: TokenID) async -> VenueFact<MarketBook> {
        do {
            // One after the other, as a breaker-guarded venue expects: no read after a failure.
            let market = try await self.exchange.market(tokenID: token)
            return .known(MarketBook(market: market, book: try await self.exchange.orderBook(tokenID: token)))
        } catch {
            return Self.fact(error)
        }
    }

    /// The wallet's available collateral as the store keeps it (``WalletFunds``: the synced venue
    /// balance less reserved withdrawals and open buys) — no venue call per order; the commit
    /// that persists the orders checks it again under the wallet's lock.
    func balanceFact(_ walletID: WalletID, _ loaded: WalletFunds?) async throws -> VenueFact<Collateral> {
        if let loaded { return loaded.plannedBalance }
        return try await self.store.walletFunds(walletID: walletID).plannedBalance
    }

    func lookUpFact(_ order: Order, account: TradingAccount) async -> VenueFact<OrderSnapshot?> {
        do {
            return .known(try await self.exchange.order(id: order.id, account: account))
        } catch {
            self.logger.info("order lookup failed; will retry", metadata: ["order.id": "\(order.id)", "error": "\(error)"])
            return .unavailable("\(error)")
        }
    }

    func prepareFact(_ intent: OrderIntent, account: TradingAccount, at time: Timestamp) async -> VenueFact<PreparedOrder> {
        do {
            return .known(try await self.exchange.prepareOrder(intent, account: account, at: time))
        } catch {
            return Self.fact(error)
        }
    }

    /// A venue failure as a fact: transient ones may pass; anything else is a refusal.
    static func fact<Value>(_ error: any Error) -> VenueFact<Value> {
        if let venue = error as? VenueError, venue.isTransient { return .unavailable("\(venue)") }
        return .refused("\(error)")
    }

    // MARK: Sign, send

    /// Signs the prepared order's digest once with the wallet's key and builds the exact bytes to
    /// send; `nil` when the key could not sign (the attempt fails; the reason is logged).
    func signedPayload(_ prepared: PreparedOrder, wallet: TradingWallet) async -> String? {
        do {
            let signature = try await self.vault.sign(
                digest: prepared.digest, with: wallet.sealedKey,
                binding: .tradingKey(userID: wallet.userID, address: wallet.signerAddress))
            return try self.exchange.signedPayload(for: prepared, signature: signature, account: TradingAccount(wallet))
        } catch {
            self.logger.error("order signing failed", metadata: ["wallet.id": "\(wallet.id)", "error": "\(error)"])
            return nil
        }
    }

    /// Sends the stored bytes; the venue's answer, or `.unavailable` when the outcome is unknown.
    func submit(_ order: Order, account: TradingAccount) async throws -> VenueFact<OrderSnapshot> {
        let started = ContinuousClock.now
        defer { CopyMetrics.latency(.send, ContinuousClock.now - started) }
        do {
            let snapshot = try await self.exchange.submitOrder(payload: order.signedPayload, orderID: order.id,
                                                                account: account)
            try await self.faults(.afterSend)
            return .known(snapshot)
        } catch VenueError.refused(let status, let message) {
            return .known(OrderSnapshot(orderID: order.id, state: .rejected(code: "HTTP \(status)", message: message)))
        } catch let error as VenueError {
            return .unavailable("\(error)")
        }
    }

    /// Just before sending: a profile paused or stopped since the batch was decided stops its
    /// orders, which were never sent.
    func stopSendsOfStoppedProfiles(_ batch: inout Batch) async throws {
        let sending = batch.works.indices.filter {
            if case .send = batch.works[$0].need { return true }
            return false
        }
        guard !sending.isEmpty else { return }
        let now = self.wallClock.now()
        // One read of one column for every profile of the batch.
        let statuses = try await self.store.profileStatuses(ids: Set(sending.map { batch.works[$0].attempt.profileID }))
        for index in sending {
            let work = batch.works[index]
            guard case .send(let order) = work.need else { continue }
            if let status = statuses[work.attempt.profileID], work.attempt.kind.isAllowed(by: status) { continue }
            batch.works[index].need = .open
            try self.carryOut(.cancelUnsent(order, note: "profile no longer active before send"), &batch, index, at: now)
            _ = self.advance(&batch, index)
        }
    }

    // MARK: Commits

    /// Writes every changed attempt's step in one atomic commit; an attempt whose claim is gone
    /// is dropped from the batch (another worker owns it now).
    func commit(_ batch: inout Batch) async throws {
        let indices = batch.works.indices.filter { batch.works[$0].dirty && !batch.works[$0].lost }
        guard !indices.isEmpty else { return }
        let outcomes = try await self.store.commitAttemptSteps(indices.map { batch.step(checkingAccountCap: batch.works[$0]) })
        for (index, outcome) in zip(indices, outcomes) {
            switch outcome {
            case .applied:
                batch.works[index].committed()
                if batch.works[index].attempt.status.isTerminal { CopyMetrics.finished(batch.works[index].attempt, self.logger) }
            case .claimLost:
                batch.works[index].lost = true
                batch.works[index].need = .settled
                self.logger.notice("attempt lease lost; another worker owns it",
                                   metadata: ["attempt.id": "\(batch.works[index].attempt.id)"])
            case .insufficientFunds:
                // The wallet's funds, checked under its lock, do not cover the signed buy: it is
                // dropped unsent, and the attempt skipped in the next commit.
                batch.works[index].rollBack()
                try self.carryOut(.skip(.insufficientBalance), &batch, index, at: self.wallClock.now())
            case .eventCapReached:
                // Another worker's orders took the user's account-wide event cap first (checked
                // under the same lock): dropped unsent, skipped like a cap the planner saw.
                batch.works[index].rollBack()
                try self.carryOut(.skip(.eventCapReached), &batch, index, at: self.wallClock.now())
            }
        }
    }
}

/// A profile's positions, open orders and today's settled spend, read once per batch: its
/// exposure, holdings and what its open sells already offer.
struct ProfileLedger: Sendable {
    let positions: [Position]
    let openOrders: [Order]
    /// What today's final BUY orders cost (filled notional plus fee).
    let settledSpend: Collateral
    let dayStart: Timestamp

    /// Cost basis of positions plus open BUY orders, in this market and in total, and today's
    /// spend: final buys at what they cost, open ones at what they may.
    func exposure(conditionID: String?, tokenID: TokenID) -> EntrySizing.Exposure {
        let open = self.openOrders.filter { $0.side == .buy }
        let openCost: (Order) -> Collateral = { $0.shares.value(at: $0.limitPrice, rounding: .up) }
        return EntrySizing.Exposure(
            market: self.positions.filter { $0.conditionID == conditionID }.reduce(.zero) { $0 + $1.costBasis }
                + open.filter { $0.tokenID == tokenID }.reduce(.zero) { $0 + openCost($1) },
            total: self.positions.reduce(.zero) { $0 + $1.costBasis } + open.reduce(.zero) { $0 + openCost($1) },
            today: self.settledSpend + open.filter { $0.createdAt >= self.dayStart }.reduce(.zero) { $0 + openCost($1) })
    }

    func held(_ tokenID: TokenID) -> Shares {
        self.positions.first { $0.tokenID == tokenID }?.shares ?? .zero
    }

    /// Held less what open sells already offer, in whole hundredths, so two exits of one token
    /// (a leader selling twice in a row) never sell the same shares.
    func sellable(_ tokenID: TokenID) -> Shares {
        let offered = self.openOrders
            .filter { $0.side == .sell && $0.tokenID == tokenID }
            .reduce(Shares.zero) { $0 + ($1.shares - $1.filledShares) }
        return max(.zero, self.held(tokenID) - offered).orderable
    }
}
