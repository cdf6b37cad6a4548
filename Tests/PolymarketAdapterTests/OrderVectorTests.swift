import Ethereum
import Kernel
@testable import PolymarketAdapter
import PolymarketProtocol
import Testing

/// Every public `order_v2` vector driven through the adapter: prepare → sign → signedPayload →
/// submitOrder, checking the body bytes and L2 headers the transport receives, and that a
/// signature by another key or a prepared order from elsewhere is refused.
@Suite struct OrderVectorTests {
    @Test(arguments: try Vectors.cases(kind: "order_v2").map { try $0.must("id") })
    func orderBodyAndHeadersMatchTheVector(_ id: String) async throws {
        let vector = try #require(try Vectors.cases(kind: "order_v2").first { $0["id"]?.text == id })
        let input = try #require(vector["input"])
        let expected = try #require(vector["expected"])
        let post = try #require(expected["post_order"])
        let key = try PrivateKey(hex: try input.must("private_key"))
        let token = try TokenID(try input.must("token_id"))
        let type: WalletType = [.eoa, .proxy, .safe, .depositWallet][Int(try input.must("signature_type"))!]
        let account = TradingAccount(
            walletID: "vector", type: type, signerAddress: try WalletAddress(try input.must("eoa")),
            funderAddress: try WalletAddress(try input.must("funder")), apiKey: try input.must("api_key"))

        let transport = RecordingTransport()
        Fixture.serveMarket(transport, token: token, tick: try input.must("tick_size"),
                            negRisk: input["neg_risk"]?.bool == true, minimum: "0")
        transport.on("POST /order", json: #"{"success":true,"errorMsg":"","orderID":"0x1","status":"live","makingAmount":"","takingAmount":""}"#)
        let clock = ManualClock(Timestamp(epochMilliseconds: Int64(try input.must("l2_timestamp"))! * 1_000))
        var configuration = Fixture.configuration
        let builder = try Hex.decode(try input.must("builder"))
        configuration.builderCode = builder
        configuration.orderMetadata = try Hex.decode(try input.must("metadata"))
        let exchange = Fixture.exchange(
            transport, clock: clock,
            credentials: FixedCredentials(apiKey: try input.must("api_key"), secret: try input.must("api_secret"),
                                          passphrase: try input.must("api_passphrase")),
            configuration: configuration, salt: UInt64(try input.must("salt"))!)

        let side = Side(rawValue: try input.must("side"))!
        let price = try Price(decimal: try input.must("price"))
        let orderType = Kernel.OrderType(rawValue: try input.must("order_type"))!
        let shares: Shares
        if let usdc = input["usdc_amount"]?.text {
            // A market BUY spends shares × price floored to cents: the smallest 0.01-share count
            // whose cost reaches the vector's amount.
            let amount = try Collateral(decimal: usdc)
            let exact = SixDecimalsCeil.divide(amount.baseUnits, price.baseUnits)
            shares = Shares(baseUnits: (exact + 9_999) / 10_000 * 10_000)
        } else {
            shares = try Shares(decimal: try input.must("size"))
        }
        let expiration = Int64(try input.must("expiration"))!
        let intent = OrderIntent(tokenID: token, side: side, type: orderType, limitPrice: price, shares: shares,
                                 expiresAt: expiration > 0 ? Timestamp(epochMilliseconds: expiration * 1_000) : nil)
        let prepared = try await exchange.prepareOrder(
            intent, account: account, at: Timestamp(epochMilliseconds: Int64(try input.must("timestamp_ms"))!))

        // Another key's signature is refused for every wallet type — for a deposit wallet too,
        // whose owner is not in the order — and so is an order this adapter did not prepare.
        let foreign = try PrivateKey(hex: "0x" + String(repeating: "11", count: 32)).sign(digest: prepared.digest).bytes
        #expect(throws: VenueError.self, "\(id) foreign key") {
            _ = try exchange.signedPayload(for: prepared, signature: foreign, account: account)
        }
        var alien = prepared
        alien.unsignedPayload = try #require(try? post.must("body_py_clob_client_v2"))
        #expect(throws: VenueError.self, "\(id) foreign prepared order") {
            _ = try exchange.signedPayload(for: alien, signature: try key.sign(digest: prepared.digest).bytes, account: account)
        }

        #expect(prepared.orderID.rawValue == (try expected.must("order_hash_digest")), "\(id) order hash")
        #expect(String(prepared.makerAmount) == (try expected.must("maker_amount")), "\(id) maker amount")
        #expect(String(prepared.takerAmount) == (try expected.must("taker_amount")), "\(id) taker amount")
        #expect(prepared.exchangeAddress == (try WalletAddress(try expected.must("verifying_contract"))), "\(id) exchange")

        let signature = try key.sign(digest: prepared.digest).bytes
        let payload = try exchange.signedPayload(for: prepared, signature: signature, account: account)
        #expect(payload == (try post.must("body_py_clob_client_v2")), "\(id) body bytes")

        _ = try await exchange.submitOrder(payload: payload, orderID: prepared.orderID, account: account)
        let sent = try #require(transport.requests("POST /order").first)
        #expect(sent.method == (try post.must("method")))
        #expect(sent.path == (try post.must("path")))
        #expect(sent.body == payload)
        #expect(sent.url == "https://clob.test/order")
        let headers = try #require(post["l2_headers"])
        for name in ["POLY_ADDRESS", "POLY_SIGNATURE", "POLY_TIMESTAMP", "POLY_API_KEY", "POLY_PASSPHRASE"] {
            #expect(sent.header(name) == (try headers.must(name)), "\(id) \(name)")
        }
        #expect(sent.header("Content-Type") == "application/json")
    }
}

/// Ceiling division at six decimals, for turning a vector's pUSD amount back into shares.
enum SixDecimalsCeil {
    static func divide(_ a: Int64, _ b: Int64) -> Int64 {
        let numerator = Int128(a) * 1_000_000
        return Int64((numerator + Int128(b) - 1) / Int128(b))
    }
}
