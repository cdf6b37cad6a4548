import Ethereum
import FakeExchangeAdapter
import FakeExchangeTesting
import Foundation
import Kernel
import KernelTesting
import PolymarketProtocol
import Testing

/// What the contracts cannot say about every venue: the fake reads the real `POST /order` body
/// and checks it as the CLOB would, whatever the client-side code did.
@Suite struct FakeExchangeTests {
    let fixture = FakeVenueFixture()
    var venue: FakeVenue { self.fixture.venue }
    var exchange: FakeExchange { self.venue.exchange }

    func market(negRisk: Bool = false) async throws -> TokenID {
        let market = try await self.venue.listMarket(FakeMarketSpec(slug: "m-\(negRisk)", negRisk: negRisk))
        let token = market.tokenIDs[0]
        try await self.venue.setBook(OrderBook(
            tokenID: token, bids: [BookLevel(price: Price(baseUnits: 450_000), size: .whole(100))],
            asks: [BookLevel(price: Price(baseUnits: 500_000), size: .whole(100))],
            tickSize: Price(baseUnits: 10_000), minOrderSize: .whole(5)))
        return token
    }

    func trader(_ n: Int, _ type: WalletType = .depositWallet) async throws -> (PrivateKey, TradingAccount) {
        let key = PrivateKey.testKey(n)
        let account = try await FakeVenueFixture.openAccount(key: key, type: type, on: self.venue)
        await self.venue.fund(wallet: account.funderAddress, amount: .dollars(100))
        return (key, account)
    }

    func buy(_ token: TokenID, _ type: Kernel.OrderType = .fok, limit: Int64 = 550_000, expiresAt: Timestamp? = nil) -> OrderIntent {
        OrderIntent(tokenID: token, side: .buy, type: type, limitPrice: Price(baseUnits: limit), shares: .whole(10),
                    expiresAt: expiresAt)
    }

    func signed(_ intent: OrderIntent, _ key: PrivateKey, _ account: TradingAccount) async throws
        -> (prepared: PreparedOrder, payload: String)
    {
        let prepared = try await self.exchange.prepareOrder(intent, account: account, at: self.fixture.clock.now())
        let payload = try self.exchange.signedPayload(
            for: prepared, signature: try key.signatureBytes(over: prepared.digest), account: account)
        return (prepared, payload)
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func thePayloadIsPolymarketsPostOrderBody() async throws {
        let token = try await self.market()
        let (key, account) = try await self.trader(1)
        var withKey = account
        withKey.apiKey = "6f1b1f6e-0000-4000-8000-00000000abcd"
        let (prepared, payload) = try await self.signed(self.buy(token), key, withKey)
        let body = try Self.json(payload)
        #expect(body["owner"] as? String == "6f1b1f6e-0000-4000-8000-00000000abcd")
        #expect(body["orderType"] as? String == "FOK")
        let order = try #require(body["order"] as? [String: Any])
        let funder = try Address(hex: account.funderAddress.lowercased)
        #expect(order["maker"] as? String == funder.checksummed)
        #expect(order["signer"] as? String == funder.checksummed, "a deposit wallet signs its own orders")
        #expect(order["signatureType"] as? Int == 3)
        #expect(order["makerAmount"] as? String == "5500000" && order["takerAmount"] as? String == "10000000")
        #expect(order["tokenId"] as? String == token.decimal)
        let signature = try Hex.decode(try #require(order["signature"] as? String))
        #expect(signature.count == 317, "ERC-7739 wrapping")
        // The inner signature is the owner's over the prepared digest.
        let inner = try Signature(bytes: signature.prefix(65))
        #expect(try inner.recoverAddress(digest: prepared.digest) == key.address)
        #expect(try await self.exchange.submitOrder(payload: payload, orderID: prepared.orderID, account: withKey).state == .filled)
    }

    @Test func aTamperedAmountChangesTheHashAndIsRefused() async throws {
        let token = try await self.market()
        let (key, account) = try await self.trader(1)
        let (prepared, payload) = try await self.signed(self.buy(token), key, account)
        let tampered = payload.replacingOccurrences(of: "\"takerAmount\":\"10000000\"", with: "\"takerAmount\":\"11000000\"")
        #expect(tampered != payload)
        let snapshot = try await self.exchange.submitOrder(payload: tampered, orderID: prepared.orderID, account: account)
        #expect(snapshot.state == .rejected(code: "INVALID_ORDER_ERROR",
                                            message: "the order id does not match the order's hash " + Self.hash(of: tampered, negRisk: false)))
        #expect(try await self.exchange.order(id: prepared.orderID, account: account) == nil)
    }

    /// The hash the venue computes for a body (independently, with PolymarketProtocol).
    static func hash(of payload: String, negRisk: Bool) -> String {
        guard let body = try? Self.json(payload), let order = body["order"] as? [String: Any],
              let salt = order["salt"] as? UInt64, let maker = order["maker"] as? String,
              let tokenID = order["tokenId"] as? String, let makerAmount = order["makerAmount"] as? String,
              let takerAmount = order["takerAmount"] as? String, let timestamp = order["timestamp"] as? String,
              let side = order["side"] as? String, let type = order["signatureType"] as? Int,
              let rebuilt = try? PolymarketProtocol.Order(
                salt: salt, maker: Address(hex: maker), signer: Address(hex: maker),
                tokenID: UInt256(decimal: tokenID), makerAmount: UInt64(makerAmount)!, takerAmount: UInt64(takerAmount)!,
                side: OrderSide(rawValue: side)!, signatureType: SignatureType(rawValue: UInt8(type))!,
                timestamp: UInt64(timestamp)!)
        else { return "unparsable" }
        return Hex.encode(rebuilt.hash(in: .exchangeV2(negRisk: negRisk)))
    }

    @Test func anEOASignatureSwappedInTheBodyIsCaughtByTheVenue() async throws {
        let token = try await self.market()
        let (key, account) = try await self.trader(1, .eoa)
        let (prepared, payload) = try await self.signed(self.buy(token), key, account)
        let genuine = try key.sign(digest: prepared.digest).hex
        let forged = try PrivateKey.testKey(2).sign(digest: prepared.digest).hex
        let swapped = payload.replacingOccurrences(of: genuine, with: forged)
        #expect(swapped != payload)
        let snapshot = try await self.exchange.submitOrder(payload: swapped, orderID: prepared.orderID, account: account)
        #expect(snapshot.state == .rejected(code: "INVALID_ORDER_ERROR", message: "invalid signature"))
        #expect(await self.venue.shares(of: account.funderAddress, tokenID: token) == .zero)
    }

    @Test func anOrderSignedForTheStandardExchangeOnANegRiskMarketIsRefused() async throws {
        let token = try await self.market(negRisk: true)
        let key = PrivateKey.testKey(1)
        let account = try await FakeVenueFixture.openAccount(key: key, type: .eoa, on: self.venue)
        await self.venue.fund(wallet: account.funderAddress, amount: .dollars(100))
        let order = try PolymarketProtocol.Order(
            salt: 7, eoa: key.address, funder: key.address, signatureType: .eoa, tokenID: UInt256(decimal: token.decimal),
            side: .buy, amounts: OrderAmounts(makerAmount: 5_500_000, takerAmount: 10_000_000), timestamp: 1_764_379_800_123)
        let wrong = try await order.signed(in: .exchangeV2(negRisk: false), by: key)
        let body = try PostOrderRequest(order: wrong, owner: "k", orderType: .fok).body()
        let snapshot = try await self.exchange.submitOrder(payload: body, orderID: OrderID(wrong.orderID), account: account)
        guard case .rejected(let code, let message) = snapshot.state else {
            Issue.record("expected a rejection, got \(snapshot)")
            return
        }
        #expect(code == "INVALID_ORDER_ERROR")
        #expect(message.contains(Contracts.negRiskCtfExchangeV2.checksummed))

        let right = try await order.signed(in: .exchangeV2(negRisk: true), by: key)
        let accepted = try await self.exchange.submitOrder(
            payload: try PostOrderRequest(order: right, owner: "k", orderType: .fok).body(.polymarketClient),
            orderID: OrderID(right.orderID), account: account)
        #expect(accepted.state == .filled, "either SDK layout is read")
    }

    @Test func aFOKBuyIsTakenOnlyWithPolymarketsMarketAmounts() async throws {
        let token = try await self.market()
        let key = PrivateKey.testKey(1)
        let account = try await FakeVenueFixture.openAccount(key: key, type: .eoa, on: self.venue)
        await self.venue.fund(wallet: account.funderAddress, amount: .dollars(100))
        func submit(_ type: PolymarketProtocol.OrderType, maker: UInt64, taker: UInt64, salt: UInt64) async throws -> OrderSnapshot {
            let order = try PolymarketProtocol.Order(
                salt: salt, eoa: key.address, funder: key.address, signatureType: .eoa, tokenID: UInt256(decimal: token.decimal),
                side: .buy, amounts: OrderAmounts(makerAmount: maker, takerAmount: taker), timestamp: 1_764_379_800_123)
            let signed = try await order.signed(in: .exchangeV2(negRisk: false), by: key)
            return try await self.exchange.submitOrder(
                payload: try PostOrderRequest(order: signed, owner: "k", orderType: type).body(),
                orderID: OrderID(signed.orderID), account: account)
        }
        // 10.12 shares at 0.55 with limit amounts: $5.566 has three decimals, which the CLOB refuses
        // for a market BUY (spec §7.2).
        let limitStyle = try await submit(.fok, maker: 5_566_000, taker: 10_120_000, salt: 1)
        #expect(limitStyle.state == .rejected(code: "INVALID_ORDER_ERROR", message:
            "invalid amounts, the market buy orders maker amount supports a max accuracy of 2 decimals, "
                + "taker amount a max of 4 decimals"))
        #expect(await self.venue.shares(of: account.funderAddress, tokenID: token) == .zero)
        // The same order with §5.4 market amounts: $5.56 for 10.109 shares, filled at the 0.50 ask.
        let marketStyle = try await submit(.fok, maker: 5_560_000, taker: 10_109_000, salt: 2)
        #expect(marketStyle.state == .filled && marketStyle.filledShares == Shares(baseUnits: 10_109_000))
        #expect(marketStyle.filledNotional == Collateral(baseUnits: 5_054_500))
        // A resting order keeps limit amounts: 10.109 shares is finer than a size can be.
        let gtc = try await submit(.gtc, maker: 5_560_000, taker: 10_109_000, salt: 3)
        guard case .rejected = gtc.state else {
            Issue.record("a GTC order with market amounts was taken: \(gtc)")
            return
        }
    }

    @Test func anOrderFromAnotherAccountsWalletIsRefused() async throws {
        let token = try await self.market()
        let (key, account) = try await self.trader(1)
        let (_, other) = try await self.trader(2)
        let (prepared, payload) = try await self.signed(self.buy(token), key, account)
        let snapshot = try await self.exchange.submitOrder(payload: payload, orderID: prepared.orderID, account: other)
        #expect(snapshot.state == .rejected(code: "INVALID_ORDER_ERROR", message: "the order's maker is not this account's funder"))
    }

    @Test func anUnreadableBodyIsARefusalNotAnOutage() async throws {
        let (_, account) = try await self.trader(1)
        let error = await #expect(throws: VenueError.self) {
            _ = try await self.exchange.submitOrder(payload: "{\"order\":1}", orderID: .fixture(1), account: account)
        }
        #expect(error?.indicatesOutage == false)
    }

    @Test func aGTDOrderLeavesTheBookWhenItsTimeIsUp() async throws {
        let token = try await self.market()
        let (key, account) = try await self.trader(1)
        let expiry = self.fixture.clock.now() + .seconds(120)
        let (prepared, payload) = try await self.signed(
            self.buy(token, .gtd, limit: 400_000, expiresAt: expiry), key, account)
        let live = try await self.exchange.submitOrder(payload: payload, orderID: prepared.orderID, account: account)
        #expect(live.state == .live)
        #expect(try await self.exchange.collateralBalance(account: account) == .dollars(96))
        self.fixture.clock.advance(by: .seconds(121))
        await self.venue.step()
        #expect(try await self.exchange.order(id: prepared.orderID, account: account)?.state == .canceled)
        #expect(try await self.exchange.collateralBalance(account: account) == .dollars(100))
    }

    @Test func aGTDOrderExpiringTooSoonIsRefused() async throws {
        let token = try await self.market()
        let (key, account) = try await self.trader(1)
        let (prepared, payload) = try await self.signed(
            self.buy(token, .gtd, limit: 400_000, expiresAt: self.fixture.clock.now() + .seconds(30)), key, account)
        let snapshot = try await self.exchange.submitOrder(payload: payload, orderID: prepared.orderID, account: account)
        if case .rejected(let code, _) = snapshot.state { #expect(code == "INVALID_ORDER_EXPIRATION") } else {
            Issue.record("expected INVALID_ORDER_EXPIRATION, got \(snapshot)")
        }
    }

    @Test func aLeaderSellingIntoARestingBidFillsItAtItsPrice() async throws {
        let token = try await self.market()
        let (key, account) = try await self.trader(1)
        let (prepared, payload) = try await self.signed(self.buy(token, .gtc, limit: 480_000), key, account)
        #expect(try await self.exchange.submitOrder(payload: payload, orderID: prepared.orderID, account: account).state == .live)
        try await self.venue.leaderTrade(WalletAddress.fixture(0x4_0001), legs: [
            FakeLeg(tokenID: token, side: .sell, size: .whole(6), price: Price(baseUnits: 470_000)),
        ])
        let partly = try #require(try await self.exchange.order(id: prepared.orderID, account: account))
        #expect(partly == OrderSnapshot(orderID: prepared.orderID, state: .live, filledShares: .whole(6),
                                        filledNotional: Collateral(baseUnits: 2_880_000)))
        #expect(await self.venue.shares(of: account.funderAddress, tokenID: token) == .whole(6))
        let canceled = try await self.exchange.cancelOrder(id: prepared.orderID, account: account)
        #expect(canceled?.state == .partiallyFilled)
        #expect(try await self.exchange.collateralBalance(account: account) == Collateral(baseUnits: 97_120_000))
    }

    @Test func aTakerOrderFillsOtherAccountsRestingOrdersFirst() async throws {
        let token = try await self.market()
        let (sellerKey, seller) = try await self.trader(1)
        try await self.venue.grant(.whole(10), of: token, to: seller.funderAddress)
        let sell = OrderIntent(tokenID: token, side: .sell, type: .gtc, limitPrice: Price(baseUnits: 490_000),
                               shares: .whole(10))
        let (resting, restingPayload) = try await self.signed(sell, sellerKey, seller)
        #expect(try await self.exchange.submitOrder(payload: restingPayload, orderID: resting.orderID, account: seller).state == .live)
        #expect(try await self.exchange.orderBook(tokenID: token).bestAsk == Price(baseUnits: 490_000))

        let (buyerKey, buyer) = try await self.trader(2)
        let (taken, takerPayload) = try await self.signed(self.buy(token), buyerKey, buyer)
        let snapshot = try await self.exchange.submitOrder(payload: takerPayload, orderID: taken.orderID, account: buyer)
        #expect(snapshot.filledNotional == Collateral(baseUnits: 4_900_000))
        #expect(try await self.exchange.order(id: resting.orderID, account: seller)?.state == .filled)
        #expect(await self.venue.collateral(of: seller.funderAddress) == Collateral(baseUnits: 104_900_000))
        #expect(await self.venue.shares(of: seller.funderAddress, tokenID: token) == .zero)
    }

    @Test func aRelayerNonceUsedByAnotherTransactionIsRefused() async throws {
        let (key, account) = try await self.trader(1)
        let relayer = self.venue.relayer
        let first = try await relayer.prepare(.withdraw(amount: .dollars(1), to: .fixture(9)), account: account)
        let second = try await relayer.prepare(.withdraw(amount: .dollars(2), to: .fixture(9)), account: account)
        let firstPayload = try relayer.signedPayload(for: first, signature: try key.signatureBytes(over: first.digest),
                                                     account: account)
        let secondPayload = try relayer.signedPayload(for: second, signature: try key.signatureBytes(over: second.digest),
                                                      account: account)
        _ = try await relayer.submit(payload: firstPayload, account: account)
        await #expect(throws: VenueError.self) { _ = try await relayer.submit(payload: secondPayload, account: account) }
        let transactions = await self.venue.relayerTransactions()
        #expect(transactions.count == 1 && transactions.first?.nonce == 0)
    }
}
