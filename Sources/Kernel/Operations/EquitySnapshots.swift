import Logging

/// One point of a wallet's equity curve: the collateral the venue reported and the marked value
/// of what the wallet held, at one moment. Integers in base units, never a floating-point value.
public struct EquitySnapshot: Hashable, Sendable {
    public var walletID: WalletID
    public var collateral: Collateral
    public var positionsValue: Collateral
    public var takenAt: Timestamp

    public init(walletID: WalletID, collateral: Collateral, positionsValue: Collateral, takenAt: Timestamp) {
        self.walletID = walletID
        self.collateral = collateral
        self.positionsValue = positionsValue
        self.takenAt = takenAt
    }

    public var equity: Collateral { self.collateral + self.positionsValue }

    /// A wallet keeps at most one point per UTC hour: the curve is for days and weeks, and a
    /// sweep (every few minutes) would otherwise write 12 rows an hour per wallet.
    public static let interval: Int64 = 3_600_000
    /// Points from more than this many hours before a new one are dropped as it is written, so a
    /// wallet holds at most 90 days × 24 = 2,160 rows however long it lives.
    public static let retainedHours: Int64 = 90 * 24

    /// The UTC hour (milliseconds since the epoch / 3,600,000) a point belongs to: the unique key.
    public var hour: Int64 { Self.hour(of: self.takenAt) }

    public static func hour(of time: Timestamp) -> Int64 {
        let millis = time.epochMilliseconds
        return millis >= 0 ? millis / Self.interval : (millis - Self.interval + 1) / Self.interval
    }

    /// The marked value of a wallet's venue holdings: a resolved position at what a share pays
    /// out (`resolvedPrice`), an open one at its book's midpoint (`marks`), and one without a
    /// mark at its average cost — the wallet's own record of what it paid, so a market with an
    /// empty book neither vanishes from equity nor is invented a price. `nil` when a holding has
    /// none of the three: no honest value, so no point.
    public static func positionsValue(of holdings: [WalletPosition], marks: [TokenID: Price]) -> Collateral? {
        var total = Collateral.zero
        for holding in holdings where holding.shares > .zero {
            guard let price = (holding.redeemable ? holding.resolvedPrice : nil) ?? marks[holding.tokenID]
                ?? holding.averagePrice else { return nil }
            total += holding.shares.value(at: price)
        }
        return total
    }
}

/// Where equity points live. Contract: `EquityStoreContract` in KernelTesting.
public protocol EquityStore: Sendable {
    /// Records `snapshot` as its wallet's point for its hour (``EquitySnapshot/hour``) and drops
    /// that wallet's points whose hour is more than ``EquitySnapshot/retainedHours`` before it, in
    /// one step. `false`, changing nothing, when the hour already has a point (the first one stands).
    func recordEquitySnapshot(_ snapshot: EquitySnapshot) async throws -> Bool
    /// The wallet's points taken at or after `since`, oldest first.
    func equitySnapshots(walletID: WalletID, since: Timestamp) async throws -> [EquitySnapshot]
}

extension PositionSync {
    /// Writes the wallet's equity point for this hour, once: the collateral this sync just read
    /// plus the venue's holdings (`/positions`, the wallet's truth, including shares bought
    /// outside Mirror), each open one marked at its order book's midpoint — the same mark the
    /// positions page's unrealized PnL uses. `/positions` also carries a `curPrice`, but the
    /// Polymarket adapter trusts it only once a market resolved, so it is used only then.
    ///
    /// Best effort: a failure is logged and the next sweep in the hour tries again; it never
    /// counts as a failed wallet sync.
    func recordEquity(of wallet: TradingWallet, collateral: Collateral?, holdings: [WalletPosition]) async {
        guard let collateral else { return }
        let now = self.wallClock.now()
        do {
            let hourStart = Timestamp(epochMilliseconds: EquitySnapshot.hour(of: now) * EquitySnapshot.interval)
            guard try await self.store.equitySnapshots(walletID: wallet.id, since: hourStart).isEmpty else { return }
            var marks: [TokenID: Price] = [:]
            for holding in holdings where holding.shares > .zero && !holding.redeemable {
                marks[holding.tokenID] = try await self.mark(holding.tokenID)
            }
            guard let value = EquitySnapshot.positionsValue(of: holdings, marks: marks) else { return }
            _ = try await self.store.recordEquitySnapshot(EquitySnapshot(
                walletID: wallet.id, collateral: collateral, positionsValue: value, takenAt: now))
        } catch is CancellationError {
            return
        } catch {
            self.logger.warning("equity snapshot of a wallet failed; the next sweep retries", metadata: [
                "wallet.id": "\(wallet.id)", "error": "\(String(describing: error))",
            ])
        }
    }

    /// A token's midpoint, shared through the cache for a few minutes: followers of one leader
    /// hold the same tokens, so a sweep reads each book about once instead of once per wallet,
    /// leaving the market-data rate budget to the copy engine. `nil`: the book has no midpoint.
    private func mark(_ tokenID: TokenID) async throws -> Price? {
        let key = "equity:mark:\(tokenID)"
        if let cached = try? await self.cache.value(forKey: key) {
            return cached.isEmpty ? nil : try Price(decimal: cached)
        }
        let midpoint = try await self.exchange.orderBook(tokenID: tokenID).midpoint
        try? await self.cache.set(midpoint?.description ?? "", forKey: key, ttl: .seconds(300))
        return midpoint
    }
}
