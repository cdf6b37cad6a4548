public import Ethereum

/// Who signs an order and whose funds it moves (spec §4).
public enum SignatureType: UInt8, Sendable, Hashable, CaseIterable {
    /// The key's own address holds the funds.
    case eoa = 0
    /// A Polymarket proxy wallet (Magic / e-mail accounts) holds them; the EOA signs.
    case polyProxy = 1
    /// A 1-of-1 Gnosis Safe (browser-wallet accounts) holds them; the EOA signs.
    case polyGnosisSafe = 2
    /// A deposit wallet holds them and is also the order's signer (ERC-1271); its owner EOA
    /// signs an ERC-7739 wrapping (spec §5.6).
    case poly1271 = 3
}

/// The current (V2) order struct, exactly the fields that are signed (spec §5.2). The
/// expiration, order type and post-only flag travel beside it in the request body
/// (``PostOrderRequest``).
public struct Order: Sendable, Hashable {
    /// The field order is significant: it is the encoding order.
    public static let typeString =
        "Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,uint256 takerAmount,"
        + "uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,bytes32 builder)"
    public static let typeHash = EIP712.typeHash(Order.typeString)

    /// Salts are sent as JSON numbers, so they stay below 2^53 to survive a double.
    public static let saltLimit: UInt64 = 1 << 53
    public static let zeroBytes32 = [UInt8](repeating: 0, count: 32)

    /// Uniqueness value, below ``saltLimit``.
    public let salt: UInt64
    /// Whose pUSD or shares move: the funder (EOA, proxy, Safe or deposit wallet).
    public let maker: Address
    /// Whose signature the exchange checks: the EOA for types 0–2, the deposit wallet for type 3.
    public let signer: Address
    /// The ERC-1155 outcome token (received on a BUY, given on a SELL).
    public let tokenID: UInt256
    public let makerAmount: UInt64
    public let takerAmount: UInt64
    public let side: OrderSide
    public let signatureType: SignatureType
    /// Creation time in milliseconds; makes the order unique, it is not an expiry.
    public let timestamp: UInt64
    /// 32 bytes, normally zero.
    public let metadata: [UInt8]
    /// 32-byte builder code for attribution; zero if none. Public, not a secret.
    public let builder: [UInt8]

    /// The struct field by field, as it is read back from a request body or a vector.
    public init(
        salt: UInt64, maker: Address, signer: Address, tokenID: UInt256,
        makerAmount: UInt64, takerAmount: UInt64, side: OrderSide, signatureType: SignatureType,
        timestamp: UInt64, metadata: [UInt8] = Order.zeroBytes32, builder: [UInt8] = Order.zeroBytes32
    ) throws(OrderError) {
        guard salt < Self.saltLimit else { throw .saltTooLarge }
        guard metadata.count == 32 else { throw .notBytes32("metadata") }
        guard builder.count == 32 else { throw .notBytes32("builder") }
        self.salt = salt
        self.maker = maker
        self.signer = signer
        self.tokenID = tokenID
        self.makerAmount = makerAmount
        self.takerAmount = takerAmount
        self.side = side
        self.signatureType = signatureType
        self.timestamp = timestamp
        self.metadata = metadata
        self.builder = builder
    }

    /// An order for a trading wallet, with `maker` and `signer` set by the signature type's rule
    /// (spec §4): type 0 trades from the EOA itself (so `funder` must be the EOA); types 1 and 2
    /// from the proxy or Safe with the EOA as signer; type 3 from the deposit wallet, which is
    /// also the signer.
    public init(
        salt: UInt64, eoa: Address, funder: Address, signatureType: SignatureType,
        tokenID: UInt256, side: OrderSide, amounts: OrderAmounts, timestamp: UInt64,
        metadata: [UInt8] = Order.zeroBytes32, builder: [UInt8] = Order.zeroBytes32
    ) throws(OrderError) {
        if signatureType == .eoa, funder != eoa { throw .funderIsNotTheEOA }
        try self.init(
            salt: salt, maker: funder, signer: signatureType == .poly1271 ? funder : eoa, tokenID: tokenID,
            makerAmount: amounts.makerAmount, takerAmount: amounts.takerAmount, side: side,
            signatureType: signatureType, timestamp: timestamp, metadata: metadata, builder: builder)
    }

    /// A random salt below 2^53, as the unified SDK draws it.
    public static func randomSalt(using generator: inout some RandomNumberGenerator) -> UInt64 {
        UInt64.random(in: 0..<Self.saltLimit, using: &generator)
    }

    /// hashStruct(Order): the "contents" hash, also embedded in a type-3 signature. The twelve
    /// words are written straight into one buffer (every field is static, so this is exactly
    /// EIP-712's encodeData).
    public var structHash: [UInt8] {
        var data = [UInt8](repeating: 0, count: 12 * 32)
        func put(_ bytes: [UInt8], word: Int) {
            let end = (word + 1) * 32
            data.replaceSubrange((end - bytes.count)..<end, with: bytes)
        }
        func put(_ value: UInt64, word: Int) {
            for byte in 0..<8 { data[(word + 1) * 32 - 1 - byte] = UInt8(truncatingIfNeeded: value >> (8 * byte)) }
        }
        put(Self.typeHash, word: 0)
        put(self.salt, word: 1)
        put(self.maker.bytes, word: 2)
        put(self.signer.bytes, word: 3)
        put(self.tokenID.bigEndianBytes, word: 4)
        put(self.makerAmount, word: 5)
        put(self.takerAmount, word: 6)
        put(UInt64(self.side.code), word: 7)
        put(UInt64(self.signatureType.rawValue), word: 8)
        put(self.timestamp, word: 9)
        put(self.metadata, word: 10)
        put(self.builder, word: 11)
        return Keccak256.hash(data)
    }

    /// The EIP-712 digest of the order in `domain`: the order's hash, which the CLOB reports as
    /// its `orderID`, and what types 0–2 sign.
    public func hash(in domain: OrderDomain) -> [UInt8] {
        EIP712.digest(domainSeparator: domain.separator, structHash: self.structHash)
    }

    /// hashStruct over fields that the initialisers have already validated (32-byte `bytes32`,
    /// integers within their widths), so the encoder cannot refuse them.
    static func hashValidFields(typeHash: [UInt8], _ fields: [ABIValue]) -> [UInt8] {
        do {
            return try EIP712.hashStruct(typeHash: typeHash, fields: fields)
        } catch {
            preconditionFailure("EIP-712 fields validated at construction were refused: \(error)")
        }
    }
}

public enum OrderError: Error, Hashable, Sendable {
    /// The salt is 2^53 or more and would not survive the JSON number it is sent as.
    case saltTooLarge
    /// The named `bytes32` field does not have 32 bytes.
    case notBytes32(String)
    /// A type-0 (EOA) order must trade from the EOA itself.
    case funderIsNotTheEOA
}
