/// Copy drag (issue #22): why a follow made less than the leader, split into parts that add up
/// exactly. Pure integer arithmetic on base units — every value is V(q, p) = s·q·(m − p), computed
/// exactly at 1e-12 and rounded once, half to even, to 1e-6 USD — so `ideal − actual` equals
/// `slippage + timing + sizing + skips + fees` to the micro-dollar with no residual.
public enum CopyDrag {
    /// One attempt as the arithmetic sees it.
    public struct Entry: Hashable, Sendable {
        public var attemptID: AttemptID
        public var tokenID: TokenID
        /// BUY (s = +1) or SELL (s = −1).
        public var side: Side
        /// p_L; `nil` for a close-out (no leader fill: its result is U).
        public var leaderPrice: Price?
        /// q*, the ideal shares (entries: recorded; exits: replayed).
        public var idealShares: Shares
        /// q, the shares filled, and what they cost or fetched (q·p_f exactly).
        public var filledShares: Shares
        public var filledNotional: Collateral
        /// p_d; the leader's price stands in when the attempt was decided without a book.
        public var decisionPrice: Price?
        /// f, the fees paid.
        public var fees: Collateral
        /// Why it copied nothing, when it was skipped.
        public var skipReason: SkipReason?
        /// FAILED (nothing retrying could fix).
        public var failed: Bool

        public init(attemptID: AttemptID, tokenID: TokenID, side: Side, leaderPrice: Price?, idealShares: Shares,
                    filledShares: Shares, filledNotional: Collateral, decisionPrice: Price?, fees: Collateral,
                    skipReason: SkipReason? = nil, failed: Bool = false) {
            self.attemptID = attemptID
            self.tokenID = tokenID
            self.side = side
            self.leaderPrice = leaderPrice
            self.idealShares = idealShares
            self.filledShares = filledShares
            self.filledNotional = filledNotional
            self.decisionPrice = decisionPrice
            self.fees = fees
            self.skipReason = skipReason
            self.failed = failed
        }
    }

    /// The components of `ideal − actual`.
    public struct Components: Hashable, Sendable {
        public var slippage = Collateral.zero
        public var timing = Collateral.zero
        public var sizing = Collateral.zero
        public var skips = Collateral.zero
        public var fees = Collateral.zero

        public init() {}

        public var total: Collateral { self.slippage + self.timing + self.sizing + self.skips + self.fees }
    }

    /// One line of the skip funnel: how many attempts copied nothing for `reason`, and what they
    /// would have made at the leader's price (Σ V(q*, p_L)).
    public struct SkipLine: Hashable, Sendable {
        public var reason: String
        public var count: Int
        public var value: Collateral

        public init(reason: String, count: Int, value: Collateral) {
            self.reason = reason
            self.count = count
            self.value = value
        }
    }

    /// The answer over a window.
    public struct Report: Hashable, Sendable {
        public var ideal = Collateral.zero
        public var actual = Collateral.zero
        public var drag = Components()
        /// Every skip reason (zero lines included), then `NOT_FILLED` (an order that filled
        /// nothing, e.g. a killed FOK) and `FAILED`: their values add up to `drag.skips`.
        public var skipsByReason: [SkipLine] = []
        /// Fill versus the leader's price, worse positive, per attempt that filled something.
        public var slippageBps: [Int] = []
        /// Σ q*·p_L over the attempts with a leader fill: what percentages of drag are of.
        public var idealNotional = Collateral.zero
        /// Tokens whose attempts had no mark and are left out of every sum.
        public var unmarked = 0
        /// Attempts counted.
        public var attempts = 0

        public init() {}

        public var p50: Int? { CopyDrag.percentile(self.slippageBps, 50) }
        public var p90: Int? { CopyDrag.percentile(self.slippageBps, 90) }
    }

    /// The pseudo-reasons of attempts that copied nothing without a skip.
    public static let notFilled = "NOT_FILLED"
    public static let failed = "FAILED"

    /// The report of `entries`, each valued at its token's mark in `marks` (a resolution payout
    /// or a midpoint); entries of a token with no mark are left out and counted in `unmarked`.
    public static func report(_ entries: [Entry], marks: [TokenID: Price]) -> Report {
        var report = Report()
        var lines: [String: SkipLine] = [:]
        let order = SkipReason.allCases.map(\.rawValue) + [Self.notFilled, Self.failed]
        for reason in order { lines[reason] = SkipLine(reason: reason, count: 0, value: .zero) }
        var unmarked: Set<TokenID> = []
        for entry in entries {
            guard let mark = marks[entry.tokenID] else {
                unmarked.insert(entry.tokenID)
                continue
            }
            report.attempts += 1
            let s = entry.side
            let filled = Self.value(s, entry.filledShares, mark: mark, notional: entry.filledNotional)
            guard let leader = entry.leaderPrice else {
                // U: the follower's own trade (a close-out or a stop-sell), no leader fill.
                let u = filled - entry.fees
                report.actual += u
                report.drag.timing -= u
                continue
            }
            let decided = entry.decisionPrice ?? leader
            let ideal = Self.value(s, entry.idealShares, mark: mark, at: leader)
            let atLeader = Self.value(s, entry.filledShares, mark: mark, at: leader)
            let atDecision = Self.value(s, entry.filledShares, mark: mark, at: decided)
            report.ideal += ideal
            report.actual += filled - entry.fees
            report.idealNotional += entry.idealShares.value(at: leader)
            report.drag.slippage += atDecision - filled
            report.drag.timing += atLeader - atDecision
            report.drag.fees += entry.fees
            if entry.filledShares.baseUnits > 0 {
                report.drag.sizing += ideal - atLeader
                if let bps = Self.slippageBps(s, shares: entry.filledShares, notional: entry.filledNotional, leader: leader) {
                    report.slippageBps.append(bps)
                }
            } else {
                report.drag.skips += ideal - atLeader
                let reason = entry.skipReason?.rawValue ?? (entry.failed ? Self.failed : Self.notFilled)
                lines[reason, default: SkipLine(reason: reason, count: 0, value: .zero)].count += 1
                lines[reason, default: SkipLine(reason: reason, count: 0, value: .zero)].value += ideal - atLeader
            }
        }
        report.skipsByReason = order.compactMap { lines[$0] }
        report.unmarked = unmarked.count
        return report
    }

    /// V(q, p) = s·q·(m − p), exact at 1e-12, rounded half to even to 1e-6.
    public static func value(_ side: Side, _ shares: Shares, mark: Price, at price: Price) -> Collateral {
        let exact = Int128(shares.baseUnits) * (Int128(mark.baseUnits) - Int128(price.baseUnits))
        return Collateral(baseUnits: Self.roundHalfEven(side == .buy ? exact : -exact, by: 1_000_000))
    }

    /// V(q, p_f) from the exact amount `notional` = q·p_f that the fills cost or fetched.
    public static func value(_ side: Side, _ shares: Shares, mark: Price, notional: Collateral) -> Collateral {
        let exact = Int128(shares.baseUnits) * Int128(mark.baseUnits) - Int128(notional.baseUnits) * 1_000_000
        return Collateral(baseUnits: Self.roundHalfEven(side == .buy ? exact : -exact, by: 1_000_000))
    }

    /// The average fill price against the leader's, in basis points of the leader's price, worse
    /// positive (paid more on a buy, got less on a sell), rounded half to even.
    public static func slippageBps(_ side: Side, shares: Shares, notional: Collateral, leader: Price) -> Int? {
        guard shares.baseUnits > 0, leader.baseUnits > 0 else { return nil }
        // (p_f − p_L) / p_L with p_f = notional / q: (notional·1e6 − q·p_L) / (q·p_L), times 1e4.
        let difference = Int128(notional.baseUnits) * 1_000_000 - Int128(shares.baseUnits) * Int128(leader.baseUnits)
        let bps = Self.roundHalfEven(difference * 10_000, by: Int128(shares.baseUnits) * Int128(leader.baseUnits))
        return Int(side == .buy ? bps : -bps)
    }

    /// Nearest-rank percentile (`nil` for no values).
    public static func percentile(_ values: [Int], _ percent: Int) -> Int? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = (percent * sorted.count + 99) / 100
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }

    /// `numerator / denominator` (denominator > 0) rounded half to even.
    static func roundHalfEven(_ numerator: Int128, by denominator: Int128) -> Int64 {
        var quotient = numerator / denominator
        var remainder = numerator % denominator
        if remainder < 0 {
            quotient -= 1
            remainder += denominator
        }
        let twice = remainder * 2
        if twice > denominator || (twice == denominator && quotient % 2 != 0) { quotient += 1 }
        return Int64(quotient)
    }
}
