import Logging
import Metrics

/// The copy engine's metrics (names with underscores, labels from small fixed sets, never an id),
/// exported by the deploy's Prometheus endpoint.
enum CopyMetrics {
    /// The stages of `mirror_copy_latency_seconds`: the leader's fill to its detection; detection
    /// to our order persisted, ready to send (deciding and signing); the send call itself;
    /// detection to the venue's answer; detection to the attempt's fill booked.
    enum Stage: String {
        case detect, decide, send, accept, fill
    }

    static func latency(_ stage: Stage, _ duration: Duration) {
        Timer(label: "mirror_copy_latency_seconds", dimensions: [("stage", stage.rawValue)])
            .recordNanoseconds(max(0, duration.nanoseconds))
    }

    static func skipped(_ reason: SkipReason) {
        Counter(label: "mirror_copy_skips_total", dimensions: [("reason", reason.rawValue)]).increment()
    }

    /// Records a finished attempt: its status, its latencies and its slippage against the leader,
    /// and one log line.
    static func finished(_ attempt: CopyAttempt, _ logger: Logger) {
        Counter(label: "mirror_copy_attempts_total", dimensions: [("status", attempt.status.rawValue)]).increment()
        if let sent = attempt.sentAt { self.latency(.decide, sent.since(attempt.detectedAt)) }
        if let accepted = attempt.acceptedAt { self.latency(.accept, accepted.since(attempt.detectedAt)) }
        if attempt.filledShares.baseUnits > 0 {
            self.latency(.fill, attempt.updatedAt.since(attempt.detectedAt))
            if let slippage = self.slippageBasisPoints(attempt) {
                Recorder(label: "mirror_copy_slippage_bps").record(slippage)
            }
        }
        var metadata: Logger.Metadata = [
            "attempt.id": "\(attempt.id)", "attempt.kind": "\(attempt.kind.rawValue)",
            "attempt.status": "\(attempt.status.rawValue)", "profile.id": "\(attempt.profileID)",
        ]
        if let price = attempt.leaderPrice { metadata["leader.price"] = "\(price)" }
        if let reason = attempt.skipReason { metadata["attempt.skip_reason"] = "\(reason.rawValue)" }
        if let note = attempt.note { metadata["attempt.note"] = "\(note)" }
        if let place = attempt.fanoutPlace { metadata["attempt.fanout_place"] = "\(place)" }
        if attempt.filledShares.baseUnits > 0 {
            metadata["fill.shares"] = "\(attempt.filledShares)"
            metadata["fill.price"] = "\(attempt.fillPrice.map(\.description) ?? "-")"
        }
        if let sent = attempt.sentAt { metadata["latency.detect_to_send_ms"] = "\(sent.since(attempt.detectedAt).wholeMilliseconds)" }
        logger.info("copy attempt finished", metadata: metadata)
    }

    /// How much worse than the leader we filled, in basis points of the leader's price: paying
    /// more on a buy, taking less on a sell. `nil` without both prices.
    static func slippageBasisPoints(_ attempt: CopyAttempt) -> Int64? {
        guard let leader = attempt.leaderPrice, let filled = attempt.fillPrice, leader.baseUnits > 0 else { return nil }
        let worse = attempt.kind.sells ? leader.baseUnits - filled.baseUnits : filled.baseUnits - leader.baseUnits
        return worse * 10_000 / leader.baseUnits
    }
}

extension Duration {
    /// Whole nanoseconds (saturating), for metrics.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow
            ? (seconds < 0 ? .min : .max)
            : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
