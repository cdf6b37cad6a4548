import Foundation
import Kernel
import Logging
import Metrics
import Synchronization

/// The notifications worker's tick (issue #23), run by one process at a time as a singleton worker
/// under the store's lease `worker:notifications` (safety does not rest on it: delivery claims are
/// leased rows, and the detections are compare-and-set in the database). Each tick it:
/// 1. records follow statuses changed outside Mirror (the runbook's SQL pause-all/resume-all);
/// 2. records a change of the health verdict (`system:health`, which lives in the cache);
/// 3. writes the copy digests that are due, from the attempts themselves
///    (1–3 every 5 seconds at most: each is a write transaction);
/// 4. turns outbox rows into webhook deliveries and Telegram messages, and sends what is due;
/// 5. hourly, deletes delivered outbox rows older than 30 days; and reports the outbox's oldest
///    undelivered age.
struct NotificationWorker: Sendable {
    let store: any Store
    let cache: any Cache
    let deliverer: WebhookDeliverer
    /// `nil` when Telegram is off.
    let telegram: TelegramSender?
    let wallClock: WallClock
    let digestInterval: Duration
    let logger: Logger
    private let lastPurge = LockedTimestamp()
    private let lastDetection = LockedTimestamp()
    /// How often the detections (outside follow changes, health, digests) run: each is a write
    /// transaction, so not every tick.
    static let detectionInterval: Duration = .seconds(5)

    init(store: any Store, cache: any Cache, deliverer: WebhookDeliverer, telegram: TelegramSender?, wallClock: WallClock,
         digestInterval: Duration, logger: Logger) {
        self.store = store
        self.cache = cache
        self.deliverer = deliverer
        self.telegram = telegram
        self.wallClock = wallClock
        self.digestInterval = digestInterval
        self.logger = logger
    }

    func tick() async throws {
        let now = self.wallClock.now()
        if self.lastDetection.isOlder(than: Self.detectionInterval, at: now) {
            _ = try await self.store.recordExternalFollowChanges(at: now)
            try await self.recordHealth(at: now)
            _ = try await self.store.recordCopyDigests(at: now, defaultInterval: self.digestInterval)
        }
        while try await self.store.dispatchOutbox(limit: 200, at: now) == 200 {}
        try await self.deliverer.deliverDue()
        try await self.telegram?.sendDue()
        if self.lastPurge.isOlder(than: .seconds(3600), at: now) {
            let purged = try await self.store.purgeOutbox(before: now - DeliveryPolicy.retention)
            if purged > 0 { self.logger.info("outbox purged", metadata: ["outbox.purged": "\(purged)"]) }
        }
        let oldest = try await self.store.oldestUndeliveredOutbox()
        Gauge(label: "mirror_notification_outbox_oldest_undelivered_seconds")
            .record(Double(oldest.map { now.since($0).wholeMilliseconds } ?? 0) / 1000)
    }

    /// Copying is degraded when the health check says so; no report (expired) decides nothing.
    private func recordHealth(at now: Timestamp) async throws {
        guard let text = try await self.cache.value(forKey: CacheKey.systemHealth),
              let report = try? JSONDecoder().decode(HealthReport.self, from: Data(text.utf8))
        else { return }
        let down = report.components.filter { !$0.up }.map(\.name) + report.workers.filter { !$0.up }.map(\.name)
        _ = try await self.store.recordCopyingHealth(degraded: Self.isDegraded(report), down: down, at: now)
    }

    /// Degraded, unless the only workers down never beat yet and everything else is up: a process
    /// starting, which must not tell every user "degraded" then "recovered" on each deploy.
    static func isDegraded(_ report: HealthReport) -> Bool {
        guard report.status == .degraded else { return false }
        let starting = report.components.allSatisfy(\.up) && report.workers.allSatisfy { $0.up || $0.lastPing == nil }
        return !starting
    }
}

/// The last purge time, shared by the ticks of one worker.
final class LockedTimestamp: Sendable {
    private let value = Mutex<Timestamp?>(nil)

    /// Whether the stored time is missing or at least `age` before `now`; if so, stores `now`.
    func isOlder(than age: Duration, at now: Timestamp) -> Bool {
        self.value.withLock { last in
            guard let stored = last, now.since(stored) < age else {
                last = now
                return true
            }
            return false
        }
    }
}
