import Ethereum
import Kernel
import KernelTesting
@testable import PolymarketAdapter
import PolymarketProtocol
import Testing

/// The request each route sends: method, path, query, headers and body.
@Suite struct RouteTests {
    @Test func publicMarketDataRoutesCarryNoAuthHeaders() async throws {
        let transport = RecordingTransport()
        Fixture.serveMarket(transport)
        transport.on("GET /book", json: #"{"bids":[],"asks":[],"tick_size":"0.01","min_order_size":"5"}"#)
        transport.on("GET /tick-size", json: #"{"minimum_tick_size":0.001}"#)
        transport.on("GET /neg-risk", json: #"{"neg_risk":true}"#)
        transport.on("GET /midpoint", json: #"{"mid":"0.455"}"#)
        let exchange = Fixture.exchange(transport)
        _ = try await exchange.orderBook(tokenID: Fixture.token)
        #expect(try await exchange.tickSize(tokenID: Fixture.token) == Price(baseUnits: 1_000))
        #expect(try await exchange.negRisk(tokenID: Fixture.token))
        #expect(try await exchange.midpoint(tokenID: Fixture.token) == Price(baseUnits: 455_000))
        _ = try await exchange.market(tokenID: Fixture.token)
        let urls = transport.requests.map(\.url)
        let token = Fixture.token.decimal
        #expect(urls == [
            "https://clob.test/book?token_id=\(token)", "https://clob.test/tick-size?token_id=\(token)",
            "https://clob.test/neg-risk?token_id=\(token)", "https://clob.test/midpoint?token_id=\(token)",
            "https://gamma.test/markets?clob_token_ids=\(token)", "https://clob.test/clob-markets/\(Fixture.conditionID)",
        ])
        for request in transport.requests {
            #expect(request.method == "GET" && request.body == nil)
            #expect(request.headers.allSatisfy { !$0.name.hasPrefix("POLY_") }, "\(request.path)")
            #expect(request.timeout == .seconds(10))
        }
    }

    /// L2 signs the path without the query (vector hmac_l2-001 is `GET /data/orders`).
    @Test func l2RoutesSignThePathWithoutQuery() async throws {
        let vector = try #require(try Vectors.cases(kind: "hmac_l2").first { $0["id"]?.text == "hmac_l2-001" })
        let expected = try #require(vector["expected"]?["headers"])
        let transport = RecordingTransport()
        transport.on("GET /data/orders", json: #"{"data":[],"next_cursor":"LTE="}"#)
        let exchange = Fixture.exchange(transport)
        let orders = try await exchange.openOrders(account: Fixture.account, conditionID: Fixture.conditionID)
        #expect(orders.isEmpty)
        let sent = try #require(transport.requests.first)
        #expect(sent.url == "https://clob.test/data/orders?market=\(Fixture.conditionID)&next_cursor=MA%3D%3D")
        for name in ["POLY_ADDRESS", "POLY_SIGNATURE", "POLY_TIMESTAMP", "POLY_API_KEY", "POLY_PASSPHRASE"] {
            #expect(sent.header(name) == (try expected.must(name)), "\(name)")
        }
    }

    @Test func orderLookupCancelAndBalancesSendTheDocumentedRequests() async throws {
        let id = OrderID("0x" + String(repeating: "ab", count: 32))
        let transport = RecordingTransport()
        Fixture.serveMarket(transport)
        transport.on("GET /data/order/", json: """
            {"id":"\(id)","status":"ORDER_STATUS_LIVE","market":"\(Fixture.conditionID)","asset_id":"\(Fixture.token)",
             "side":"BUY","original_size":"10","size_matched":"0","price":"0.5","order_type":"GTC"}
            """)
        transport.on("DELETE /order", json: #"{"canceled":["\#(id)"],"not_canceled":{}}"#)
        transport.on("GET /balance-allowance", json: #"{"balance":"12500000","allowances":{"0xE111180000d2663C0091e4f400237545B87B996B":"115792089237316195423570985008687907853269984665640564039457584007913129639935"}}"#)
        transport.on("GET /balance-allowance/update", json: #"{}"#)
        let exchange = Fixture.exchange(transport)
        var account = Fixture.account
        account.type = .safe

        #expect(try await exchange.order(id: id, account: account)?.state == .live)
        #expect(try await exchange.cancelOrder(id: id, account: account)?.state == .canceled)
        #expect(try await exchange.collateralBalance(account: account) == Collateral(baseUnits: 12_500_000))
        let allowance = try await exchange.balanceAllowance(account: account, asset: .conditional(Fixture.token))
        #expect(allowance.allowances["0xe111180000d2663c0091e4f400237545b87b996b"]?.count == 78)
        try await exchange.refreshBalanceAllowance(account: account, asset: .collateral)

        let lookup = try #require(transport.requests("GET /data/order/").first)
        #expect(lookup.path == "/data/order/\(id)" && lookup.query.isEmpty)
        let cancel = try #require(transport.requests("DELETE /order").first)
        #expect(cancel.body == #"{"orderID":"\#(id)"}"#)
        #expect(cancel.header("Content-Type") == "application/json")
        let expectedSignature = HMACAuth.l2Headers(
            address: Fixture.key.address, credentials: FixedCredentials().value, timestamp: 1_760_000_000,
            method: "DELETE", requestPath: "/order", body: cancel.body).signature
        #expect(cancel.header("POLY_SIGNATURE") == expectedSignature)
        let balances = transport.requests("GET /balance-allowance")
        #expect(balances.map(\.url) == [
            "https://clob.test/balance-allowance?asset_type=COLLATERAL&signature_type=2",
            "https://clob.test/balance-allowance?asset_type=CONDITIONAL&token_id=\(Fixture.token)&signature_type=2",
            "https://clob.test/balance-allowance/update?asset_type=COLLATERAL&signature_type=2",
        ])
        #expect(balances.allSatisfy { $0.header("POLY_API_KEY") == Fixture.apiKey })
    }

    /// L1: create, on 400 derive; the ClobAuth signature is the vector's; secret and passphrase
    /// come back sealed under the wallet's signer binding.
    @Test func createOrDeriveSignsClobAuthInTheVaultAndSealsTheSecret() async throws {
        let vector = try #require(try Vectors.cases(kind: "clob_auth_l1").first { $0["id"]?.text == "clob_auth_l1-001" })
        let expected = try #require(vector["expected"]?["headers"])
        let transport = RecordingTransport()
        transport.on("POST /auth/api-key", status: 400, json: #"{"error":"key exists"}"#)
        transport.on("GET /auth/derive-api-key", json: """
            {"apiKey":"\(Fixture.apiKey)","secret":"\(Fixture.secret)","passphrase":"\(Fixture.passphrase)"}
            """)
        let vault = TestKeyVault()
        let wallet = TradingWallet(
            id: "wallet-1", userID: "user-1", type: .eoa, signerAddress: Fixture.eoa, funderAddress: Fixture.eoa,
            sealedKey: vault.adopt(Fixture.key), createdAt: .init(epochMilliseconds: 0), updatedAt: .init(epochMilliseconds: 0))
        let exchange = Fixture.exchange(transport, clock: ManualClock(Timestamp(epochMilliseconds: 1_760_000_000_000)))
        let sealed = try await exchange.apiKeyIssuer(vault: vault).createOrDeriveAPIKey(for: wallet)

        #expect(transport.requests.map { "\($0.method) \($0.path)" } == ["POST /auth/api-key", "GET /auth/derive-api-key"])
        for request in transport.requests {
            #expect(request.body == nil)
            for name in ["POLY_ADDRESS", "POLY_SIGNATURE", "POLY_TIMESTAMP", "POLY_NONCE"] {
                #expect(request.header(name) == (try expected.must(name)), "\(request.path) \(name)")
            }
        }
        #expect(sealed.apiKey == Fixture.apiKey)
        let secret = try await vault.open(sealed.sealedSecret, binding: SealBinding(
            userID: "user-1", address: Fixture.eoa, purpose: SealPurpose.apiSecret))
        #expect(String(decoding: secret, as: UTF8.self) == Fixture.secret)
    }

    @Test func theKeyOwnerCanBeTheDepositWallet() throws {
        let wallet = try WalletAddress("0x" + String(repeating: "12", count: 20))
        let account = TradingAccount(walletID: "w", type: .depositWallet, signerAddress: Fixture.eoa, funderAddress: wallet)
        #expect(APIKeyOwner.signer.address(of: account) == Fixture.eoa)
        #expect(APIKeyOwner.orderSigner.address(of: account) == wallet)
        var eoaAccount = account
        eoaAccount.type = .proxy
        #expect(APIKeyOwner.orderSigner.address(of: eoaAccount) == Fixture.eoa)
    }
}
