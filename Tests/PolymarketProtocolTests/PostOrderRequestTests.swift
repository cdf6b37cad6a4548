import Ethereum
import PolymarketProtocol
import Testing

@Suite struct PostOrderRequestTests {
    let signed: SignedOrder

    init() throws {
        let key = try PrivateKey(hex: "0x0000000000000000000000000000000000000000000000000000000000000001")
        let order = try Order(
            salt: 7, eoa: key.address, funder: key.address, signatureType: .eoa, tokenID: UInt256(123),
            side: .sell, amounts: OrderAmounts(makerAmount: 2_000_000, takerAmount: 1_000_000), timestamp: 1_760_000_000_000)
        let domain = OrderDomain.exchangeV2(negRisk: false)
        self.signed = try order.signed(in: domain, with: key.sign(digest: order.signingDigest(in: domain)))
    }

    @Test func optionsMustFitTheOrderType() {
        #expect(throws: PostOrderRequestError.expirationRequired) {
            try PostOrderRequest(order: self.signed, owner: "key", orderType: .gtd)
        }
        #expect(throws: PostOrderRequestError.expirationOnlyForGTD) {
            try PostOrderRequest(order: self.signed, owner: "key", orderType: .gtc, expiration: 1_760_003_600)
        }
        for type in [OrderType.fok, .fak] {
            #expect(throws: PostOrderRequestError.postOnlyNeedsRestingOrder) {
                try PostOrderRequest(order: self.signed, owner: "key", orderType: type, postOnly: true)
            }
        }
    }

    @Test func postOnlyIsAlwaysPresentInOneLayoutAndOnlyWhenTrueInTheOther() throws {
        let resting = try PostOrderRequest(order: self.signed, owner: "key", orderType: .gtc, postOnly: true)
        let plain = try PostOrderRequest(order: self.signed, owner: "key", orderType: .gtc)
        #expect(resting.body(.pyClobClientV2).hasSuffix(#""owner":"key","orderType":"GTC","deferExec":false,"postOnly":true}"#))
        #expect(plain.body(.pyClobClientV2).hasSuffix(#""deferExec":false,"postOnly":false}"#))
        #expect(resting.body(.polymarketClient).hasSuffix(#""orderType":"GTC","owner":"key","postOnly":true}"#))
        #expect(!plain.body(.polymarketClient).contains("postOnly"))
    }

    @Test func numbersAndStringsAreSpelledAsTheCLOBExpects() throws {
        let body = try PostOrderRequest(order: self.signed, owner: "key", orderType: .fok).body()
        #expect(body.hasPrefix(#"{"order":{"salt":7,"maker":"0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf","#))
        #expect(body.contains(#""tokenId":"123","makerAmount":"2000000","takerAmount":"1000000","side":"SELL","expiration":"0","signatureType":0,"timestamp":"1760000000000""#))
    }

    @Test func ownerTextIsEscaped() throws {
        let body = try PostOrderRequest(order: self.signed, owner: "a\"b\\c\n", orderType: .gtc).body()
        #expect(body.contains(#""owner":"a\"b\\c\n""#))
        // Control characters are escaped and non-ASCII text is kept, byte for byte.
        let other = try PostOrderRequest(order: self.signed, owner: "é\u{01}k", orderType: .gtc).body()
        #expect(other.contains(#""owner":"é\u0001k","orderType""#))
    }

    @Test func batchesHoldOneToFifteenOrders() throws {
        let request = try PostOrderRequest(order: self.signed, owner: "key", orderType: .gtc)
        #expect(try PostOrderRequest.batchBody([request, request]) == "[" + request.body() + "," + request.body() + "]")
        #expect(throws: PostOrderRequestError.batchSize(0)) { try PostOrderRequest.batchBody([]) }
        #expect(throws: PostOrderRequestError.batchSize(16)) {
            try PostOrderRequest.batchBody(Array(repeating: request, count: 16))
        }
    }
}
