public import Logging
import Metrics

/// The auto-claim worker's tick: redeems each wallet's resolved winning holdings through the
/// relayer and books the payout in the per-profile ledger.
///
/// A claim is one `relayer_txs` row under ``RelayerTxDriver/redeemKey(walletID:conditionID:)``,
/// stored before it is signed and submitted: a second worker process, or this one restarted after a
/// crash anywhere in a claim, finds that row (the database's unique key) and only submits or polls
/// it — a market is never redeemed twice for a wallet. Booking is idempotent: it moves a
/// redeemable position to flat, which takes it out of the next tick's work.
///
/// Losing holdings pay nothing; their positions are booked flat (the cost realized as a loss)
/// without a transaction. A winning share pays its `resolvedPrice` (1 USDC on Polymarket's CTF).
///
/// The operator's pause-all (`PAUSED`) holds new claims too: while it lasts nothing new is
/// signed or sent for those profiles, and the first tick after resume-all claims them. A claim
/// already sent is still polled to its end — the relayer acts on it whatever we do, and
/// leaving it unobserved would only hide its outcome. A user's own pause, exit-only or stop
/// never withholds winnings.
public struct AutoClaim: Sendable {
    let store: any Store
    let feed: any LeaderFeed
    let relayerTxs: RelayerTxDriver
    let wallClock: WallClock
    let logger: Logger
    let batchSize: Int

    public init(store: any Store, feed: any LeaderFeed, relayerTxs: RelayerTxDriver, wallClock: WallClock,
                logger: Logger, batchSize: Int = 200) {
        self.store = store
        self.feed = feed
        self.relayerTxs = relayerTxs
        self.wallClock = wallClock
        self.logger = logger
        self.batchSize = batchSize
    }

    /// What one tick did.
    public struct Outcome: Hashable, Sendable {
        /// Claims (relayer transactions) stored, submitted or polled this tick.
        public var claims: [RelayerTx] = []
        /// Positions booked flat: paid out or lost.
        public var booked: [Position] = []

        public init(claims: [RelayerTx] = [], booked: [Position] = []) {
            self.claims = claims
            self.booked = booked
        }
    }

    /// One pass: every market with redeemable ledger positions, per wallet.
    public func run() async throws -> Outcome {
        var outcome = Outcome()
        var groups: [ClaimKey: [Position]] = [:]
        var profiles: [ProfileID: CopyProfile] = [:]
        for position in try await self.store.redeemablePositions(limit: self.batchSize) {
            if profiles[position.profileID] == nil {
                guard let profile = try await self.store.profile(id: position.profileID) else { continue }
                profiles[position.profileID] = profile
            }
            guard let profile = profiles[position.profileID] else { continue }
            groups[ClaimKey(walletID: profile.walletID, conditionID: position.conditionID), default: []].append(position)
        }
        for (key, positions) in groups.sorted(by: { ($0.key.walletID.rawValue, $0.key.conditionID) < ($1.key.walletID.rawValue, $1.key.conditionID) }) {
            let paused = positions.contains { profiles[$0.profileID]?.status == .paused }
            do {
                try await self.claim(key, positions: positions, startingNew: !paused, into: &outcome)
            } catch {
                Counter(label: "mirror_autoclaim_failures_total").increment()
                self.logger.warning("claim step failed; the next tick resumes it", metadata: [
                    "wallet.id": "\(key.walletID)", "market.condition_id": "\(key.conditionID)",
                    "error": "\(String(describing: error))",
                ])
            }
        }
        return outcome
    }

    private struct ClaimKey: Hashable {
        let walletID: WalletID
        let conditionID: String
    }

    /// - Parameter startingNew: false under the operator's pause: a claim already stored is moved
    ///   on only if it was sent; nothing is signed, sent or booked otherwise.
    private func claim(_ key: ClaimKey, positions: [Position], startingNew: Bool, into outcome: inout Outcome) async throws {
        let idempotencyKey = RelayerTxDriver.redeemKey(walletID: key.walletID, conditionID: key.conditionID)
        var tx = try await self.store.relayerTx(idempotencyKey: idempotencyKey)
        if !startingNew && (tx.map { $0.status == .pending } ?? true) { return }
        if tx == nil {
            guard let wallet = try await self.store.wallet(id: key.walletID) else { return }
            let held = try await self.feed.positions(of: wallet.funderAddress)
                .filter { $0.conditionID == key.conditionID && $0.redeemable && $0.shares.baseUnits > 0 }
            let prices = Dictionary(held.map { ($0.tokenID, $0.resolvedPrice) }, uniquingKeysWith: { first, _ in first })
            // Losers are worth nothing: book them now, no transaction needed.
            for position in positions where prices[position.tokenID] == .some(.zero) {
                outcome.booked += try await self.bookFlat(position, paying: .zero)
            }
            let winners = held.filter { ($0.resolvedPrice ?? .zero) > .zero }
            guard !winners.isEmpty else { return }
            let payout = winners.reduce(Collateral.zero) { $0 + $1.shares.value(at: $1.resolvedPrice ?? .zero) }
            // Signed in its wallet's turn, from the holdings then (RelayerTxDriver.request(for:store:feed:)).
            tx = try await self.relayerTxs.stored(kind: .redeem, key: idempotencyKey, wallet: wallet, amount: payout)
        }
        guard var claim = tx else { return }
        let store = self.store
        let feed = self.feed
        claim = try await self.relayerTxs.advance(claim) { try await RelayerTxDriver.request(for: $0, store: store, feed: feed) }
        outcome.claims.append(claim)
        guard claim.status == .confirmed else { return }
        for position in positions {
            guard let current = try await self.store.position(profileID: position.profileID, tokenID: position.tokenID),
                  current.redeemable, current.shares.baseUnits > 0 else { continue }
            outcome.booked += try await self.bookFlat(current, paying: current.shares.value(at: .one))
        }
    }

    /// The position closed by its market's resolution: flat, `payout` realized against its cost.
    private func bookFlat(_ position: Position, paying payout: Collateral) async throws -> [Position] {
        var booked = position.sold(position.shares, notional: payout, fee: .zero, at: self.wallClock.now())
        booked.redeemable = false
        try await self.store.savePosition(booked)
        Counter(label: "mirror_autoclaim_booked_total", dimensions: [("outcome", payout > .zero ? "won" : "lost")]).increment()
        return [booked]
    }
}
