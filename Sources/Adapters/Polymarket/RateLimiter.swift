public import Kernel

/// A client-side limiter that never lets more than a rule's `limit` requests start within any
/// `window` (a sliding log, not a token bucket, so no burst at a window edge can exceed it).
/// Waits on the injected clock; a 429's `Retry-After` pauses the family until then.
public actor RateLimiter {
    private let limits: RateLimits
    private let clock: any AdapterClock
    /// Admission times per family and rule, oldest first.
    private var logs: [RouteFamily: [SlidingLog]] = [:]
    private var pausedUntil: [RouteFamily: Timestamp] = [:]

    public init(limits: RateLimits, clock: any AdapterClock) {
        self.limits = limits
        self.clock = clock
        for (family, rules) in limits.rules {
            self.logs[family] = rules.map(SlidingLog.init)
        }
    }

    /// Waits until every family of `families` has room now, then counts one request in each.
    /// Returns the admission time.
    @discardableResult
    public func acquire(_ families: [RouteFamily]) async throws -> Timestamp {
        while true {
            let now = self.clock.now()
            let ready = self.earliestAdmission(families, now: now)
            if ready <= now {
                self.record(families, at: now)
                return now
            }
            try await self.clock.sleep(until: ready)
        }
    }

    /// Counts one request if all families have room now; `false` (counting nothing) otherwise.
    /// For best-effort calls that should be skipped rather than delay the caller.
    public func tryAcquire(_ families: [RouteFamily]) -> Bool {
        let now = self.clock.now()
        guard self.earliestAdmission(families, now: now) <= now else { return false }
        self.record(families, at: now)
        return true
    }

    /// Holds back `families` until `deadline` (the venue's `Retry-After`).
    public func pause(_ families: [RouteFamily], until deadline: Timestamp) {
        for family in families {
            self.pausedUntil[family] = max(self.pausedUntil[family] ?? deadline, deadline)
        }
    }

    private func earliestAdmission(_ families: [RouteFamily], now: Timestamp) -> Timestamp {
        var ready = now
        for family in families {
            if let paused = self.pausedUntil[family], paused > ready { ready = paused }
            for index in self.logs[family, default: []].indices {
                self.logs[family]![index].forget(before: now)
                ready = max(ready, self.logs[family]![index].nextSlot(now: now))
            }
        }
        return ready
    }

    private func record(_ families: [RouteFamily], at now: Timestamp) {
        for family in families {
            for index in self.logs[family, default: []].indices {
                self.logs[family]![index].append(now)
            }
        }
    }
}

/// The admissions of one rule within its window, as a ring of at most `limit` times.
private struct SlidingLog {
    let rule: RateLimitRule
    private var times: [Int64] = []
    private var head = 0

    init(rule: RateLimitRule) {
        self.rule = rule
    }

    private var count: Int { self.times.count - self.head }
    private var windowMilliseconds: Int64 { self.rule.window.wholeMilliseconds }

    /// Drops times that can no longer share a window with a request at `now` or later.
    mutating func forget(before now: Timestamp) {
        let cutoff = now.epochMilliseconds - self.windowMilliseconds
        while self.head < self.times.count, self.times[self.head] <= cutoff { self.head += 1 }
        if self.head > 1_024, self.head * 2 > self.times.count {
            self.times.removeFirst(self.head)
            self.head = 0
        }
    }

    /// `now` if the window ending at `now` has room; else the moment the oldest admission that
    /// blocks leaves it (admissions in `(t − window, t]` count against `t`).
    func nextSlot(now: Timestamp) -> Timestamp {
        guard self.count >= self.rule.limit else { return now }
        let blocking = self.times[self.times.count - self.rule.limit]
        return Timestamp(epochMilliseconds: blocking + self.windowMilliseconds)
    }

    mutating func append(_ time: Timestamp) {
        self.times.append(time.epochMilliseconds)
    }
}
