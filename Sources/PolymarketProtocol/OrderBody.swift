public import Ethereum

/// How long an order may rest (spec §5.7).
public enum OrderType: String, Sendable, Hashable, CaseIterable {
    /// Good till cancelled.
    case gtc = "GTC"
    /// Good till the body's `expiration` (unix seconds).
    case gtd = "GTD"
    /// Fill completely now or not at all.
    case fok = "FOK"
    /// Fill what is possible now, cancel the rest.
    case fak = "FAK"
}

/// Which official SDK's byte layout a request body copies. The server accepts either; what
/// matters is that the L2 HMAC covers the exact bytes sent, which is why bodies are written by
/// hand here rather than by an encoder free to reorder keys.
public enum OrderBodyLayout: Sendable, Hashable, CaseIterable {
    /// py-clob-client-v2: the order's fields in struct order, then `owner`, `orderType`,
    /// `deferExec`, `postOnly` (always present).
    case pyClobClientV2
    /// polymarket-client (the unified SDK): keys in alphabetical order, `postOnly` only when true.
    case polymarketClient
}

/// One `POST /order` submission: the signed order plus the options that are not signed
/// (spec §7.1). `deferExec` is always sent as `false` (its semantics are undocumented, §5.7).
public struct PostOrderRequest: Sendable, Hashable {
    public static let method = "POST"
    public static let path = "/order"
    public static let batchPath = "/orders"
    /// The SDKs refuse batches above this size.
    public static let maximumBatchCount = 15

    public let order: SignedOrder
    /// The API key of the account placing the order.
    public let owner: String
    public let orderType: OrderType
    /// Unix seconds after which a GTD order lapses; 0 for every other type.
    public let expiration: UInt64
    public let postOnly: Bool

    /// Throws unless the options fit the order type: a GTD order needs an expiration and the
    /// others must have none; post-only is for resting orders (GTC/GTD) only.
    public init(
        order: SignedOrder, owner: String, orderType: OrderType, expiration: UInt64 = 0, postOnly: Bool = false
    ) throws(PostOrderRequestError) {
        if orderType == .gtd {
            guard expiration > 0 else { throw .expirationRequired }
        } else {
            guard expiration == 0 else { throw .expirationOnlyForGTD }
        }
        if postOnly, orderType == .fok || orderType == .fak { throw .postOnlyNeedsRestingOrder }
        self.order = order
        self.owner = owner
        self.orderType = orderType
        self.expiration = expiration
        self.postOnly = postOnly
    }

    /// The compact JSON body in `layout`'s byte order.
    public func body(_ layout: OrderBodyLayout = .pyClobClientV2) -> String {
        if layout == .pyClobClientV2 { return self.pyClobClientV2Body() }
        let order = self.order.order
        let salt = JSON.number(order.salt)
        let maker = JSON.string(order.maker.checksummed)
        let signer = JSON.string(order.signer.checksummed)
        let tokenID = JSON.string(order.tokenID.decimalString)
        let makerAmount = JSON.string(String(order.makerAmount))
        let takerAmount = JSON.string(String(order.takerAmount))
        let side = JSON.string(order.side.rawValue)
        let expiration = JSON.string(String(self.expiration))
        let signatureType = JSON.number(UInt64(order.signatureType.rawValue))
        let timestamp = JSON.string(String(order.timestamp))
        let metadata = JSON.string(Hex.encode(order.metadata))
        let builder = JSON.string(Hex.encode(order.builder))
        let signature = JSON.string(Hex.encode(self.order.signature))
        let owner = JSON.string(self.owner)
        let orderType = JSON.string(self.orderType.rawValue)
        let orderObject = JSON.object([
            ("builder", builder), ("expiration", expiration), ("maker", maker), ("makerAmount", makerAmount),
            ("metadata", metadata), ("salt", salt), ("side", side), ("signature", signature),
            ("signatureType", signatureType), ("signer", signer), ("takerAmount", takerAmount),
            ("timestamp", timestamp), ("tokenId", tokenID),
        ])
        var members = [("deferExec", "false"), ("order", orderObject), ("orderType", orderType), ("owner", owner)]
        if self.postOnly { members.append(("postOnly", "true")) }
        return JSON.object(members)
    }

    /// py-clob-client-v2's layout — the order's fields in struct order, then `owner`,
    /// `orderType`, `deferExec`, `postOnly` — written into one byte buffer: every value but the
    /// owner is digits, hex or a fixed word, so only the owner goes through escaping.
    private func pyClobClientV2Body() -> String {
        let order = self.order.order
        var out: [UInt8] = []
        out.reserveCapacity(640 + 2 * self.order.signature.count + self.owner.utf8.count)
        func raw(_ text: StaticString) {
            text.withUTF8Buffer { out.append(contentsOf: $0) }
        }
        func quoted(_ text: String) {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\""))
        }
        func hex(_ bytes: [UInt8]) {
            out.append(UInt8(ascii: "\""))
            Hex.append(bytes, to: &out)
            out.append(UInt8(ascii: "\""))
        }
        // EOA and deposit-wallet orders have maker == signer: one EIP-55 checksum (a Keccak) for both.
        let maker = order.maker.checksummed
        raw(#"{"order":{"salt":"#)
        out.append(contentsOf: String(order.salt).utf8)
        raw(#","maker":"#)
        quoted(maker)
        raw(#","signer":"#)
        quoted(order.signer == order.maker ? maker : order.signer.checksummed)
        raw(#","tokenId":"#)
        quoted(order.tokenID.decimalString)
        raw(#","makerAmount":"#)
        quoted(String(order.makerAmount))
        raw(#","takerAmount":"#)
        quoted(String(order.takerAmount))
        raw(#","side":"#)
        quoted(order.side.rawValue)
        raw(#","expiration":"#)
        quoted(String(self.expiration))
        raw(#","signatureType":"#)
        out.append(contentsOf: String(order.signatureType.rawValue).utf8)
        raw(#","timestamp":"#)
        quoted(String(order.timestamp))
        raw(#","metadata":"#)
        hex(order.metadata)
        raw(#","builder":"#)
        hex(order.builder)
        raw(#","signature":"#)
        hex(self.order.signature)
        raw(#"},"owner":"#)
        JSON.appendString(self.owner, to: &out)
        raw(#","orderType":"#)
        quoted(self.orderType.rawValue)
        raw(#","deferExec":false,"postOnly":"#)
        if self.postOnly { raw("true}") } else { raw("false}") }
        return String(decoding: out, as: UTF8.self)
    }

    /// The `POST /orders` body: a JSON array of up to 15 single-order bodies.
    public static func batchBody(
        _ requests: [PostOrderRequest], layout: OrderBodyLayout = .pyClobClientV2
    ) throws(PostOrderRequestError) -> String {
        guard !requests.isEmpty, requests.count <= Self.maximumBatchCount else { throw .batchSize(requests.count) }
        return "[" + requests.map { $0.body(layout) }.joined(separator: ",") + "]"
    }

    /// The L2 headers for sending ``body(_:)`` in `layout`; `address` is the API key's owner.
    public func l2Headers(
        address: Address, credentials: APICredentials, timestamp: Int64, layout: OrderBodyLayout = .pyClobClientV2
    ) -> L2Headers {
        HMACAuth.l2Headers(
            address: address, credentials: credentials, timestamp: timestamp,
            method: Self.method, requestPath: Self.path, body: self.body(layout))
    }
}

public enum PostOrderRequestError: Error, Hashable, Sendable {
    case expirationRequired
    case expirationOnlyForGTD
    case postOnlyNeedsRestingOrder
    /// A batch must hold 1...15 orders; carries the count given.
    case batchSize(Int)
}

/// Compact JSON written member by member, so the bytes (and thus the HMAC) are fixed.
enum JSON {
    /// `{"k":v,...}` from already-encoded member values, in the order given.
    static func object(_ members: [(key: String, value: String)]) -> String {
        "{" + members.map { Self.string($0.key) + ":" + $0.value }.joined(separator: ",") + "}"
    }

    static func number(_ value: UInt64) -> String { String(value) }

    /// Appends ``string(_:)`` of `text` to a body being written as bytes. An API key (a UUID)
    /// needs no escaping, so its bytes are copied as they are; any other text is escaped.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        let plain = text.utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        guard plain else { return out.append(contentsOf: Self.string(text).utf8) }
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: text.utf8)
        out.append(UInt8(ascii: "\""))
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, everything
    /// else (including non-ASCII) verbatim.
    static func string(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
