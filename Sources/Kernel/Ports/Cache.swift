/// Worker heartbeats, short-lived status blobs and advisory leases.
///
/// Safety never rests on the cache: duplicates are stopped by database fencing and unique keys,
/// so a cache outage only costs efficiency. Every conformer must pass `CacheContract`.
public protocol Cache: Sendable {
    /// Writes `worker:<name>:last-ping` = epoch milliseconds, with no TTL, so a stale ping stays readable.
    func recordHeartbeat(_ worker: WorkerName, at time: Timestamp) async throws
    func lastHeartbeat(_ worker: WorkerName) async throws -> Timestamp?

    /// Stores `value` under `key` for `ttl`.
    func set(_ value: String, forKey key: String, ttl: Duration) async throws
    /// Stores `value` under `key` with no expiry.
    func set(_ value: String, forKey key: String) async throws
    func value(forKey key: String) async throws -> String?
    /// Deletes `key` (nothing happens if it is missing): how a web session ends before its TTL.
    func removeValue(forKey key: String) async throws
    /// The time `key` has left; `nil` when the key is missing or never expires.
    func remainingTTL(forKey key: String) async throws -> Duration?

    /// Takes the lease `name` for `holder` if it is free, expired, or already `holder`'s (which
    /// renews it). Returns whether `holder` now holds it.
    func acquireLease(_ name: String, holder: String, ttl: Duration) async throws -> Bool
    /// Gives the lease up if `holder` holds it; returns whether it did.
    func releaseLease(_ name: String, holder: String) async throws -> Bool

    /// Counts one more under `key`, a fixed window: a missing (or expired) counter starts at 1
    /// and lives `window`. Returns the count and the time the window has left.
    func increment(_ key: String, window: Duration) async throws -> WindowCount
}

/// A fixed-window counter's state after one increment.
public struct WindowCount: Hashable, Sendable {
    public var count: Int
    /// Until the window ends and the count starts over.
    public var remaining: Duration

    public init(count: Int, remaining: Duration) {
        self.count = count
        self.remaining = remaining
    }
}

/// The runbook's workers; the raw value is the name in their heartbeat key.
public enum WorkerName: String, Hashable, Sendable, CaseIterable, Codable {
    case copyTrading = "copy-trading"
    case positionSync = "position-sync"
    case autoClaim = "auto-claim"
    case healthCheck = "health-check"
    case onboarding = "onboarding"
    case notifications = "notifications"

    /// Exactly as the runbook names it: `worker:copy-trading:last-ping`.
    public var heartbeatKey: String { "worker:\(self.rawValue):last-ping" }
}

/// Keys the system writes besides heartbeats.
public enum CacheKey {
    /// The latest health check as JSON, 120 s TTL.
    public static let systemHealth = "system:health"
    public static let systemHealthTTL: Duration = .seconds(120)
}
