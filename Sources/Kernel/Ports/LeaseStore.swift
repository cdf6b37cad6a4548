/// Leases of the singleton workers, so that of several `mirror workers` processes on one
/// database only one runs each singleton at a time (``LeasedWork``).
///
/// Kept in the store rather than the cache: the processes that share the copy queue are exactly
/// those that share this database, so the lease is decided where the work is; it survives a cache
/// restart (which would forget a cache key and let a second holder in), and its fencing token only
/// ever grows.
public protocol LeaseStore: Sendable {
    /// Takes the lease `name` for `holder` until `now + ttl` if it is free, expired, or already
    /// `holder`'s — which renews it with the same token; a new holder gets the token before plus
    /// one. `nil` when another holder's lease is still running at `now`.
    func acquireLease(_ name: String, holder: String, now: Timestamp, ttl: Duration) async throws -> WorkerLease?
    /// Gives the lease up (it expires at once) if `holder` still holds it under `token`; the
    /// token is kept, so the next holder's is still greater.
    func releaseLease(_ name: String, holder: String, token: Int64) async throws
}

/// A singleton worker's lease as its holder got it.
public struct WorkerLease: Hashable, Sendable {
    public var name: String
    public var holder: String
    /// Grows by one with every new holder: a holder that sees another token lost the lease.
    public var token: Int64
    public var expiresAt: Timestamp

    public init(name: String, holder: String, token: Int64, expiresAt: Timestamp) {
        self.name = name
        self.holder = holder
        self.token = token
        self.expiresAt = expiresAt
    }
}
