import AsyncHTTPClient
import FakePolymarket
import FakePolymarketTesting
import Foundation
import Kernel
import KernelTesting
import NIOCore
import NIOHTTP1
import Testing

/// The facade at the wire: control round trips show up in Polymarket's own shapes, injected
/// faults look like Polymarket failing, and bad requests get `{"error": …}` with a 4xx.
@Suite(.timeLimit(.minutes(1))) struct ControlRouteTests {
    struct Reply {
        var status: Int
        var headers: [String: String]
        var json: Any?
    }

    static func get(_ url: String, method: String = "GET", body: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if let body { request.body = .bytes(Array(body.utf8), length: .known(Int64(body.utf8.count))) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return Reply(status: Int(response.status.code), headers: headers,
                     json: try? JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed]))
    }

    @Test func aListedMarketAppearsInGammaAndTheCLOBInTheirShapes() async throws {
        try await FakePolymarketHarness.run { harness in
            let market = try await harness.control.createMarket(VenueMarketSpec(slug: "shapes", negRisk: true))
            let token = try #require(market.tokenIDs.first)
            try await harness.control.setBook(OrderBook(
                tokenID: token, bids: [BookLevel(price: Price(baseUnits: 450_000), size: .whole(10)),
                                       BookLevel(price: Price(baseUnits: 400_000), size: .whole(20))],
                asks: [BookLevel(price: Price(baseUnits: 550_000), size: .whole(30)),
                       BookLevel(price: Price(baseUnits: 600_000), size: .whole(40))],
                tickSize: Price(baseUnits: 10_000), minOrderSize: .whole(5)))
            #expect(try await harness.control.markets().map(\.slug) == ["shapes"])

            let gamma = try await Self.get(harness.baseURL + "/gamma/markets?clob_token_ids=\(token.decimal)")
            let record = try #require((gamma.json as? [[String: Any]])?.first)
            // Outcomes and token ids are JSON inside strings (spec §13a.2); the tick a number.
            let tokens = try #require(record["clobTokenIds"] as? String)
            #expect(try JSONSerialization.jsonObject(with: Data(tokens.utf8)) as? [String] == market.tokenIDs.map(\.decimal))
            #expect(record["outcomes"] as? String == #"["Yes","No"]"#)
            #expect(record["negRisk"] as? Bool == true && record["conditionId"] as? String == market.conditionID)
            #expect((record["orderPriceMinTickSize"] as? NSNumber)?.doubleValue == 0.01)

            let book = try #require(try await Self.get(harness.baseURL + "/clob/book?token_id=\(token.decimal)").json as? [String: Any])
            // Worst first (§13a.1), numbers as strings.
            #expect((book["bids"] as? [[String: String]])?.map { $0["price"] } == ["0.4", "0.45"])
            #expect((book["asks"] as? [[String: String]])?.map { $0["price"] } == ["0.6", "0.55"])
            #expect(book["tick_size"] as? String == "0.01" && book["neg_risk"] as? Bool == true)
        }
    }

    @Test func anInjected429CarriesRetryAfterAndA5xxIsOneCallEach() async throws {
        try await FakePolymarketHarness.run { harness in
            let market = try await harness.control.createMarket(VenueMarketSpec(slug: "faults"))
            let url = harness.baseURL + "/clob/book?token_id=\(market.tokenIDs[0].decimal)"
            try await harness.control.inject(.exchange(.rateLimited(retryAfter: .seconds(2))), times: 1)
            try await harness.control.inject(.exchange(.serverError(status: 502)), times: 1)
            let limited = try await Self.get(url)
            #expect(limited.status == 429 && limited.headers["retry-after"] == "2")
            #expect((limited.json as? [String: Any])?["error"] != nil)
            #expect(try await Self.get(url).status == 502)
            #expect(try await Self.get(url).status == 200)
            // A feed fault leaves the CLOB alone, and cleared faults are gone.
            try await harness.control.inject(.feed(.serverError(status: 503)), times: nil)
            #expect(try await Self.get(url).status == 200)
            #expect(try await Self.get(harness.baseURL + "/data-api/positions?user=0x0000000000000000000000000000000000000001").status == 503)
            try await harness.control.clearFaults()
            #expect(try await Self.get(harness.baseURL + "/data-api/positions?user=0x0000000000000000000000000000000000000001").status == 200)
        }
    }

    @Test func anInjectedTimeoutNeverAnswers() async throws {
        try await FakePolymarketHarness.run(server: .init(unansweredHold: .milliseconds(50))) { harness in
            try await harness.control.inject(.exchange(.timeout), times: 1)
            await #expect(throws: (any Error).self) {
                let reply = try await Self.get(harness.baseURL + "/clob/time")
                Issue.record("an unanswered request was answered with \(reply.status)")
            }
            #expect(try await Self.get(harness.baseURL + "/clob/time").status == 200)
        }
    }

    @Test func badRequestsArePolymarketShapedErrorsNeverA500() async throws {
        try await FakePolymarketHarness.run { harness in
            let cases: [(String, String, String?, Int)] = [
                ("GET", "/clob/book?token_id=123", nil, 404),
                ("GET", "/clob/book", nil, 400),
                ("POST", "/clob/order", "{}", 401),
                ("POST", "/clob/auth/api-key", nil, 401),
                ("GET", "/data-api/trades?user=not-an-address", nil, 400),
                ("POST", "/control/faults", #"{"kind":"meteorStrike"}"#, 400),
                ("POST", "/control/fund", "not json", 400),
                ("GET", "/clob/no-such-route", nil, 404),
            ]
            for (method, path, body, status) in cases {
                let reply = try await Self.get(harness.baseURL + path, method: method, body: body)
                #expect(reply.status == status, "\(method) \(path)")
                #expect((reply.json as? [String: Any])?["error"] is String, "\(method) \(path)")
            }
        }
    }
}
