/// A follow's auto-pause rule (issue #22): over its last `window` finished copies, counted from the
/// later of its creation and its last resume, pause it (USER_PAUSED, so an operator's resume-all
/// leaves it) when the drag exceeds `maxDragPercent` of the ideal notional Σ q*·p_L, or the 90th
/// percentile of slippage exceeds `maxSlippageBpsP90`.
public struct AutoPauseRule: Hashable, Sendable, Codable {
    /// Drag as a percentage of the ideal notional, in millionths of a percent (5% = 5_000_000).
    public var maxDragPercent: Ratio?
    public var maxSlippageBpsP90: Int?
    /// How many copies the rule looks at; it judges only a full window.
    public var window: Int

    public init(maxDragPercent: Ratio?, maxSlippageBpsP90: Int?, window: Int) {
        self.maxDragPercent = maxDragPercent
        self.maxSlippageBpsP90 = maxSlippageBpsP90
        self.window = window
    }

    /// The rule broken by the last `window` of `entries` (oldest first, already counted from the
    /// window's start), in words; `nil` while the window is not full or nothing is broken. Pure.
    public func breach(_ entries: [CopyDrag.Entry], marks: [TokenID: Price]) -> String? {
        let copies = entries.filter { $0.leaderPrice != nil }
        guard self.window > 0, copies.count >= self.window else { return nil }
        let report = CopyDrag.report(Array(copies.suffix(self.window)), marks: marks)
        guard report.attempts >= self.window else { return nil }
        if let limit = self.maxDragPercent, report.idealNotional.baseUnits > 0 {
            let drag = report.ideal - report.actual
            // drag / notional × 100 > limit / 1e6, in integers: drag × 1e8 > limit × notional.
            if Int128(drag.baseUnits) * 100_000_000 > Int128(limit.baseUnits) * Int128(report.idealNotional.baseUnits) {
                let percent = Ratio(baseUnits: Int64(Int128(drag.baseUnits) * 100_000_000 / Int128(report.idealNotional.baseUnits)))
                return "maxDragPercent: drag \(drag) pUSD is \(percent)% of the ideal notional \(report.idealNotional) "
                    + "over the last \(self.window) copies (limit \(limit)%)"
            }
        }
        if let limit = self.maxSlippageBpsP90, let p90 = report.p90, p90 > limit {
            return "maxSlippageBpsP90: slippage p90 \(p90) bps over the last \(self.window) copies (limit \(limit) bps)"
        }
        return nil
    }
}
