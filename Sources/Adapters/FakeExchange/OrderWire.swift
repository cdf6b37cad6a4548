import Ethereum
import Foundation
import Kernel
import PolymarketProtocol

/// The unsigned order a `PreparedOrder` carries: the signed struct, its domain and the body
/// options, so `signedPayload` can finish it without asking the venue anything.
struct UnsignedOrderPayload: Codable, Hashable, Sendable {
    var salt: UInt64
    var maker: String
    var signer: String
    var tokenId: String
    var makerAmount: UInt64
    var takerAmount: UInt64
    var side: String
    var signatureType: UInt8
    var timestamp: UInt64
    var metadata: String
    var builder: String
    var orderType: String
    /// Unix seconds; 0 unless GTD.
    var expiration: UInt64
    var exchange: String
    var domainVersion: String
    var chainId: UInt64

    init(order: ClobOrder, domain: OrderDomain, orderType: ClobOrderType, expiration: UInt64) {
        self.salt = order.salt
        self.maker = order.maker.checksummed
        self.signer = order.signer.checksummed
        self.tokenId = order.tokenID.decimalString
        self.makerAmount = order.makerAmount
        self.takerAmount = order.takerAmount
        self.side = order.side.rawValue
        self.signatureType = order.signatureType.rawValue
        self.timestamp = order.timestamp
        self.metadata = Hex.encode(order.metadata)
        self.builder = Hex.encode(order.builder)
        self.orderType = orderType.rawValue
        self.expiration = expiration
        self.exchange = domain.verifyingContract.checksummed
        self.domainVersion = domain.version
        self.chainId = domain.chainID
    }

    func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Strings and integers always encode.
        guard let data = try? encoder.encode(self) else { preconditionFailure("unsigned order did not encode") }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) throws(VenueError) -> UnsignedOrderPayload {
        do {
            return try JSONDecoder().decode(UnsignedOrderPayload.self, from: Data(text.utf8))
        } catch {
            throw .refused(status: 400, message: "not a prepared order of the fake venue")
        }
    }

    func order() throws(VenueError) -> (ClobOrder, OrderDomain, ClobOrderType) {
        do {
            guard let side = OrderSide(rawValue: self.side), let type = SignatureType(rawValue: self.signatureType),
                  let orderType = ClobOrderType(rawValue: self.orderType)
            else { throw VenueError.refused(status: 400, message: "not a prepared order of the fake venue") }
            let order = try ClobOrder(
                salt: self.salt, maker: try Address(hex: self.maker), signer: try Address(hex: self.signer),
                tokenID: try UInt256(decimal: self.tokenId), makerAmount: self.makerAmount,
                takerAmount: self.takerAmount, side: side, signatureType: type, timestamp: self.timestamp,
                metadata: try Hex.decode(self.metadata), builder: try Hex.decode(self.builder))
            let domain = OrderDomain(version: self.domainVersion, chainID: self.chainId,
                                     verifyingContract: try Address(hex: self.exchange))
            return (order, domain, orderType)
        } catch let error as VenueError {
            throw error
        } catch {
            throw .refused(status: 400, message: "not a prepared order of the fake venue")
        }
    }
}

/// A `POST /order` body as the CLOB reads it (either official SDK's layout).
struct OrderRequestBody: Hashable, Sendable {
    var order: ClobOrder
    var signature: [UInt8]
    var owner: String
    var orderType: ClobOrderType
    /// Unix seconds; 0 for none.
    var expiration: UInt64
    var postOnly: Bool

    private struct Wire: Decodable {
        struct WireOrder: Decodable {
            var salt: UInt64
            var maker: String
            var signer: String
            var tokenId: String
            var makerAmount: String
            var takerAmount: String
            var side: String
            var expiration: String?
            var signatureType: UInt8
            var timestamp: String
            var metadata: String
            var builder: String
            var signature: String
        }

        var order: WireOrder
        var owner: String
        var orderType: String
        var postOnly: Bool?
    }

    /// Parses and checks the shape of a body; every field must be what the spec says (§7.1).
    static func parse(_ body: String) throws(VenueError) -> OrderRequestBody {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(body.utf8))
        } catch {
            throw .refused(status: 400, message: "invalid order payload: not a POST /order body")
        }
        let fields = wire.order
        guard let side = OrderSide(rawValue: fields.side),
              let signatureType = SignatureType(rawValue: fields.signatureType),
              let orderType = ClobOrderType(rawValue: wire.orderType),
              let makerAmount = UInt64(fields.makerAmount), let takerAmount = UInt64(fields.takerAmount),
              let timestamp = UInt64(fields.timestamp), let expiration = UInt64(fields.expiration ?? "0")
        else { throw .refused(status: 400, message: "invalid order payload: a field has the wrong form") }
        do {
            let order = try ClobOrder(
                salt: fields.salt, maker: try Address(hex: fields.maker), signer: try Address(hex: fields.signer),
                tokenID: try UInt256(decimal: fields.tokenId), makerAmount: makerAmount, takerAmount: takerAmount,
                side: side, signatureType: signatureType, timestamp: timestamp,
                metadata: try Hex.decode(fields.metadata), builder: try Hex.decode(fields.builder))
            return OrderRequestBody(
                order: order, signature: try Hex.decode(fields.signature), owner: wire.owner, orderType: orderType,
                expiration: expiration, postOnly: wire.postOnly ?? false)
        } catch {
            throw .refused(status: 400, message: "invalid order payload: \(error)")
        }
    }
}
