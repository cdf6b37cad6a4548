public import Kernel

/// The cache port in one actor, for tests and single-process runs. Expiry is judged against the
/// injected clock, so tests move time instead of sleeping.
public actor InMemoryCache: Cache {
    private struct Entry {
        var value: String
        var expiresAt: Timestamp?
    }

    private let clock: WallClock
    private var entries: [String: Entry] = [:]
    /// Lease name → holder, kept apart from values so a lease name can never clash with a key.
    private var leases: [String: Entry] = [:]

    public init(clock: WallClock) {
        self.clock = clock
    }

    public func recordHeartbeat(_ worker: WorkerName, at time: Timestamp) {
        self.entries[worker.heartbeatKey] = Entry(value: String(time.epochMilliseconds), expiresAt: nil)
    }

    public func lastHeartbeat(_ worker: WorkerName) -> Timestamp? {
        self.liveEntry(worker.heartbeatKey, in: &self.entries)
            .flatMap { Int64($0.value) }
            .map(Timestamp.init(epochMilliseconds:))
    }

    public func set(_ value: String, forKey key: String, ttl: Duration) {
        self.entries[key] = Entry(value: value, expiresAt: self.clock.now() + ttl)
    }

    public func set(_ value: String, forKey key: String) {
        self.entries[key] = Entry(value: value, expiresAt: nil)
    }

    public func value(forKey key: String) -> String? {
        self.liveEntry(key, in: &self.entries)?.value
    }

    public func removeValue(forKey key: String) {
        self.entries[key] = nil
    }

    public func remainingTTL(forKey key: String) -> Duration? {
        guard let expiresAt = self.liveEntry(key, in: &self.entries)?.expiresAt else { return nil }
        return expiresAt.since(self.clock.now())
    }

    public func acquireLease(_ name: String, holder: String, ttl: Duration) -> Bool {
        if let current = self.liveEntry(name, in: &self.leases), current.value != holder { return false }
        self.leases[name] = Entry(value: holder, expiresAt: self.clock.now() + ttl)
        return true
    }

    public func releaseLease(_ name: String, holder: String) -> Bool {
        guard self.liveEntry(name, in: &self.leases)?.value == holder else { return false }
        self.leases[name] = nil
        return true
    }

    /// The entry under `key` unless it has expired (an expired one is dropped, as Redis does).
    private func liveEntry(_ key: String, in table: inout [String: Entry]) -> Entry? {
        guard let entry = table[key] else { return nil }
        if let expiresAt = entry.expiresAt, expiresAt <= self.clock.now() {
            table[key] = nil
            return nil
        }
        return entry
    }
}
