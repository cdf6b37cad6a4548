public import Kernel
import Synchronization

/// Forwards every call to the venue and notes the instant each order submission comes back
/// accepted, so a benchmark can tell "the venue has the order" apart from "the engine has booked it".
public final class AcceptanceTimingExchange: Exchange {
    public let base: any Exchange
    private let accepted = Mutex<[ContinuousClock.Instant]?>(nil)
    /// Every order id submitted, in order: what the venue saw, for counting duplicates.
    private let submitted = Mutex<[OrderID]>([])

    public var submittedOrders: [OrderID] { self.submitted.withLock { $0 } }

    public init(base: any Exchange) { self.base = base }

    public func startRecording() { self.accepted.withLock { $0 = [] } }

    /// The acceptance instants since ``startRecording()``, oldest first.
    public func stopRecording() -> [ContinuousClock.Instant] {
        self.accepted.withLock { recorded in
            defer { recorded = nil }
            return recorded ?? []
        }
    }

    public func submitOrder(payload: String, orderID: OrderID, account: TradingAccount) async throws -> OrderSnapshot {
        self.submitted.withLock { $0.append(orderID) }
        let snapshot = try await self.base.submitOrder(payload: payload, orderID: orderID, account: account)
        let now = ContinuousClock.now
        self.accepted.withLock { $0?.append(now) }
        return snapshot
    }

    public func market(tokenID: TokenID) async throws -> MarketInfo { try await self.base.market(tokenID: tokenID) }
    public func orderBook(tokenID: TokenID) async throws -> OrderBook { try await self.base.orderBook(tokenID: tokenID) }
    public func prepareOrder(_ intent: OrderIntent, account: TradingAccount, at time: Timestamp) async throws -> PreparedOrder {
        try await self.base.prepareOrder(intent, account: account, at: time)
    }
    public func signedPayload(for prepared: PreparedOrder, signature: [UInt8], account: TradingAccount) throws -> String {
        try self.base.signedPayload(for: prepared, signature: signature, account: account)
    }
    public func order(id: OrderID, account: TradingAccount) async throws -> OrderSnapshot? {
        try await self.base.order(id: id, account: account)
    }
    public func cancelOrder(id: OrderID, account: TradingAccount) async throws -> OrderSnapshot? {
        try await self.base.cancelOrder(id: id, account: account)
    }
    public func collateralBalance(account: TradingAccount) async throws -> Collateral {
        try await self.base.collateralBalance(account: account)
    }
}
