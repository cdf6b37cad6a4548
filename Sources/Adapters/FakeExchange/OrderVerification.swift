import Ethereum
import Kernel
import PolymarketProtocol

/// The outcome of checking a request body before any trading rule: an order the venue takes,
/// or a rejection to return.
enum OrderVerification: Hashable, Sendable {
    case accepted(IncomingOrder)
    case rejected(OrderSnapshot)
}

extension VenueState {
    /// Recomputes the order's hash in the exchange domain of its market and checks the signature
    /// by recovery, as the CLOB and the exchange contract would: the EOA's own signature for
    /// types 0–2 (whose owner must control the funder for 1 and 2), and for type 3 the ERC-7739
    /// wrapping whose inner signature must come from the deposit wallet's owner.
    mutating func verify(_ body: OrderRequestBody, claimedID: OrderID, account: TradingAccount?,
                         chainID: UInt64) -> OrderVerification {
        func reject(_ code: String, _ message: String) -> OrderVerification {
            .rejected(OrderSnapshot(orderID: claimedID, state: .rejected(code: code, message: message)))
        }
        let order = body.order
        guard let tokenID = try? TokenID(order.tokenID.decimalString), let market = try? self.market(of: tokenID) else {
            return reject("INVALID_ORDER_ERROR", "no market for token \(order.tokenID)")
        }
        let domain = OrderDomain.forOrder(tokenID: order.tokenID, negRisk: market.negRisk, chainID: chainID)
        let id = OrderID(Hex.encode(order.hash(in: domain)))
        guard id == claimedID else {
            let otherExchange = OrderDomain.forOrder(tokenID: order.tokenID, negRisk: !market.negRisk, chainID: chainID)
            if OrderID(Hex.encode(order.hash(in: otherExchange))) == claimedID {
                return reject("INVALID_ORDER_ERROR",
                              "the order was signed for exchange \(otherExchange.verifyingContract.checksummed); "
                                + "this market trades on \(domain.verifyingContract.checksummed)")
            }
            return reject("INVALID_ORDER_ERROR", "the order id does not match the order's hash \(id)")
        }
        if let account, account.funderAddress != WalletAddress(order.maker) {
            return reject("INVALID_ORDER_ERROR", "the order's maker is not this account's funder")
        }

        switch order.signatureType {
        case .eoa, .polyProxy, .polyGnosisSafe:
            guard let signature = try? Signature(bytes: body.signature),
                  let recovered = try? signature.recoverAddress(digest: order.hash(in: domain)),
                  recovered == order.signer
            else { return reject("INVALID_ORDER_ERROR", "invalid signature") }
            if order.signatureType == .eoa {
                guard order.maker == order.signer else {
                    return reject("INVALID_ORDER_ERROR", "an EOA order must be made by its signer")
                }
            } else {
                guard self.isOwner(order.signer, of: order.maker, account: account) else {
                    return reject("INVALID_ORDER_ERROR", "the signer does not control the maker wallet")
                }
            }
        case .poly1271:
            guard order.maker == order.signer else {
                return reject("INVALID_ORDER_ERROR", "a deposit-wallet order is signed by the wallet itself")
            }
            guard let owner = Self.depositWalletSigner(of: body.signature, order: order, domain: domain),
                  self.isOwner(owner, of: order.maker, account: account)
            else { return reject("INVALID_ORDER_ERROR", "invalid signature") }
        }

        return .accepted(IncomingOrder(
            id: id, funder: WalletAddress(order.maker), tokenID: tokenID, side: Side(order.side),
            type: KernelOrderType(body.orderType), makerAmount: order.makerAmount, takerAmount: order.takerAmount,
            expiration: body.expiration, postOnly: body.postOnly))
    }

    /// Unwraps a 317-byte ERC-7739 signature (spec §5.6) and returns the EOA whose inner
    /// signature it carries, if the wrapping names this exchange's domain and this order.
    static func depositWalletSigner(of wire: [UInt8], order: ClobOrder, domain: OrderDomain) -> Address? {
        let typeString = Array(ClobOrder.typeString.utf8)
        guard wire.count == 65 + 32 + 32 + typeString.count + 2,
              Array(wire[65..<97]) == domain.separator,
              Array(wire[97..<129]) == order.structHash,
              Array(wire[129..<(129 + typeString.count)]) == typeString,
              Int(wire[wire.count - 2]) << 8 | Int(wire[wire.count - 1]) == typeString.count,
              let inner = try? Signature(bytes: wire[0..<65])
        else { return nil }
        return try? inner.recoverAddress(digest: order.signingDigest(in: domain))
    }
}
