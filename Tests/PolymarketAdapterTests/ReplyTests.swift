import Ethereum
import Kernel
@testable import PolymarketAdapter
import PolymarketProtocol
import Testing

/// Replies written from the spec's shapes (§7.2, §7.3, §9) and every §13a pitfall that touches
/// the CLOB and Gamma.
@Suite struct ReplyTests {
    static let id = OrderID("0x" + String(repeating: "cd", count: 32))

    /// Prepares and signs a FOK BUY of 10 at 0.55, then submits it against `reply`.
    func submit(status: Int = 200, _ body: String, headers: [HTTPHeader] = [], type: Kernel.OrderType = .fok,
                fee: String? = nil) async throws -> (OrderSnapshot, RecordingTransport) {
        let transport = RecordingTransport()
        Fixture.serveMarket(transport, fee: fee)
        transport.on("POST /order", status: status, json: body, headers: headers)
        transport.on("GET /balance-allowance/update", json: "{}")
        let exchange = Fixture.exchange(transport)
        let prepared = try await exchange.prepareOrder(
            OrderIntent(tokenID: Fixture.token, side: .buy, type: type, limitPrice: Price(baseUnits: 550_000), shares: .whole(10)),
            account: Fixture.account, at: Timestamp(epochMilliseconds: 1_760_000_000_000))
        let payload = try exchange.signedPayload(
            for: prepared, signature: try Fixture.key.sign(digest: prepared.digest).bytes, account: Fixture.account)
        let snapshot = try await exchange.submitOrder(payload: payload, orderID: prepared.orderID, account: Fixture.account)
        return (snapshot, transport)
    }

    @Test func aMatchedFOKIsFilledWithTheVenueAmountsAndTheMarketFee() async throws {
        let (snapshot, transport) = try await self.submit(
            #"{"success":true,"errorMsg":"","orderID":"0x1","status":"matched","makingAmount":"5.2","takingAmount":"10","tradeIDs":["t1"],"transactionsHashes":[]}"#,
            fee: #"{"r":"0.02","e":1,"to":true}"#)
        #expect(snapshot.state == .filled)
        #expect(snapshot.filledShares == .whole(10) && snapshot.filledNotional == Collateral(baseUnits: 5_200_000))
        let expectedFee = FeeSchedule(rate: Ratio(baseUnits: 20_000), exponent: 1)
            .takerFee(shares: .whole(10), price: Price(baseUnits: 520_000))
        #expect(snapshot.fee == expectedFee && expectedFee.baseUnits > 0)
        // A fill makes the CLOB re-read the wallet's collateral and the token.
        #expect(transport.requests("GET /balance-allowance/update").map { $0.query.first?.value } == ["COLLATERAL", "CONDITIONAL"])
    }

    /// The trades reads that make a fill's notional and fee exact never wait for the order-data
    /// budget: once it is spent the reply's amounts and an estimated fee stand, at once.
    @Test(.timeLimit(.minutes(1))) func fillTradesAreReadOnlyWhileTheOrderDataBudgetLasts() async throws {
        let transport = RecordingTransport()
        Fixture.serveMarket(transport, fee: #"{"r":"0.02","e":1,"to":true}"#)
        transport.on("POST /order", json:
            #"{"success":true,"errorMsg":"","orderID":"0x1","status":"matched","makingAmount":"5.2","takingAmount":"10","tradeIDs":["t1"],"transactionsHashes":[]}"#)
        transport.on("GET /data/trades", json: #"{"data":[]}"#)
        transport.on("GET /balance-allowance/update", json: "{}")
        var configuration = Fixture.configuration
        configuration.rateLimits = try RateLimits.parse("order-data=1/10s")
        let exchange = Fixture.exchange(transport, configuration: configuration)
        var snapshots: [OrderSnapshot] = []
        for n in 0..<2 {
            let prepared = try await exchange.prepareOrder(
                OrderIntent(tokenID: Fixture.token, side: .buy, type: .fok, limitPrice: Price(baseUnits: 550_000),
                            shares: .whole(10)),
                account: Fixture.account, at: Timestamp(epochMilliseconds: 1_760_000_000_000 + Int64(n)))
            let payload = try exchange.signedPayload(
                for: prepared, signature: try Fixture.key.sign(digest: prepared.digest).bytes, account: Fixture.account)
            snapshots.append(try await exchange.submitOrder(payload: payload, orderID: prepared.orderID, account: Fixture.account))
        }
        #expect(transport.requests("GET /data/trades").count == 1, "the second read is skipped, not waited for")
        let fee = FeeSchedule(rate: Ratio(baseUnits: 20_000), exponent: 1).takerFee(shares: .whole(10), price: Price(baseUnits: 520_000))
        for snapshot in snapshots {
            #expect(snapshot.state == .filled && snapshot.filledNotional == Collateral(baseUnits: 5_200_000) && snapshot.fee == fee)
        }
    }

    @Test func aFAKPartFilledIsPartiallyFilled() async throws {
        let (snapshot, _) = try await self.submit(
            #"{"success":true,"errorMsg":"","orderID":"0x1","status":"matched","makingAmount":"3","takingAmount":"6"}"#, type: .fak)
        #expect(snapshot.state == .partiallyFilled && snapshot.filledShares == .whole(6))
    }

    @Test(arguments: [
        ("live", OrderSnapshot.State.live), ("delayed", .live), ("unmatched", .killed),
    ])
    func placementStatuses(_ status: String, _ state: OrderSnapshot.State) async throws {
        let (snapshot, transport) = try await self.submit(
            #"{"success":true,"errorMsg":"","orderID":"0x1","status":"\#(status)","makingAmount":"","takingAmount":""}"#, type: .gtc)
        #expect(snapshot.state == state && snapshot.filledShares == .zero)
        #expect(transport.requests("GET /balance-allowance/update").isEmpty)
    }

    @Test(arguments: [
        (400, #"{"error":"order couldn't be fully filled. FOK orders are fully filled or killed.","orderID":"0xabc"}"#),
        (400, #"{"error":"no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.","orderID":"0xabc"}"#),
        (200, #"{"success":false,"errorMsg":"FOK_ORDER_NOT_FILLED_ERROR","orderID":"0xabc"}"#),
    ])
    func killsAreSnapshotsNotErrors(_ status: Int, _ body: String) async throws {
        let (snapshot, _) = try await self.submit(status: status, body)
        #expect(snapshot.state == .killed)
    }

    @Test(arguments: [
        (400, #"{"error":"INVALID_ORDER_MIN_TICK_SIZE: price breaks minimum tick size rule"}"#, "INVALID_ORDER_MIN_TICK_SIZE"),
        (400, #"{"error":"not enough balance / allowance"}"#, "INVALID_ORDER_NOT_ENOUGH_BALANCE"),
        (200, #"{"success":false,"errorMsg":"the market is not yet ready to process new orders"}"#, "MARKET_NOT_READY"),
        (200, #"{"error":"the order signer address has to be the address of the API KEY"}"#, "API_KEY_NOT_ORDER_SIGNER"),
        (400, #"{"error":"something new","code":"brand_new_code"}"#, "BRAND_NEW_CODE"),
    ])
    func rejectionsCarryTheCLOBCode(_ status: Int, _ body: String, _ code: String) async throws {
        let (snapshot, transport) = try await self.submit(status: status, body)
        guard case .rejected(let got, let message) = snapshot.state else {
            Issue.record("expected a rejection, got \(snapshot.state)")
            return
        }
        #expect(got == code && !message.isEmpty)
        let refreshed = !transport.requests("GET /balance-allowance/update").isEmpty
        #expect(refreshed == (code == "INVALID_ORDER_NOT_ENOUGH_BALANCE"))
    }

    @Test func unknownOutcomesAndRefusalsThrowClassifiedErrors() async throws {
        for (status, transient) in [(500, true), (502, true), (425, true), (503, true), (401, false), (403, false)] {
            do {
                _ = try await self.submit(status: status, #"{"error":"boom"}"#)
                Issue.record("HTTP \(status) must throw")
            } catch let error as VenueError {
                #expect(error.isTransient == transient, "\(status): \(error)")
            }
        }
    }

    @Test func a429PausesTheRouteForRetryAfter() async throws {
        let transport = RecordingTransport()
        transport.on("GET /midpoint", status: 429, json: #"{"error":"Too Many Requests"}"#,
                     headers: [HTTPHeader(name: "Retry-After", value: "7")])
        let clock = ManualClock()
        let exchange = Fixture.exchange(transport, clock: clock)
        let start = clock.now()
        await #expect(throws: VenueError.rateLimited(retryAfter: .seconds(7))) {
            _ = try await exchange.midpoint(tokenID: Fixture.token)
        }
        transport.on("GET /midpoint", json: #"{"mid":"0.5"}"#)
        #expect(try await exchange.midpoint(tokenID: Fixture.token) == Price(baseUnits: 500_000))
        #expect(clock.now() == start + .seconds(7))
    }

    @Test func anErrorInsideA200IsNeverASuccess() async throws {
        let transport = RecordingTransport()
        transport.on("GET /book", json: #"{"error":"rate limit exceeded"}"#)
        transport.on("GET /midpoint", json: #"{"error":"invalid token id"}"#)
        let exchange = Fixture.exchange(transport)
        await #expect(throws: VenueError.rateLimited(retryAfter: nil)) { _ = try await exchange.orderBook(tokenID: Fixture.token) }
        await #expect(throws: VenueError.refused(status: 200, message: "invalid token id")) {
            _ = try await exchange.midpoint(tokenID: Fixture.token)
        }
    }

    @Test func orderLookups() async throws {
        let transport = RecordingTransport()
        Fixture.serveMarket(transport)
        let exchange = Fixture.exchange(transport)
        for (status, body) in [(404, #"{"error":"not found"}"#), (200, "null"), (200, ""), (200, "{}"),
                               (400, #"{"error":"order not found"}"#)] {
            transport.on("GET /data/order/", status: status, json: body)
            #expect(try await exchange.order(id: Self.id, account: Fixture.account) == nil, "\(status) \(body)")
        }
        let cases: [(String, String, OrderSnapshot.State)] = [
            ("ORDER_STATUS_MATCHED", "10", .filled), ("matched", "4", .partiallyFilled), ("LIVE", "4", .live),
            ("ORDER_STATUS_CANCELED", "0", .canceled), ("CANCELED", "4", .partiallyFilled), ("UNMATCHED", "0", .killed),
        ]
        for (status, matched, state) in cases {
            transport.on("GET /data/order/", json: """
                {"id":"\(Self.id)","status":"\(status)","asset_id":"\(Fixture.token)","original_size":"10",
                 "size_matched":"\(matched)","price":"0.30000000000000004","order_type":"GTC"}
                """)
            let snapshot = try #require(try await exchange.order(id: Self.id, account: Fixture.account))
            #expect(snapshot.state == state, "\(status)")
            #expect(snapshot.filledShares == (try Shares(decimal: matched)))
            #expect(snapshot.filledNotional == (try Shares(decimal: matched)).value(at: Price(baseUnits: 300_000)))
        }
        transport.on("GET /data/order/", status: 500, json: "oops")
        await #expect(throws: VenueError.self) { _ = try await exchange.order(id: Self.id, account: Fixture.account) }
    }

    /// §13a.1, .5, .8: worst-first sides, float artefacts, numbers as strings with trailing zeros.
    @Test func booksComeBackBestFirstWithExactPrices() async throws {
        let transport = RecordingTransport()
        transport.on("GET /book", json: """
            {"market":"\(Fixture.conditionID)","asset_id":"\(Fixture.token)","timestamp":"1760000000123",
             "bids":[{"price":"0.30000000000000004","size":"100"},{"price":"0.430","size":"5.5"},{"price":"0.5400000017208633","size":"1"}],
             "asks":[{"price":"0.99","size":"3"},{"price":"0.60","size":"2"},{"price":"0.56","size":"0"}],
             "tick_size":"0.01","min_order_size":"5","neg_risk":false,"last_trade_price":"0.55"}
            """)
        let book = try await Fixture.exchange(transport).orderBook(tokenID: Fixture.token)
        #expect(book.bids.map(\.price) == [540_000, 430_000, 300_000].map { Price(baseUnits: $0) })
        #expect(book.asks.map(\.price) == [600_000, 990_000].map { Price(baseUnits: $0) })
        #expect(book.bids[1].size == Shares(baseUnits: 5_500_000))
        #expect(book.tickSize == Price(baseUnits: 10_000) && book.minOrderSize == .whole(5))
    }

    /// §13a.9: an old book without tick or minimum borrows them from the market record.
    @Test func anOldBookBorrowsTickAndMinimumFromTheMarket() async throws {
        let transport = RecordingTransport()
        Fixture.serveMarket(transport, tick: "0.001", minimum: "15")
        transport.on("GET /book", json: #"{"bids":[{"price":"0.5","size":"1"}],"asks":[]}"#)
        let book = try await Fixture.exchange(transport).orderBook(tokenID: Fixture.token)
        #expect(book.tickSize == Price(baseUnits: 1_000) && book.minOrderSize == .whole(15))
    }

    /// §9, §12, §13a.2/.4/.9: JSON-in-string fields, 78-digit ids, fee details, resolution rule.
    @Test func marketInfoJoinsGammaAndTheCLOBRecord() async throws {
        let transport = RecordingTransport()
        Fixture.serveMarket(transport, negRisk: true, minimum: "\"5\"", fee: #"{"r":0.0625,"e":"2","to":true}"#,
                            gammaExtra: #","umaResolutionStatus":"resolved","version":"v1""#)
        let info = try await Fixture.exchange(transport).market(tokenID: Fixture.token)
        #expect(info.conditionID == Fixture.conditionID && info.slug == "will-it-rain" && info.outcome == "Yes")
        #expect(info.negRisk && info.tickSize == Price(baseUnits: 10_000) && info.minOrderSize == .whole(5))
        #expect(info.takerFee == FeeSchedule(rate: Ratio(baseUnits: 62_500), exponent: 2))
        #expect(info.resolved == false)  // closed is false
        #expect(info.endsAt == (try Timestamp(iso8601: "2026-12-31T12:00:00.000Z")))
        #expect(!info.protocolV2 && info.acceptingOrders)
    }

    @Test(arguments: [
        (#""closed":true,"umaResolutionStatus":"resolved""#, Optional(true)),
        (#""closed":true,"umaResolutionStatus":"proposed""#, Optional(false)),
        (#""closed":true"#, nil),
        (#""umaResolutionStatus":"resolved""#, nil),
        (#""closed":false"#, Optional(false)),
        (#""closed":"true","umaResolutionStatus":"resolved""#, Optional(true)),
    ])
    func resolvedNeedsClosedAndTheOracle(_ fields: String, _ resolved: Bool?) throws {
        let json = try #require(JSONValue.parse("{\(fields)}"))
        #expect(GammaMarket(json).resolved == resolved)
    }

    @Test func gammaFieldsDecodeTwiceAndKeepLongIDsExact() throws {
        let id78 = "1" + String(repeating: "0", count: 76) + "7"
        let json = try #require(JSONValue.parse("""
            {"conditionId":"0xabc","outcomes":"[\\"Up\\", \\"Down\\"]","clobTokenIds":"[\\"\(id78)\\", \\"42\\"]",
             "outcomePrices":"[\\"0.30000000000000004\\", \\"0.7\\"]","orderPriceMinTickSize":0.001,"orderMinSize":"5",
             "endDate":"2026-11-30T12:00:00.5+00:00"}
            """))
        let market = GammaMarket(json)
        #expect(market.tokenIDs.map(\.decimal) == [id78, "42"])
        #expect(market.outcome(of: try TokenID(id78)) == "Up")
        #expect(market.tickSize == Price(baseUnits: 1_000) && market.minOrderSize == .whole(5))
        #expect(market.endsAt == (try Timestamp(iso8601: "2026-11-30T12:00:00.500Z")))
        #expect(market.negRisk == nil && market.acceptingOrders == nil && market.closed == nil)
    }

    /// §5.8: a Gamma `version: "v2"` market, or a position id, is Protocol V2 and is not prepared.
    @Test func protocolV2MarketsAreDetectedAndRefusedAtPrepare() async throws {
        let transport = RecordingTransport()
        Fixture.serveMarket(transport, gammaExtra: #","version":"v2","positionIds":"[\"77\"]""#)
        let exchange = Fixture.exchange(transport)
        #expect(try await exchange.market(tokenID: Fixture.token).protocolV2)
        await #expect(throws: VenueError.self) {
            _ = try await exchange.prepareOrder(
                OrderIntent(tokenID: Fixture.token, side: .buy, type: .fok, limitPrice: Price(baseUnits: 500_000), shares: .whole(10)),
                account: Fixture.account, at: Timestamp(epochMilliseconds: 0))
        }
        let positionID = try TokenID("77")
        let other = RecordingTransport()
        Fixture.serveMarket(other, token: positionID)
        #expect(try await Fixture.exchange(other).market(tokenID: positionID).protocolV2)
    }

    @Test func feeDetailsMissingMeanFreeAndABadExponentIsRefused() throws {
        #expect(try ClobMarketRecord(try #require(JSONValue.parse(#"{"mts":0.01}"#))).fee == .free)
        #expect(throws: VenueError.self) { try ClobMarketRecord(try #require(JSONValue.parse(#"{"fd":{"r":"0.1","e":1.5}}"#))) }
    }

    @Test func prepareSnapsOnTheSafeSideAndUsesMarketAmountsForFOK() async throws {
        let transport = RecordingTransport()
        Fixture.serveMarket(transport, minimum: "5")
        let exchange = Fixture.exchange(transport)
        let at = Timestamp(epochMilliseconds: 1_760_000_000_000)
        let buy = try await exchange.prepareOrder(
            OrderIntent(tokenID: Fixture.token, side: .buy, type: .fok, limitPrice: Price(baseUnits: 555_000),
                        shares: Shares(baseUnits: 10_129_000)), account: Fixture.account, at: at)
        // 10.12 × 0.55 = 5.566 → 5.56 pUSD; 5.56 / 0.55 = 10.1090… shares (4 decimals).
        #expect(buy.intent.limitPrice == Price(baseUnits: 550_000))
        #expect(buy.makerAmount == 5_560_000 && buy.takerAmount == 10_109_000)
        #expect(buy.intent.shares == Shares(baseUnits: 10_109_000))
        let sell = try await exchange.prepareOrder(
            OrderIntent(tokenID: Fixture.token, side: .sell, type: .gtc, limitPrice: Price(baseUnits: 551_000), shares: .whole(7)),
            account: Fixture.account, at: at)
        #expect(sell.intent.limitPrice == Price(baseUnits: 560_000) && sell.takerAmount == 3_920_000)
        for intent in [
            OrderIntent(tokenID: Fixture.token, side: .buy, type: .fok, limitPrice: Price(baseUnits: 550_000), shares: Shares(baseUnits: 4_990_000)),
            OrderIntent(tokenID: Fixture.token, side: .sell, type: .fok, limitPrice: Price(baseUnits: 995_000), shares: .whole(10)),
            OrderIntent(tokenID: Fixture.token, side: .buy, type: .gtd, limitPrice: Price(baseUnits: 500_000), shares: .whole(10),
                        expiresAt: at + .seconds(60)),
        ] {
            await #expect(throws: VenueError.self, "\(intent)") {
                _ = try await exchange.prepareOrder(intent, account: Fixture.account, at: at)
            }
        }
    }
}
