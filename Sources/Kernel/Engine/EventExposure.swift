/// Event-level exposure caps (issue #22): every outcome market of one event counts as one. A
/// profile with an event cap keeps what it committed per token (``AttemptWork/eventCommitted``),
/// an entry of a live follow whose user has an account-wide cap what all the user's live follows
/// committed (``AttemptWork/account``); the engine reads those tokens' markets with the batch, so
/// each one's event is known, and the planner sees the sums over the tokens of the attempt's event.
extension CopyEngine {
    /// Reads the market (not the book) of every token a capped profile has committed to that the
    /// batch has not read, each once, concurrently (a venue's market metadata is cached). One
    /// that cannot be read stays unknown.
    func readCommittedMarkets(_ batch: inout Batch) async {
        var tokens: Set<TokenID> = []
        for work in batch.works {
            var held = Set(work.eventCommitted.keys)
            if let account = work.account { held.formUnion(account.committed.keys) }
            for token in held {
                if case .unread = batch.fanOut.market(for: token) { tokens.insert(token) }
            }
        }
        guard !tokens.isEmpty else { return }
        let events = (try? await self.bounded(Array(tokens)) { token -> (TokenID, Result<String?, any Error>) in
            do {
                return (token, .success(try await self.exchange.market(tokenID: token).eventID))
            } catch {
                return (token, .failure(error))
            }
        }) ?? []
        for (token, event) in events {
            if case .success(let eventID) = event { batch.eventOfHeld[token] = .some(eventID) }
        }
    }
}

extension Batch {
    /// The profile's stored exposure in the event of `work`'s market: `nil` without an event cap
    /// or when the market names no event. A committed token whose market is unknown counts as in
    /// the event, so a venue hiccup never lets the cap be passed.
    func storedEventExposure(_ work: AttemptWork) -> (id: String, stored: Collateral)? {
        guard work.profile?.limits.maxPerEvent != nil,
              case .known(let book) = self.fanOut.market(for: work.attempt.tokenID),
              let eventID = book.market.eventID else { return nil }
        let stored = work.eventCommitted.reduce(Collateral.zero) { self.counts($1.key, in: eventID) ? $0 + $1.value : $0 }
        return (eventID, stored)
    }

    /// Whether a committed token counts in `eventID`: its market names that event, or its event
    /// could not be read (so a venue hiccup never lets a cap be passed).
    func counts(_ token: TokenID, in eventID: String) -> Bool {
        let event: String?? = if case .known(let held) = self.fanOut.market(for: token) {
            .some(held.market.eventID)
        } else {
            self.eventOfHeld[token]
        }
        if case .some(let known) = event { return known == eventID }
        return true
    }

    /// The user's account-wide event cap and stored exposure in the event of `work`'s market
    /// (every live follow of the user, ``AccountEventExposure``): `nil` without an account cap, for
    /// a paper follow, or when the market names no event.
    func storedAccountExposure(_ work: AttemptWork)
        -> (userID: UserID, eventID: String, cap: Collateral, stored: Collateral)?
    {
        guard let account = work.account, let eventID = self.eventID(of: work) else { return nil }
        let stored = account.committed.reduce(Collateral.zero) { self.counts($1.key, in: eventID) ? $0 + $1.value : $0 }
        return (work.attempt.userID, eventID, account.cap, stored)
    }

    func eventID(of work: AttemptWork) -> String? {
        guard case .known(let book) = self.fanOut.market(for: work.attempt.tokenID) else { return nil }
        return book.market.eventID
    }

    /// `work`'s step, carrying the account-wide event cap for the commit to check again under its
    /// lock when the step places live BUYs in an event: the tokens counted are those the engine
    /// counts in the event and the step's own.
    func step(checkingAccountCap work: AttemptWork) -> AttemptStep {
        var step = work.step
        let buys = step.eventBuys
        guard !buys.isEmpty, let account = work.account, let eventID = self.eventID(of: work) else { return step }
        let held = account.committed.keys.filter { self.counts($0, in: eventID) }
        step.eventCap = EventCapCheck(userID: work.attempt.userID, eventID: eventID, cap: account.cap,
                                      tokens: Set(held).union(buys.keys))
        return step
    }
}

extension CopyEngine {
    /// The account-wide event caps of the users whose new entries the batch decides, live
    /// follows only (one store read; none when no attempt is such an entry).
    func accountEventExposure(_ claimed: [CopyAttempt]) async throws -> [UserID: AccountEventExposure] {
        let users = Set(claimed.filter { $0.kind == .entry && $0.status != .placing }.map(\.userID))
        guard !users.isEmpty else { return [:] }
        return try await self.store.accountEventExposure(userIDs: users)
    }
}

extension ProfileLedger {
    /// Cost basis of each held token plus open BUY orders in it, by token.
    func committedByToken() -> [TokenID: Collateral] {
        var committed: [TokenID: Collateral] = [:]
        for position in self.positions where position.costBasis.baseUnits > 0 {
            committed[position.tokenID, default: .zero] += position.costBasis
        }
        for order in self.openOrders where order.side == .buy {
            committed[order.tokenID, default: .zero] += order.shares.value(at: order.limitPrice, rounding: .up)
        }
        return committed
    }
}
