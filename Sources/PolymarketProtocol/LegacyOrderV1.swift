public import Ethereum

/// The V1 order struct (spec §5.9), kept only to hash and verify orders and fills made before
/// 2026-04-28. Production rejects V1 orders; never submit one.
public struct LegacyOrderV1: Sendable, Hashable {
    public static let typeString =
        "Order(uint256 salt,address maker,address signer,address taker,uint256 tokenId,uint256 makerAmount,"
        + "uint256 takerAmount,uint256 expiration,uint256 nonce,uint256 feeRateBps,uint8 side,uint8 signatureType)"
    public static let typeHash = EIP712.typeHash(LegacyOrderV1.typeString)

    public let salt: UInt256
    public let maker: Address
    public let signer: Address
    /// Zero for public orders.
    public let taker: Address
    public let tokenID: UInt256
    public let makerAmount: UInt64
    public let takerAmount: UInt64
    /// Unix seconds; 0 = none.
    public let expiration: UInt64
    /// For on-chain bulk cancellation.
    public let nonce: UInt256
    public let feeRateBps: UInt64
    public let side: OrderSide
    /// 0–2 only; type 3 did not exist in V1.
    public let signatureType: SignatureType

    public init(
        salt: UInt256, maker: Address, signer: Address, taker: Address = .zero, tokenID: UInt256,
        makerAmount: UInt64, takerAmount: UInt64, expiration: UInt64 = 0, nonce: UInt256 = .zero,
        feeRateBps: UInt64 = 0, side: OrderSide, signatureType: SignatureType
    ) {
        self.salt = salt
        self.maker = maker
        self.signer = signer
        self.taker = taker
        self.tokenID = tokenID
        self.makerAmount = makerAmount
        self.takerAmount = takerAmount
        self.expiration = expiration
        self.nonce = nonce
        self.feeRateBps = feeRateBps
        self.side = side
        self.signatureType = signatureType
    }

    public var structHash: [UInt8] {
        Order.hashValidFields(typeHash: Self.typeHash, [
            .uint256(self.salt), .address(self.maker), .address(self.signer), .address(self.taker),
            .uint256(self.tokenID), .uint256(UInt256(self.makerAmount)), .uint256(UInt256(self.takerAmount)),
            .uint256(UInt256(self.expiration)), .uint256(self.nonce), .uint256(UInt256(self.feeRateBps)),
            .uint8(self.side.code), .uint8(self.signatureType.rawValue),
        ])
    }

    /// The EIP-712 digest in a V1 domain (``OrderDomain/legacyV1(negRisk:chainID:)``): the V1
    /// order hash that old fills reference.
    public func hash(in domain: OrderDomain) -> [UInt8] {
        EIP712.digest(domainSeparator: domain.separator, structHash: self.structHash)
    }
}
