import AsyncHTTPClient
import Ethereum
import FakePolymarketTesting
import Foundation
import Kernel
import KernelTesting
import PolymarketAdapter
import Testing

/// What the facade's CLOB verifies, seen through the real adapter: a tampered signature, an
/// order off the tick and a stale Level 2 timestamp are refused with the error Polymarket gives,
/// and the adapter surfaces each as the right refusal.
@Suite(.timeLimit(.minutes(1))) struct ClobVerificationTests {
    static let cent = Price(baseUnits: 10_000)

    /// A market with asks at 0.50 and a deposit-wallet trader with $100.
    static func setUp(_ harness: FakePolymarketHarness) async throws -> (TokenID, PrivateKey, TradingAccount) {
        let market = try await harness.control.createMarket(VenueMarketSpec(slug: "verification"))
        let token = try #require(market.tokenIDs.first)
        try await harness.control.setBook(OrderBook(
            tokenID: token, bids: [], asks: [BookLevel(price: Price(baseUnits: 500_000), size: .whole(100))],
            tickSize: Self.cent, minOrderSize: .whole(5)))
        let key = PrivateKey.testKey(41)
        let account = try await harness.venueHarness.account(for: key, type: .depositWallet)
        try await harness.control.fund(wallet: account.funderAddress, amount: .dollars(100))
        return (token, key, account)
    }

    static func intent(_ token: TokenID) -> OrderIntent {
        OrderIntent(tokenID: token, side: .buy, type: .fok, limitPrice: Price(baseUnits: 550_000), shares: .whole(10))
    }

    @Test func aTamperedSignatureIsRefusedAndTheOrderNeverExists() async throws {
        try await FakePolymarketHarness.run { harness in
            let (token, key, account) = try await Self.setUp(harness)
            let prepared = try await harness.exchange.prepareOrder(Self.intent(token), account: account, at: harness.clock.now())
            let payload = try harness.exchange.signedPayload(
                for: prepared, signature: try key.signatureBytes(over: prepared.digest), account: account)
            // One bit of the inner ECDSA signature's `s` flipped: still well-formed, no longer the owner's.
            let signature = try #require(payload.firstRange(of: "\"signature\":\"0x"))
            var tampered = payload
            let digit = tampered.index(signature.upperBound, offsetBy: 70)
            tampered.replaceSubrange(digit...digit, with: tampered[digit] == "1" ? "2" : "1")
            let snapshot = try await harness.exchange.submitOrder(payload: tampered, orderID: prepared.orderID, account: account)
            guard case .rejected(let code, let message) = snapshot.state else {
                Issue.record("a tampered order was not rejected: \(snapshot)")
                return
            }
            #expect(code == "INVALID_ORDER_ERROR")
            #expect(message.contains("invalid signature"))
            #expect(try await harness.exchange.order(id: prepared.orderID, account: account) == nil)
            #expect(try await harness.control.collateral(of: account.funderAddress) == .dollars(100))
        }
    }

    @Test func anOrderOffTheMarketsTickIsRefusedWithTheTickCode() async throws {
        try await FakePolymarketHarness.run { harness in
            let (token, key, account) = try await Self.setUp(harness)
            let prepared = try await harness.exchange.prepareOrder(
                OrderIntent(tokenID: token, side: .buy, type: .fok, limitPrice: Price(baseUnits: 530_000), shares: .whole(10)),
                account: account, at: harness.clock.now())
            let payload = try harness.exchange.signedPayload(
                for: prepared, signature: try key.signatureBytes(over: prepared.digest), account: account)
            let market = try await harness.exchange.market(tokenID: token)
            try await harness.control.updateMarket(conditionID: market.conditionID, tickSize: Price(baseUnits: 100_000),
                                                   minOrderSize: nil, acceptingOrders: nil)
            let snapshot = try await harness.exchange.submitOrder(payload: payload, orderID: prepared.orderID, account: account)
            guard case .rejected(let code, let message) = snapshot.state else {
                Issue.record("an off-tick order was not rejected: \(snapshot)")
                return
            }
            #expect(code == "INVALID_ORDER_MIN_TICK_SIZE")
            #expect(message.contains("tick size"))
            #expect(try await harness.control.shares(of: account.funderAddress, tokenID: token) == .zero)
        }
    }

    @Test func aStaleLevel2TimestampIsRefusedAsUnauthorized() async throws {
        try await FakePolymarketHarness.run { harness in
            let (token, key, account) = try await Self.setUp(harness)
            // The same adapter and credentials, on a clock two minutes behind the venue's.
            let late = ManualWallClock(harness.clock.now() - .seconds(120))
            let stale = PolymarketExchange(configuration: harness.configuration, transport: AsyncHTTPClientTransport(client: .shared),
                                           credentials: harness.credentials, clock: ManualAdapterClock(late))
            let prepared = try await harness.exchange.prepareOrder(Self.intent(token), account: account, at: harness.clock.now())
            let payload = try harness.exchange.signedPayload(
                for: prepared, signature: try key.signatureBytes(over: prepared.digest), account: account)
            do {
                _ = try await stale.submitOrder(payload: payload, orderID: prepared.orderID, account: account)
                Issue.record("a stale request was accepted")
            } catch VenueError.refused(let status, let message) {
                #expect(status == 401)
                #expect(message.contains("POLY_TIMESTAMP"))
            }
            // Nothing was placed; the same order on time fills.
            #expect(try await harness.exchange.order(id: prepared.orderID, account: account) == nil)
            let snapshot = try await harness.exchange.submitOrder(payload: payload, orderID: prepared.orderID, account: account)
            #expect(snapshot.state == .filled)
        }
    }
}
