public import Logging
import Metrics

/// The position-sync worker's sweep: every wallet's holdings (`/positions`) and collateral read
/// from the venue, the collateral recorded as the wallet's synced balance (``FundsStore``); ledger positions of resolved markets marked redeemable (auto-claim's work);
/// the per-profile ledger compared with the venue's truth, a difference recorded as a
/// `ledger.mismatch` audit row and a metric — never written over the ledger.
///
/// Pacing: one `/positions` call per wallet, started no sooner than ``spacing`` after the one
/// before. Polymarket publishes 150 requests per 10 s for `/positions` (spec §7.4); the sweep
/// uses 120 per 10 s (12 per second, 80 % of the limit, the rest left to leader seeding), so
/// 10,000 wallets take 10,000 / 12 ≈ 834 s — inside the 15 minutes (900 s) the runbook allows.
/// The budget is per deployment, not per process: a sweep runs under the cache lease
/// ``leaseName``, so a second worker process skips its sweep instead of doubling the rate.
public struct PositionSync<C: Clock<Duration>>: Sendable {
    /// The gap between two wallets' `/positions` calls: 1 s / 12.
    public static var spacing: Duration { .milliseconds(1000) / 12 }
    public static var leaseName: String { "lease:position-sync" }
    /// Renewed with every page, so it only lapses when the sweeping process is gone.
    static var leaseTTL: Duration { .seconds(300) }

    let store: any Store
    let feed: any LeaderFeed
    let exchange: any Exchange
    let cache: any Cache
    let clock: C
    let wallClock: WallClock
    let ids: IDGenerator
    let logger: Logger
    let pageSize: Int
    /// This process's name for the sweep lease.
    let holder: String

    public init(store: any Store, feed: any LeaderFeed, exchange: any Exchange, cache: any Cache, clock: C,
                wallClock: WallClock, ids: IDGenerator, logger: Logger, holder: String, pageSize: Int = 500) {
        self.holder = holder
        self.store = store
        self.feed = feed
        self.exchange = exchange
        self.cache = cache
        self.clock = clock
        self.wallClock = wallClock
        self.ids = ids
        self.logger = logger
        self.pageSize = pageSize
    }

    /// What one sweep found.
    public struct Report: Hashable, Sendable {
        public var wallets = 0
        /// Ledger positions newly marked redeemable.
        public var markedRedeemable = 0
        /// (wallet, token) pairs where the ledger and the venue disagree.
        public var mismatches = 0
        /// Wallets whose venue read failed (retried next sweep).
        public var failures = 0
        /// Collateral per wallet as the venue reported it.
        public var collateral: [WalletID: Collateral] = [:]
        /// Another process holds the sweep lease: this sweep did nothing.
        public var skipped = false
    }

    /// Visits every wallet once, paced by ``spacing``, unless another process is sweeping.
    public func sweep() async throws -> Report {
        var report = Report()
        guard await self.holdLease() else {
            report.skipped = true
            return report
        }
        do {
            try await self.visitEveryWallet(into: &report)
        } catch {
            _ = try? await self.cache.releaseLease(Self.leaseName, holder: self.holder)
            throw error
        }
        _ = try? await self.cache.releaseLease(Self.leaseName, holder: self.holder)
        return report
    }

    private func visitEveryWallet(into report: inout Report) async throws {
        var cursor: WalletID?
        var next = self.clock.now
        while true {
            let page = try await self.store.wallets(after: cursor, limit: self.pageSize)
            for wallet in page {
                try await self.clock.sleep(until: next, tolerance: nil)
                next = self.clock.now.advanced(by: Self.spacing)
                report.wallets += 1
                do {
                    try await self.sync(wallet, into: &report)
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    report.failures += 1
                    self.logger.warning("position sync of a wallet failed; the next sweep retries", metadata: [
                        "wallet.id": "\(wallet.id)", "error": "\(String(describing: error))",
                    ])
                }
            }
            guard page.count == self.pageSize, let last = page.last else { return }
            cursor = last.id
            // Renewed per page; lost only if this process stalled past the TTL and another took over.
            guard await self.holdLease() else { return }
        }
    }

    /// Takes or renews the sweep lease. A cache that cannot answer costs only efficiency (two
    /// sweeps at once), never a missed sweep, so it counts as held.
    private func holdLease() async -> Bool {
        do {
            return try await self.cache.acquireLease(Self.leaseName, holder: self.holder, ttl: Self.leaseTTL)
        } catch {
            self.logger.warning("position-sync lease unavailable; sweeping anyway", metadata: ["error": "\(String(describing: error))"])
            return true
        }
    }

    private func sync(_ wallet: TradingWallet, into report: inout Report) async throws {
        let venue = try await self.feed.positions(of: wallet.funderAddress)
        // Stamped before the call: the balance is at least this fresh, never credited as newer.
        let readAt = self.wallClock.now()
        let collateral = try await self.exchange.collateralBalance(account: TradingAccount(wallet))
        report.collateral[wallet.id] = collateral
        try await self.store.recordSyncedBalance(walletID: wallet.id, collateral: collateral, at: readAt)
        let live = try await self.store.profiles(userID: wallet.userID)
            .filter { $0.walletID == wallet.id && $0.mode == .live }
        var ledger: [TokenID: [Position]] = [:]
        for profile in live {
            for position in try await self.store.positions(profileID: profile.id) {
                ledger[position.tokenID, default: []].append(position)
            }
        }
        let held = Dictionary(venue.map { ($0.tokenID, $0) }, uniquingKeysWith: { first, _ in first })
        for (tokenID, holding) in held where holding.redeemable {
            for position in ledger[tokenID] ?? [] where !position.redeemable && position.shares.baseUnits > 0 {
                var marked = position
                marked.redeemable = true
                marked.updatedAt = self.wallClock.now()
                try await self.store.savePosition(marked)
                report.markedRedeemable += 1
            }
        }
        for tokenID in Set(held.keys).union(ledger.keys).sorted() {
            let venueShares = held[tokenID]?.shares ?? .zero
            let ledgerShares = (ledger[tokenID] ?? []).reduce(Shares.zero) { $0 + $1.shares }
            // The ledger holds at most what the wallet holds: shares bought by hand outside Mirror
            // are the user's; fewer on the venue than the ledger books is the mismatch that matters.
            guard venueShares < ledgerShares else { continue }
            report.mismatches += 1
            Counter(label: "mirror_position_sync_mismatches_total").increment()
            // One audit row per distinct mismatch, not one per sweep (best effort: the cache only dedupes).
            let seenKey = "position-sync:mismatch:\(wallet.id.rawValue):\(tokenID)"
            let seen = "\(ledgerShares)/\(venueShares)"
            if (try? await self.cache.value(forKey: seenKey)) == seen { continue }
            try? await self.cache.set(seen, forKey: seenKey, ttl: .seconds(86_400))
            try await self.store.appendAudit(AuditEntry(
                id: self.ids.next(), actor: "worker:position-sync", action: "ledger.mismatch", subjectType: "trading_wallet",
                subjectID: wallet.id.rawValue,
                details: "token \(tokenID): ledger \(ledgerShares) shares, venue \(venueShares)",
                createdAt: self.wallClock.now()))
        }
        await self.recordEquity(of: wallet, collateral: report.collateral[wallet.id], holdings: venue)
    }
}
