import Ethereum
import FakeExchangeAdapter
import Foundation
import HTTPTypes
import Hummingbird
import Kernel
import PolymarketProtocol

/// One CLOB API key as issued: who owns it (`POLY_ADDRESS`) and the triple the client holds.
struct IssuedKey: Sendable {
    let owner: WalletAddress
    let nonce: UInt64
    let apiKey: String
    let secret: String
    let passphrase: String

    var credentials: APICredentials {
        // The secret is made as URL-safe base64 below, so it always decodes.
        do { return try APICredentials(apiKey: self.apiKey, secret: self.secret, passphrase: self.passphrase) } catch {
            preconditionFailure("issued secret is not base64")
        }
    }

    var json: WireJSON {
        ["apiKey": .string(self.apiKey), "secret": .string(self.secret), "passphrase": .string(self.passphrase)]
    }

    /// Deterministic per (owner, nonce) and server seed, as Polymarket's derive is per (EOA, nonce).
    init(owner: WalletAddress, nonce: UInt64, seed: String) {
        func hash(_ part: String) -> [UInt8] { Keccak256.hash(utf8: "fake-polymarket|\(seed)|\(owner.lowercased)|\(nonce)|\(part)") }
        let digits = Array(Hex.encode(hash("key"), prefix: false))
        self.owner = owner
        self.nonce = nonce
        self.apiKey = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(digits[$0]) }.joined(separator: "-")
        self.secret = Data(hash("secret")).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        self.passphrase = Hex.encode(hash("passphrase"), prefix: false)
    }
}

/// The CLOB's view of who is who: API keys by owner and nonce, and which key placed each order
/// (orders belong to the key's owner, spec §7.1). The venue holds everything else.
actor ClobLedger {
    struct PlacedOrder: Sendable {
        let apiKey: String
        let createdAt: Timestamp
        var tradeIDs: [String]
    }

    struct Trade: Sendable {
        let id: String
        let takerOrderID: OrderID
        let apiKey: String
        let maker: WalletAddress
        let tokenID: TokenID
        let conditionID: String
        let outcome: String
        let side: Side
        let match: WireMatch
        let matchedAt: Timestamp
    }

    private let seed: String
    private var keys: [String: IssuedKey] = [:]
    private var keyByOwner: [String: String] = [:]
    private var orders: [OrderID: PlacedOrder] = [:]
    private var trades: [String: Trade] = [:]
    private var tradeOrder: [String] = []

    init(seed: String) {
        self.seed = seed
    }

    private static func slot(_ owner: WalletAddress, _ nonce: UInt64) -> String { "\(owner.lowercased)#\(nonce)" }

    /// `POST /auth/api-key`: nil when a key for this (owner, nonce) exists already.
    func create(owner: WalletAddress, nonce: UInt64) -> IssuedKey? {
        guard self.keyByOwner[Self.slot(owner, nonce)] == nil else { return nil }
        let key = IssuedKey(owner: owner, nonce: nonce, seed: self.seed)
        self.keys[key.apiKey] = key
        self.keyByOwner[Self.slot(owner, nonce)] = key.apiKey
        return key
    }

    /// `GET /auth/derive-api-key`: the existing key for (owner, nonce).
    func derive(owner: WalletAddress, nonce: UInt64) -> IssuedKey? {
        self.keyByOwner[Self.slot(owner, nonce)].flatMap { self.keys[$0] }
    }

    func key(_ apiKey: String) -> IssuedKey? { self.keys[apiKey] }

    /// Remembers who placed an order the venue took, first placement only.
    func placed(_ orderID: OrderID, by apiKey: String, at time: Timestamp) {
        if self.orders[orderID] == nil { self.orders[orderID] = PlacedOrder(apiKey: apiKey, createdAt: time, tradeIDs: []) }
    }

    func order(_ orderID: OrderID) -> PlacedOrder? { self.orders[orderID] }

    func orders(of apiKey: String) -> [OrderID] {
        self.orders.filter { $0.value.apiKey == apiKey }.sorted { $0.value.createdAt < $1.value.createdAt }.map(\.key)
    }

    /// Records the taker matches of one placement as trades; returns their ids.
    func record(_ matches: [WireMatch], of order: WireOrder, apiKey: String, at time: Timestamp) -> [String] {
        var ids: [String] = []
        for match in matches {
            let id = Self.uuid(Keccak256.hash(utf8: "fake-trade|\(self.seed)|\(self.tradeOrder.count)"))
            self.trades[id] = Trade(id: id, takerOrderID: order.id, apiKey: apiKey, maker: order.maker,
                                    tokenID: order.tokenID, conditionID: order.conditionID, outcome: order.outcome,
                                    side: order.side, match: match, matchedAt: time)
            self.tradeOrder.append(id)
            ids.append(id)
        }
        self.orders[order.id]?.tradeIDs += ids
        return ids
    }

    func trades(of apiKey: String) -> [Trade] {
        self.tradeOrder.compactMap { self.trades[$0] }.filter { $0.apiKey == apiKey }
    }

    static func uuid(_ hash: [UInt8]) -> String {
        let digits = Array(Hex.encode(hash, prefix: false))
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(digits[$0]) }.joined(separator: "-")
    }
}

/// Polymarket's two authentication levels (spec §6), checked as the CLOB checks them.
struct ClobAuthentication: Sendable {
    let ledger: ClobLedger
    let clock: WallClock
    let chainID: UInt64
    /// How far a request's `POLY_TIMESTAMP` may be from the server's clock (spec §14.3: not
    /// documented; the SDKs stay within seconds by reading `/time`).
    let timestampWindow: Duration

    /// Level 1: the `ClobAuth` EIP-712 signature must recover to `POLY_ADDRESS` — or to the EOA
    /// that owns it when the address is a Polymarket wallet derived from that EOA (a key owned by
    /// a deposit wallet, spec §4) — within the timestamp window.
    func level1(_ request: Request) throws -> (owner: WalletAddress, nonce: UInt64) {
        let headers = request.headers
        guard let addressText = headers[Self.field("POLY_ADDRESS")], let signatureText = headers[Self.field("POLY_SIGNATURE")],
              let timestampText = headers[Self.field("POLY_TIMESTAMP")], let timestamp = Int64(timestampText)
        else { throw WireError.unauthorized("Invalid L1 Request headers") }
        let nonce = headers[Self.field("POLY_NONCE")].map { UInt64($0) } ?? 0
        guard let nonce, let owner = try? Address(hex: addressText) else {
            throw WireError.unauthorized("Invalid L1 Request headers")
        }
        try self.checkTimestamp(timestamp)
        let message = ClobAuth(address: owner, timestamp: timestamp, nonce: nonce, chainID: self.chainID)
        guard let signature = try? Signature(hex: signatureText),
              let recovered = try? signature.recoverAddress(digest: message.digest),
              recovered == owner || WalletDerivation.polygon.controls(recovered, owner)
        else { throw WireError.unauthorized("Invalid L1 Request headers: the signature does not match POLY_ADDRESS") }
        return (WalletAddress(address: owner), nonce)
    }

    /// Level 2: a known API key whose owner is `POLY_ADDRESS` and whose passphrase matches, an
    /// HMAC over exactly `timestamp + METHOD + path + body` (the path as Polymarket signs it,
    /// without this server's `/clob` prefix), and a timestamp within the window.
    func level2(_ request: Request, path: String, body: String?) async throws -> IssuedKey {
        let headers = request.headers
        guard let address = headers[Self.field("POLY_ADDRESS")], let signature = headers[Self.field("POLY_SIGNATURE")],
              let timestampText = headers[Self.field("POLY_TIMESTAMP")], let timestamp = Int64(timestampText),
              let apiKey = headers[Self.field("POLY_API_KEY")], let passphrase = headers[Self.field("POLY_PASSPHRASE")]
        else { throw WireError.unauthorized() }
        guard let key = await self.ledger.key(apiKey), key.owner.lowercased == address.lowercased(),
              key.passphrase == passphrase
        else { throw WireError.unauthorized() }
        try self.checkTimestamp(timestamp)
        let prehash = HMACAuth.prehash(timestamp: timestamp, method: request.method.rawValue, requestPath: path,
                                       body: body.flatMap { $0.isEmpty ? nil : $0 })
        guard HMACAuth.signature(prehash: prehash, credentials: key.credentials) == signature else {
            throw WireError.unauthorized("Unauthorized/Invalid api key: the signature does not match the request")
        }
        return key
    }

    private func checkTimestamp(_ seconds: Int64) throws {
        let skew = self.clock.now().since(Timestamp(epochMilliseconds: seconds * 1_000))
        guard skew <= self.timestampWindow, skew >= .zero - self.timestampWindow else {
            throw WireError.unauthorized("Unauthorized: POLY_TIMESTAMP is outside the allowed window")
        }
    }

    private static func field(_ name: String) -> HTTPField.Name {
        // Header names of this form are always valid tokens.
        HTTPField.Name(name)!
    }
}

extension WalletDerivation {
    /// Whether `wallet` is one of the Polymarket wallets (proxy, Safe, deposit wallet) `owner`
    /// controls by derivation (spec §4.1).
    func controls(_ owner: Address, _ wallet: Address) -> Bool {
        owner == wallet || self.wallets(of: owner).contains(wallet)
    }

    func wallets(of owner: Address) -> [Address] {
        [self.proxyWallet(owner: owner), self.safe(owner: owner)]
            + DepositWalletShape.allCases.map { self.depositWallet(owner: owner, shape: $0) }
    }

    /// The funder of `owner`'s wallet of signature type `type` (0 EOA, 1 proxy, 2 Safe, 3 deposit wallet).
    func funder(of owner: Address, signatureType type: Int) -> Address? {
        switch type {
        case 0: owner
        case 1: self.proxyWallet(owner: owner)
        case 2: self.safe(owner: owner)
        case 3: self.depositWallet(owner: owner, shape: .beacon)
        default: nil
        }
    }
}

extension WalletAddress {
    init(address: Address) {
        // An Address always prints as 0x + 40 hex digits.
        do { try self.init(address.lowercased) } catch { preconditionFailure("\(address) is not an address") }
    }

    var asAddress: Address {
        // A WalletAddress is 0x + 40 lowercase hex digits by construction.
        do { return try Address(hex: self.lowercased) } catch { preconditionFailure("\(self) is not an address") }
    }
}
