public import Kernel

// MARK: - LeaseStore

extension InMemoryStore {
    public func acquireLease(_ name: String, holder: String, now: Timestamp, ttl: Duration) -> WorkerLease? {
        let current = self.leasesByName[name]
        if let current, current.holder != holder, current.expiresAt > now { return nil }
        let token = current.map { $0.holder == holder ? $0.token : $0.token + 1 } ?? 1
        let lease = WorkerLease(name: name, holder: holder, token: token, expiresAt: now + ttl)
        self.leasesByName[name] = lease
        return lease
    }

    public func releaseLease(_ name: String, holder: String, token: Int64) {
        guard var lease = self.leasesByName[name], lease.holder == holder, lease.token == token else { return }
        lease.holder = ""
        lease.expiresAt = Timestamp(epochMilliseconds: 0)
        self.leasesByName[name] = lease
    }
}
