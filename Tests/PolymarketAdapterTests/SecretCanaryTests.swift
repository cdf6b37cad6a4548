import Ethereum
import InMemoryLogging
import Kernel
import Logging
@testable import PolymarketAdapter
import PolymarketProtocol
import Testing

/// The API secret, passphrase and every request's HMAC signature never reach a log line or an
/// error description — even when the venue echoes a header back in its error text.
@Suite struct SecretCanaryTests {
    @Test func secretsNeverReachLogsOrErrors() async throws {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "canary") { _ in handler }
        logger.logLevel = .trace
        let transport = RecordingTransport()
        Fixture.serveMarket(transport)
        // A hostile venue repeats the request's secret headers in its errors.
        let echo: RecordingTransport.Handler = { request in
            let echoed = "\(request.header("POLY_SIGNATURE") ?? "") \(request.header("POLY_PASSPHRASE") ?? "")"
            return HTTPResponse(status: 400, json: #"{"error":"bad auth \#(echoed)"}"#)
        }
        transport.on("POST /order", echo)
        transport.on("GET /data/order/", echo)
        transport.on("DELETE /order") { request in
            HTTPResponse(status: 500, json: #"{"error":"\#(request.header("POLY_PASSPHRASE") ?? "")"}"#)
        }
        transport.on("GET /balance-allowance", status: 401, json: #"{"error":"Unauthorized/Invalid api key"}"#)
        let exchange = Fixture.exchange(transport, logger: logger)

        var texts: [String] = []
        let prepared = try await exchange.prepareOrder(
            OrderIntent(tokenID: Fixture.token, side: .buy, type: .fok, limitPrice: Price(baseUnits: 500_000), shares: .whole(10)),
            account: Fixture.account, at: Timestamp(epochMilliseconds: 1_760_000_000_000))
        let payload = try exchange.signedPayload(
            for: prepared, signature: try Fixture.key.sign(digest: prepared.digest).bytes, account: Fixture.account)
        let snapshot = try await exchange.submitOrder(payload: payload, orderID: prepared.orderID, account: Fixture.account)
        texts.append("\(snapshot)")
        for call in [
            { _ = try await exchange.order(id: prepared.orderID, account: Fixture.account) },
            { _ = try await exchange.cancelOrder(id: prepared.orderID, account: Fixture.account) },
            { _ = try await exchange.collateralBalance(account: Fixture.account) },
        ] as [@Sendable () async throws -> Void] {
            do { try await call() } catch { texts.append("\(error)"); texts.append(String(reflecting: error)) }
        }
        texts += handler.entries.map { "\($0.message) \($0.metadata)" }
        texts.append("\(FixedCredentials().value)")

        let signatures = transport.requests.compactMap { $0.header("POLY_SIGNATURE") }
        #expect(signatures.count >= 4)
        #expect(texts.count >= 5 && !handler.entries.isEmpty)
        for text in texts {
            for secret in [Fixture.secret, Fixture.passphrase] + signatures {
                #expect(!text.contains(secret), "leaked into: \(text)")
            }
        }
        #expect(texts.contains { $0.contains("<redacted>") }, "the echo was redacted, not dropped")
    }
}
