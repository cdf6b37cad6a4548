import FakeExchangeAdapter
public import Kernel

/// What the multi-process benchmark (`WorkersBenchmark`) needs of a bench: one process records
/// fills into the queue, others open the same followers' accounts at their own venue and drain
/// the queue as `mirror workers` does.
extension CopyBench {
    /// Opens followers `1...count`'s accounts (as ``addFollower(of:funds:)`` created them in another
    /// process) at this bench's venue, funded with `funds`; the store already has them.
    public func openAccounts(count: Int, funds: Collateral) async throws {
        for n in 1...max(count, 1) { try await self.openAccount(n, funds: funds) }
    }

    /// A book no run exhausts: 10,000,000 shares at 0.51, within every follower's limit.
    public func deepBook() async throws {
        try await self.venue.setBook(OrderBook(
            tokenID: self.token, bids: [BookLevel(price: Price(baseUnits: 490_000), size: .whole(100_000))],
            asks: [BookLevel(price: Price(baseUnits: 510_000), size: .whole(10_000_000))],
            tickSize: Self.cent, minOrderSize: .whole(5)))
    }

    /// Records `fill` and fans it out, its attempts left in the queue, unclaimed.
    public func enqueue(_ fill: ObservedFill, of leader: Leader) async throws {
        try await self.queueingIngestor.record(fill, leader: leader)
    }

    /// Claims and processes batches until a claim finds nothing; returns how many attempts were claimed.
    public func drainOnce() async throws -> Int {
        var claimed = 0
        while true {
            let batch = try await self.engine.runOnce()
            guard batch > 0 else { return claimed }
            claimed += batch
        }
    }

    /// Every order id this process's venue was sent, in order.
    public var submittedOrders: [OrderID] { self.exchange.submittedOrders }
}
