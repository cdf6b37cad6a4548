import Testing
import Ethereum
import Foundation
import Kernel
import Logging
@testable import PolymarketAdapter
import PolymarketProtocol
import Synchronization

/// A transport that answers from a route table and records every request, so tests see exactly
/// what would have been sent. No sockets.
final class RecordingTransport: HTTPTransport {
    typealias Handler = @Sendable (HTTPRequest) throws -> HTTPResponse
    private let state = Mutex<(requests: [HTTPRequest], routes: [(String, Handler)])>(([], []))

    /// Answers requests whose `METHOD path` starts with `prefix`; later routes win.
    func on(_ prefix: String, _ handler: @escaping Handler) {
        self.state.withLock { $0.routes.insert((prefix, handler), at: 0) }
    }

    func on(_ prefix: String, status: Int = 200, json: String, headers: [HTTPHeader] = []) {
        self.on(prefix) { _ in HTTPResponse(status: status, headers: headers, json: json) }
    }

    var requests: [HTTPRequest] { self.state.withLock { $0.requests } }

    func requests(_ prefix: String) -> [HTTPRequest] {
        self.requests.filter { "\($0.method) \($0.path)".hasPrefix(prefix) }
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let handler = self.state.withLock { state -> Handler? in
            state.requests.append(request)
            return state.routes.first { "\(request.method) \(request.path)".hasPrefix($0.0) }?.1
        }
        guard let handler else { return HTTPResponse(status: 404, json: #"{"error":"no route"}"#) }
        return try handler(request)
    }
}

/// Virtual time: `sleep` moves the clock instead of waiting.
final class ManualClock: AdapterClock {
    private let current: Mutex<Timestamp>

    init(_ start: Timestamp = Timestamp(epochMilliseconds: 1_760_000_000_000)) {
        self.current = Mutex(start)
    }

    func now() -> Timestamp { self.current.withLock { $0 } }
    func set(_ time: Timestamp) { self.current.withLock { $0 = time } }
    func advance(_ duration: Duration) { self.current.withLock { $0 = $0 + duration } }
    func sleep(until deadline: Timestamp) async throws { self.current.withLock { $0 = max($0, deadline) } }
}

/// Fixed credentials for every wallet; counts invalidations.
final class FixedCredentials: CLOBCredentialProvider {
    let value: APICredentials
    private let invalidated = Mutex(0)

    init(apiKey: String = Fixture.apiKey, secret: String = Fixture.secret, passphrase: String = Fixture.passphrase) {
        self.value = try! APICredentials(apiKey: apiKey, secret: secret, passphrase: passphrase)
    }

    var invalidations: Int { self.invalidated.withLock { $0 } }
    func credentials(for account: TradingAccount) async throws -> APICredentials { self.value }
    func invalidate(walletID: WalletID) async { self.invalidated.withLock { $0 += 1 } }
}

enum Fixture {
    static let apiKey = "00000000-1111-2222-3333-444444444444"
    static let secret = "Y2xvYi1zZWNyZXQtZm9yLXRlc3QtdmVjdG9ycy0wMDE="
    static let passphrase = "test-passphrase-0001"
    /// A real-looking 77/78-digit token id.
    static let token = try! TokenID("52114319501245915516055106046884209969926127482827954674443846427813813222426")
    static let conditionID = "0x5eed000000000000000000000000000000000000000000000000000000000001"
    static let key = try! PrivateKey(hex: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
    static var eoa: WalletAddress { try! WalletAddress(key.address.lowercased) }

    static var account: TradingAccount {
        TradingAccount(walletID: "wallet-1", type: .eoa, signerAddress: eoa, funderAddress: eoa, apiKey: apiKey)
    }

    static func exchange(_ transport: RecordingTransport, clock: ManualClock = ManualClock(),
                         credentials: FixedCredentials = FixedCredentials(),
                         configuration: PolymarketConfiguration = Self.configuration, salt: UInt64 = 440_000_000_000,
                         logger: Logger = Logger(label: "test")) -> PolymarketExchange {
        PolymarketExchange(configuration: configuration, transport: transport, credentials: credentials, clock: clock,
                           logger: logger, salt: { salt })
    }

    static let configuration = PolymarketConfiguration(clobURL: "https://clob.test", gammaURL: "https://gamma.test")

    /// Gamma and CLOB answers describing one market for `token`.
    static func serveMarket(_ transport: RecordingTransport, token: TokenID = Fixture.token, tick: String = "0.01",
                            negRisk: Bool = false, minimum: String = "1", fee: String? = nil, gammaExtra: String = "") {
        transport.on("GET /markets", json: """
            [{"id":"123","conditionId":"\(conditionID)","slug":"will-it-rain","outcomes":"[\\"Yes\\", \\"No\\"]",
              "clobTokenIds":"[\\"\(token.decimal)\\", \\"1\\"]","closed":false,"acceptingOrders":true,
              "endDate":"2026-12-31T12:00:00Z"\(gammaExtra)}]
            """)
        transport.on("GET /clob-markets/", json: """
            {"t":[{"t":"\(token.decimal)","o":"Yes"}],"mts":\(tick),"mos":\(minimum),"nr":\(negRisk)\(fee.map { ",\"fd\":\($0)" } ?? "")}
            """)
    }
}

/// The public vectors, read with the adapter's own JSON reader.
enum Vectors {
    static func cases(kind: String) throws -> [JSONValue] {
        let path = ProcessInfo.processInfo.environment["POLYMARKET_VECTORS"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("shared/vectors/polymarket-public.json").path
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let root = try #require(JSONValue.parse(bytes))
        return (root["cases"]?.array ?? []).filter { $0["kind"]?.text == kind }
    }
}

extension JSONValue {
    func must(_ key: String) throws -> String { try #require(self[key]?.text, "vector field \(key)") }
}

