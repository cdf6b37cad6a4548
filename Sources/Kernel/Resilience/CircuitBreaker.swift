import Synchronization

/// Stops calling a failing service so it can recover and so the engine defers instead of
/// piling up unknown outcomes. Opens after `failureThreshold` consecutive failures (outage
/// errors, or calls slower than `slowCallThreshold`), half-opens after `openDuration` to let one
/// trial call through, and closes again when that trial succeeds.
public final class CircuitBreaker: Sendable {
    public struct Policy: Hashable, Sendable {
        public var failureThreshold: Int
        public var slowCallThreshold: Duration
        public var openDuration: Duration

        public init(failureThreshold: Int = 5, slowCallThreshold: Duration = .seconds(10),
                    openDuration: Duration = .seconds(60)) {
            self.failureThreshold = failureThreshold
            self.slowCallThreshold = slowCallThreshold
            self.openDuration = openDuration
        }
    }

    public enum State: String, Hashable, Sendable, Codable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    /// What `/system/status` shows.
    public struct Snapshot: Hashable, Sendable {
        public var service: String
        public var state: State
        public var consecutiveFailures: Int
        public var openedAt: Timestamp?
    }

    private struct Inner {
        var state: State = .closed
        var consecutiveFailures = 0
        var openedAt: Timestamp?
        var trialInFlight = false
    }

    public let service: String
    public let policy: Policy
    private let wallClock: WallClock
    private let inner = Mutex(Inner())

    public init(service: String, policy: Policy = Policy(), wallClock: WallClock) {
        self.service = service
        self.policy = policy
        self.wallClock = wallClock
    }

    public var snapshot: Snapshot {
        let now = self.wallClock.now()
        return self.inner.withLock { inner in
            // An open breaker whose wait is over shows as half-open: the next call is a trial.
            var state = inner.state
            if state == .open, let openedAt = inner.openedAt, now.since(openedAt) >= self.policy.openDuration {
                state = .halfOpen
            }
            return Snapshot(service: self.service, state: state, consecutiveFailures: inner.consecutiveFailures,
                            openedAt: inner.openedAt)
        }
    }

    /// Runs `body` unless the breaker is open; throws ``VenueError/circuitOpen(service:)`` then.
    public func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try self.admit()
        let started = self.wallClock.now()
        do {
            let result = try await body()
            self.record(failed: self.wallClock.now().since(started) >= self.policy.slowCallThreshold)
            return result
        } catch let error as VenueError where error.indicatesOutage {
            self.record(failed: true)
            throw error
        } catch {
            // Not the service's fault (a refusal, a cancellation): the trial, if any, is over.
            self.record(failed: false)
            throw error
        }
    }

    private func admit() throws {
        let now = self.wallClock.now()
        let admitted = self.inner.withLock { inner -> Bool in
            switch inner.state {
            case .closed:
                return true
            case .open:
                guard let openedAt = inner.openedAt, now.since(openedAt) >= self.policy.openDuration else { return false }
                inner.state = .halfOpen
                inner.trialInFlight = true
                return true
            case .halfOpen:
                guard !inner.trialInFlight else { return false }
                inner.trialInFlight = true
                return true
            }
        }
        if !admitted { throw VenueError.circuitOpen(service: self.service) }
    }

    private func record(failed: Bool) {
        let now = self.wallClock.now()
        self.inner.withLock { inner in
            let wasTrial = inner.state == .halfOpen
            inner.trialInFlight = false
            if failed {
                inner.consecutiveFailures += 1
                if wasTrial || inner.consecutiveFailures >= self.policy.failureThreshold {
                    inner.state = .open
                    inner.openedAt = now
                }
            } else {
                inner.consecutiveFailures = 0
                inner.state = .closed
                inner.openedAt = nil
            }
        }
    }
}

/// The Exchange port behind a circuit breaker: the same for the fake and the real adapter.
public struct BreakerGuardedExchange: Exchange {
    let base: any Exchange
    public let breaker: CircuitBreaker

    public init(_ base: any Exchange, breaker: CircuitBreaker) {
        self.base = base
        self.breaker = breaker
    }

    public func market(tokenID: TokenID) async throws -> MarketInfo {
        try await self.breaker.run { try await self.base.market(tokenID: tokenID) }
    }

    public func orderBook(tokenID: TokenID) async throws -> OrderBook {
        try await self.breaker.run { try await self.base.orderBook(tokenID: tokenID) }
    }

    public func prepareOrder(_ intent: OrderIntent, account: TradingAccount, at time: Timestamp) async throws -> PreparedOrder {
        try await self.breaker.run { try await self.base.prepareOrder(intent, account: account, at: time) }
    }

    public func signedPayload(for prepared: PreparedOrder, signature: [UInt8], account: TradingAccount) throws -> String {
        try self.base.signedPayload(for: prepared, signature: signature, account: account)
    }

    public func submitOrder(payload: String, orderID: OrderID, account: TradingAccount) async throws -> OrderSnapshot {
        try await self.breaker.run { try await self.base.submitOrder(payload: payload, orderID: orderID, account: account) }
    }

    public func order(id: OrderID, account: TradingAccount) async throws -> OrderSnapshot? {
        try await self.breaker.run { try await self.base.order(id: id, account: account) }
    }

    public func cancelOrder(id: OrderID, account: TradingAccount) async throws -> OrderSnapshot? {
        try await self.breaker.run { try await self.base.cancelOrder(id: id, account: account) }
    }

    public func collateralBalance(account: TradingAccount) async throws -> Collateral {
        try await self.breaker.run { try await self.base.collateralBalance(account: account) }
    }
}

/// The Relayer port behind a circuit breaker.
public struct BreakerGuardedRelayer: Relayer {
    let base: any Relayer
    public let breaker: CircuitBreaker

    public init(_ base: any Relayer, breaker: CircuitBreaker) {
        self.base = base
        self.breaker = breaker
    }

    public func prepare(_ request: RelayerRequest, account: TradingAccount) async throws -> PreparedRelayerTx {
        try await self.breaker.run { try await self.base.prepare(request, account: account) }
    }

    public func signedPayload(for prepared: PreparedRelayerTx, signature: [UInt8], account: TradingAccount) throws -> String {
        try self.base.signedPayload(for: prepared, signature: signature, account: account)
    }

    public func submit(payload: String, account: TradingAccount) async throws -> RelayerSubmission {
        try await self.breaker.run { try await self.base.submit(payload: payload, account: account) }
    }

    public func state(reference: String) async throws -> RelayerSubmission {
        try await self.breaker.run { try await self.base.state(reference: reference) }
    }
}
