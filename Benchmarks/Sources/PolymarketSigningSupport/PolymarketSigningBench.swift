import Ethereum
import Foundation
public import Kernel
import Logging
import PolymarketAdapter
import PolymarketProtocol
import Synchronization

/// The order every run prepares and signs, written once: the Swift benchmark and the check
/// executable read it here, and the Python script takes it from the check's output, so both
/// clients sign the same terms.
public enum SigningOrder {
    /// Hardhat's first development key: published, never funded on Polygon.
    static let privateKeyHex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
    static let tokenID = "52114319501245915516055106046884209969926127482827954674443846427813813222426"
    static let conditionID = "0x5eed000000000000000000000000000000000000000000000000000000000001"
    static let side = Side.buy
    static let price = "0.52"
    static let size = "21.37"
    static let tickSize = "0.01"
    static let negRisk = false
    /// The market's taker fee (`fd`). A V2 order does not carry a fee: neither client reads it
    /// while building one, but the market record has it as a fee-charging market's does.
    static let feeRate = "0.02"
    static let feeExponent = 1
    static let apiKey = "00000000-1111-2222-3333-444444444444"
    static let chainID: UInt64 = 137

    /// Salt and creation time of the check order only; timed runs draw both as production does.
    public static let checkSalt: UInt64 = 123_456_789_012
    public static let checkTimestamp = Timestamp(epochMilliseconds: 1_767_225_600_000)
}

/// `PolymarketExchange` as production builds it, in front of an in-memory venue that knows one
/// market, with the key in memory. ``signedOrderBody(at:)`` is the measured work.
public struct PolymarketSigningBench: Sendable {
    let exchange: PolymarketExchange
    let venue: MarketRoutes
    let key: PrivateKey
    let account: TradingAccount
    let intent: OrderIntent

    /// Builds the exchange and reads the market once, so every measured order finds it in the
    /// adapter's market cache, as every order after the first for a market does (py-clob-client-v2
    /// keeps the tick size it fetched for good).
    /// - Parameter salt: order salts; nil draws them at random, as production does.
    public static func make(salt: (@Sendable () -> UInt64)? = nil) async throws -> PolymarketSigningBench {
        let key = try PrivateKey(hex: SigningOrder.privateKeyHex)
        let eoa = try WalletAddress(key.address.lowercased)
        let token = try TokenID(SigningOrder.tokenID)
        let venue = MarketRoutes(token: token)
        let configuration = PolymarketConfiguration(
            clobURL: "http://clob.invalid", gammaURL: "http://gamma.invalid", chainID: SigningOrder.chainID,
            marketCacheLifetime: .seconds(86_400))
        let exchange = PolymarketExchange(
            configuration: configuration, transport: venue, credentials: UnusedCredentials(),
            clock: SystemAdapterClock(wallClock: .machineClock),
            logger: Logger(label: "mirror.benchmarks", factory: { _ in SwiftLogNoOpLogHandler() }),
            salt: salt ?? PolymarketExchange.randomSalt)
        _ = try await exchange.market(tokenID: token)
        return PolymarketSigningBench(
            exchange: exchange, venue: venue, key: key,
            account: TradingAccount(walletID: "benchmark", type: .eoa, signerAddress: eoa, funderAddress: eoa,
                                    apiKey: SigningOrder.apiKey),
            intent: OrderIntent(tokenID: token, side: SigningOrder.side, type: .gtc,
                                limitPrice: try Price(decimal: SigningOrder.price),
                                shares: try Shares(decimal: SigningOrder.size)))
    }

    /// What the copy engine does to place an order, minus the vault: `prepareOrder` (market from
    /// the cache, tick snapping, amounts, the V2 order, its EIP-712 hash and digest), one
    /// secp256k1 signature over the digest, and `signedPayload` (the signature checked by
    /// recovery, the `POST /order` body in py-clob-client-v2's byte layout). The order is created
    /// at `time`, by default now on the machine's clock.
    public func signedOrderBody(at time: Timestamp? = nil) async throws -> String {
        let prepared = try await self.exchange.prepareOrder(
            self.intent, account: self.account, at: time ?? WallClock.machineClock.now())
        let signature = try self.key.sign(digest: prepared.digest)
        return try self.exchange.signedPayload(for: prepared, signature: signature.bytes, account: self.account)
    }

    /// The same order through `PolymarketProtocol` alone, as py-clob-client-v2 builds it: amounts
    /// from the decimal inputs, the V2 order, one signature over its hash (checked by recovery, as
    /// `Order.signed` always does) and the body — without the adapter's market cache, Kernel types,
    /// tick snapping and unsigned-payload round trip. By default a random salt and the time now,
    /// as in ``signedOrderBody(at:)``.
    public func protocolOnlyBody(salt: UInt64? = nil, at time: Timestamp? = nil) async throws -> String {
        guard let price = ExactDecimal(SigningOrder.price), let size = ExactDecimal(SigningOrder.size),
              let tick = TickSize(parsing: SigningOrder.tickSize)
        else { preconditionFailure("the fixed order's decimals do not parse") }
        let amounts = try OrderAmounts.limit(side: .buy, price: price, size: size, tick: tick)
        let order = try PolymarketProtocol.Order(
            salt: (salt ?? PolymarketExchange.randomSalt()) % PolymarketProtocol.Order.saltLimit, eoa: self.key.address, funder: self.key.address,
            signatureType: .eoa, tokenID: try UInt256(decimal: SigningOrder.tokenID), side: .buy, amounts: amounts,
            timestamp: UInt64((time ?? WallClock.machineClock.now()).epochMilliseconds))
        let signed = try await order.signed(
            in: .exchangeV2(negRisk: SigningOrder.negRisk, chainID: SigningOrder.chainID), by: self.key)
        return try PostOrderRequest(order: signed, owner: SigningOrder.apiKey, orderType: .gtc).body(.pyClobClientV2)
    }

    /// One secp256k1 signature over a 32-byte digest, the step both clients share.
    public func signature(of digest: [UInt8]) throws -> [UInt8] {
        try self.key.sign(digest: digest).bytes
    }

    /// Whether `signature` over `digest` recovers to the key's address: the check `signedPayload`
    /// makes of every EOA, proxy and Safe order, which py-clob-client-v2 does not make.
    public func recoversToSigner(_ signature: [UInt8], digest: [UInt8]) throws -> Bool {
        try Signature(bytes: signature).recoverAddress(digest: digest) == self.key.address
    }

    /// Requests the in-memory venue has answered: 2 after ``make(salt:)`` (Gamma and the CLOB
    /// market record), and still 2 after any number of orders.
    public var venueRequests: Int { self.venue.requests }

    /// The check order's inputs and body as one JSON object, for the Python script to sign the
    /// same order with the official client and compare bytes.
    public static func checkJSON() async throws -> String {
        let bench = try await Self.make(salt: { SigningOrder.checkSalt })
        let body = try await bench.signedOrderBody(at: SigningOrder.checkTimestamp)
        let protocolBody = try await bench.protocolOnlyBody(salt: SigningOrder.checkSalt, at: SigningOrder.checkTimestamp)
        guard protocolBody == body else {
            throw CheckFailure(message: "the PolymarketProtocol-only body differs from the adapter's")
        }
        let check = Check(
            privateKey: SigningOrder.privateKeyHex, tokenID: SigningOrder.tokenID, side: SigningOrder.side.rawValue,
            price: SigningOrder.price, size: SigningOrder.size, tickSize: SigningOrder.tickSize,
            negRisk: SigningOrder.negRisk, chainID: SigningOrder.chainID, apiKey: SigningOrder.apiKey,
            salt: SigningOrder.checkSalt, timestampMilliseconds: SigningOrder.checkTimestamp.epochMilliseconds,
            venueRequests: bench.venueRequests, body: body)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(check), as: UTF8.self)
    }

    private struct Check: Encodable {
        var privateKey: String
        var tokenID: String
        var side: String
        var price: String
        var size: String
        var tickSize: String
        var negRisk: Bool
        var chainID: UInt64
        var apiKey: String
        var salt: UInt64
        var timestampMilliseconds: Int64
        var venueRequests: Int
        var body: String

        enum CodingKeys: String, CodingKey {
            case privateKey = "private_key", tokenID = "token_id", side, price, size, tickSize = "tick_size"
            case negRisk = "neg_risk", chainID = "chain_id", apiKey = "api_key", salt
            case timestampMilliseconds = "timestamp_ms", venueRequests = "venue_requests", body
        }
    }
}

struct CheckFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { self.message }
}

/// Gamma's `/markets` and the CLOB's `/clob-markets/{conditionId}` for one market; anything else
/// is a 404, so a request the measured path should not make fails the run instead of hiding in it.
final class MarketRoutes: HTTPTransport {
    private let gamma: String
    private let clob: String
    private let count = Mutex(0)

    init(token: TokenID) {
        self.gamma = """
            [{"id":"1","conditionId":"\(SigningOrder.conditionID)","slug":"benchmark-market",\
            "outcomes":"[\\"Yes\\", \\"No\\"]","clobTokenIds":"[\\"\(token.decimal)\\", \\"1\\"]",\
            "closed":false,"acceptingOrders":true,"negRisk":\(SigningOrder.negRisk),"endDate":"2027-12-31T12:00:00Z"}]
            """
        self.clob = """
            {"t":[{"t":"\(token.decimal)","o":"Yes"}],"mts":\(SigningOrder.tickSize),"mos":5,\
            "nr":\(SigningOrder.negRisk),"fd":{"r":\(SigningOrder.feeRate),"e":\(SigningOrder.feeExponent),"to":true}}
            """
    }

    var requests: Int { self.count.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        self.count.withLock { $0 += 1 }
        switch (request.method, request.path) {
        case ("GET", "/markets"): return HTTPResponse(status: 200, json: self.gamma)
        case ("GET", "/clob-markets/" + SigningOrder.conditionID): return HTTPResponse(status: 200, json: self.clob)
        default: return HTTPResponse(status: 404, json: #"{"error":"not served by the benchmark venue"}"#)
        }
    }
}

/// Preparing and signing need no L2 credentials; a call for them is a bug in the measured path.
struct UnusedCredentials: CLOBCredentialProvider {
    func credentials(for account: TradingAccount) async throws -> APICredentials {
        throw VenueError.refused(status: 401, message: "the signing benchmark sends no authenticated request")
    }

    func invalidate(walletID: WalletID) async {}
}

extension WallClock {
    /// The machine's clock, read as the App's composition root reads it.
    static let machineClock = WallClock {
        Timestamp(epochMilliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}
