/// Event-level exposure caps (issue #22): every outcome market of one event counts as one. A
/// profile with an event cap keeps what it committed per token (``AttemptWork/eventCommitted``); the
/// engine reads those tokens' markets with the batch, so each one's event is known, and the
/// planner sees the sum over the tokens of the attempt's event.
extension CopyEngine {
    /// Reads the market (not the book) of every token a capped profile has committed to that the
    /// batch has not read, each once, concurrently (a venue's market metadata is cached). One
    /// that cannot be read stays unknown.
    func readCommittedMarkets(_ batch: inout Batch) async {
        var tokens: Set<TokenID> = []
        for work in batch.works {
            for token in work.eventCommitted.keys {
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
        var stored = Collateral.zero
        for (token, cost) in work.eventCommitted {
            let event: String?? = if case .known(let held) = self.fanOut.market(for: token) {
                .some(held.market.eventID)
            } else {
                self.eventOfHeld[token]
            }
            if case .some(let known) = event, known != eventID { continue }
            stored += cost
        }
        return (eventID, stored)
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
