extension CopyEngine {
    /// Looks an order that has no final outcome up by hash at the venue and applies the answer
    /// (booking any fill), outside any attempt's claim: `POST /admin/reconcile`. The order's
    /// compare-and-set keeps this safe beside a worker doing the same. Returns the order as
    /// stored afterwards; unchanged when the venue has never seen it (the attempt's own
    /// reconciliation resends those bytes). `audit` describes the change, appended in the same
    /// atomic step as it.
    public func reconcileStale(_ order: Order, audit: ((Order) -> AuditEntry)? = nil) async throws -> Order {
        guard !order.status.isTerminal, let wallet = try await self.store.wallet(id: order.walletID) else { return order }
        guard let snapshot = try await self.exchange.order(id: order.id, account: TradingAccount(wallet)) else { return order }
        let conditionID: String
        if let known = try await self.store.attempt(id: order.attemptID)?.conditionID {
            conditionID = known
        } else if let position = try await self.store.position(profileID: order.profileID, tokenID: order.tokenID) {
            conditionID = position.conditionID
        } else {
            conditionID = try await self.exchange.market(tokenID: order.tokenID).conditionID
        }
        guard let settlement = AttemptPlanner.settlement(of: order, snapshot: snapshot, conditionID: conditionID,
                                                         at: self.wallClock.now())
        else { return order }
        let position = try await settlement.booking.asyncMap { booking in
            booking.applied(to: try await self.store.position(profileID: order.profileID, tokenID: order.tokenID))
        }
        _ = try await self.store.updateOrder(settlement.order, from: order.status, booking: position,
                                             audit: audit?(settlement.order))
        return try await self.store.order(id: order.id) ?? order
    }
}
