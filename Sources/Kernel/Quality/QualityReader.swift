/// Reads what copy quality needs (issue #22) and hands it to the pure arithmetic: a follow's
/// attempts, orders and leader events from the store (three bulk reads per follow, no read per
/// attempt), and one mark per token for the request.
public struct QualityReader: Sendable {
    /// One token's mark for a request: what a share is worth now, or `nil` when nothing says.
    public typealias MarkSource = @Sendable (TokenID, TradingWallet?) async -> Price?

    let store: any Store
    let marks: MarkSource
    /// Attempts read per page.
    let pageSize: Int

    public init(store: any Store, marks: @escaping MarkSource, pageSize: Int = 1_000) {
        self.store = store
        self.marks = marks
        self.pageSize = max(1, pageSize)
    }

    /// The marks every venue can give: a resolved market's payout where the follower's wallet
    /// still holds the token (the venue's `resolvedPrice` of that position), an open market's book
    /// midpoint; nothing for a resolved token no longer held or a book with no two sides.
    public static func venueMarks(exchange: any Exchange, feed: (any LeaderFeed)?) -> MarkSource {
        { tokenID, wallet in
            guard let market = try? await exchange.market(tokenID: tokenID) else { return nil }
            if market.resolved == true {
                guard let feed, let wallet,
                      let held = try? await feed.positions(of: wallet.funderAddress).first(where: { $0.tokenID == tokenID })
                else { return nil }
                return held.resolvedPrice
            }
            return try? await exchange.orderBook(tokenID: tokenID).midpoint
        }
    }

    /// A follow's drag entries created at or after `since` (all when `nil`).
    public func entries(of profile: CopyProfile, since: Timestamp?) async throws -> [CopyDrag.Entry] {
        var attempts: [CopyAttempt] = []
        var cursor: AttemptCursor?
        while true {
            let page = try await self.store.attempts(
                userID: profile.userID, matching: AttemptQuery(profileID: profile.id, after: cursor), limit: self.pageSize)
            attempts += page
            guard page.count == self.pageSize, let last = page.last else { break }
            cursor = AttemptCursor(last)
        }
        let orders = try await self.store.orders(profileID: profile.id, createdSince: profile.createdAt)
        let events = try await self.store.leaderEvents(ids: Set(attempts.compactMap(\.leaderEventID)))
        return QualityHistory.entries(attempts: attempts, orders: orders, events: events, since: since)
    }

    /// One mark per distinct token of `entries`, read concurrently (at most 8 at a time).
    public func marks(for entries: [CopyDrag.Entry], wallet: TradingWallet?) async -> [TokenID: Price] {
        let tokens = Array(Set(entries.map(\.tokenID)))
        let source = self.marks
        return await withTaskGroup(of: (TokenID, Price?).self) { group in
            var marks: [TokenID: Price] = [:]
            var next = 0
            func add() {
                guard next < tokens.count else { return }
                let token = tokens[next]
                next += 1
                group.addTask { (token, await source(token, wallet)) }
            }
            for _ in 0..<8 { add() }
            while let (token, mark) = await group.next() {
                if let mark { marks[token] = mark }
                add()
            }
            return marks
        }
    }

    /// The report of one follow (or several follows of one leader, whose entries are simply added
    /// together) over the window starting at `since`.
    public func report(of profiles: [CopyProfile], since: Timestamp?) async throws -> CopyDrag.Report {
        var entries: [CopyDrag.Entry] = []
        var wallet: TradingWallet?
        for profile in profiles {
            entries += try await self.entries(of: profile, since: since)
            if wallet == nil { wallet = try await self.store.wallet(id: profile.walletID) }
        }
        return CopyDrag.report(entries, marks: await self.marks(for: entries, wallet: wallet))
    }
}
