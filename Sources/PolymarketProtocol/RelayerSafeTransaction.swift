public import Ethereum

/// A transaction of a 1-of-1 Gnosis Safe (wallet type 2) relayed by Polymarket (spec §11.3):
/// one call goes out as a plain CALL, several are bundled into a DELEGATECALL to MultiSend.
/// All hashes are computed when the value is made; signing is the only asynchronous step.
public struct SafeTransaction: Sendable, Hashable {
    public static let typeString =
        "SafeTx(address to,uint256 value,bytes data,uint8 operation,uint256 safeTxGas,uint256 baseGas,"
        + "uint256 gasPrice,address gasToken,address refundReceiver,uint256 nonce)"

    /// The EOA that owns the Safe and signs.
    public let owner: Address
    public let safe: Address
    public let chainID: UInt64
    /// The Safe's transaction nonce (`GET /nonce?type=SAFE` with the owner's address).
    public let nonce: UInt256
    /// The call target, or MultiSend when several calls are bundled.
    public let to: Address
    public let value: UInt256
    public let data: [UInt8]
    public let operation: RelayerCall.Operation
    /// The relayer pays gas, so the Safe refunds none: `safeTxGas`, `baseGas` and `gasPrice` are
    /// zero and `gasToken`/`refundReceiver` the zero address.
    public var safeTxGas: UInt256 { .zero }
    public var baseGas: UInt256 { .zero }
    public var gasPrice: UInt256 { .zero }
    public var gasToken: Address { .zero }
    public var refundReceiver: Address { .zero }

    /// `EIP712Domain(uint256 chainId,address verifyingContract)` with the Safe.
    public let domain: EIP712.Domain
    public let structHash: [UInt8]
    /// The EIP-712 digest (`safeTxHash`).
    public let safeTxHash: [UInt8]
    /// The EIP-191 wrapping of ``safeTxHash``: what the owner signs.
    public let ethSignedMessageHash: [UInt8]

    /// `safe` defaults to the owner's derived Safe.
    public init(
        owner: Address, calls: [RelayerCall], nonce: UInt256, safe: Address? = nil,
        chainID: UInt64 = Contracts.polygonChainID, multiSend: Address = Contracts.safeMultiSend
    ) throws(RelayerError) {
        guard let first = calls.first else { throw .noCalls }
        self.owner = owner
        self.safe = safe ?? WalletDerivation.polygon.safe(owner: owner)
        self.chainID = chainID
        self.nonce = nonce
        if calls.count == 1 {
            (self.to, self.value, self.data, self.operation) = (first.to, first.value, first.data, first.operation)
        } else {
            (self.to, self.value, self.data, self.operation) =
                (multiSend, .zero, Self.multiSendCallData(calls), .delegateCall)
        }
        self.domain = EIP712.Domain(chainId: UInt256(chainID), verifyingContract: self.safe)
        self.structHash = RelayerSigning.hashStruct(typeString: Self.typeString, fields: [
            .address(self.to), .uint256(self.value), .bytes(self.data), .uint8(self.operation.rawValue),
            .uint256(.zero), .uint256(.zero), .uint256(.zero), .address(.zero), .address(.zero),
            .uint256(nonce),
        ])
        self.safeTxHash = EIP712.digest(domain: self.domain, structHash: self.structHash)
        self.ethSignedMessageHash = EIP191.personalMessageHash(self.safeTxHash)
    }

    public var domainSeparator: [UInt8] { self.domain.separator }

    /// `multiSend(bytes)` calldata: each call packed as `uint8 operation ‖ address to ‖
    /// uint256 value ‖ uint256 dataLength ‖ data`, the concatenation ABI-encoded as `bytes`.
    public static func multiSendCallData(_ calls: [RelayerCall]) -> [UInt8] {
        var packed: [UInt8] = []
        for call in calls {
            packed.append(call.operation.rawValue)
            packed += call.to.bytes
            packed += call.value.bigEndianBytes
            packed += UInt256(UInt64(call.data.count)).bigEndianBytes
            packed += call.data
        }
        return ABI.selector("multiSend(bytes)") + RelayerSigning.encode([.bytes(packed)])
    }

    /// Signs through `signer`, which must hold the owner's key.
    public func signed(by signer: some DigestSigner, metadata: String = "") async throws -> SignedSafeTransaction {
        try RelayerSubmission.validate(metadata: metadata)
        let signature = try await signer.signDigest(self.ethSignedMessageHash)
        return try SignedSafeTransaction(transaction: self, signature: signature, metadata: metadata)
    }
}

/// A ``SafeTransaction`` with the owner's signature, ready for `POST /submit`.
public struct SignedSafeTransaction: Sendable, Hashable {
    public let transaction: SafeTransaction
    /// The plain signature over ``SafeTransaction/ethSignedMessageHash``, `v` ∈ {27, 28}.
    public let signature: Signature
    public let metadata: String

    /// Throws unless `signature` is the owner's over ``SafeTransaction/ethSignedMessageHash`` and
    /// `metadata` fits the relayer's limit.
    public init(transaction: SafeTransaction, signature: Signature, metadata: String = "") throws {
        try RelayerSubmission.validate(metadata: metadata)
        try RelayerSigning.verify(signature, over: transaction.ethSignedMessageHash, owner: transaction.owner)
        self.transaction = transaction
        self.signature = signature
        self.metadata = metadata
    }

    /// `r ‖ s ‖ v+4`: the Safe contract reads v 31/32 as "eth_sign" (an EIP-191 wrapped hash).
    public var packedSignature: [UInt8] {
        self.signature.r + self.signature.s + [self.signature.v + 4]
    }

    public var submission: RelayerSubmission {
        let transaction = self.transaction
        return RelayerSubmission(type: .safe, from: transaction.owner, body: .object([
            ("type", .string(RelayerTransactionType.safe.rawValue)),
            ("from", .string(transaction.owner.checksummed)),
            ("to", .string(transaction.to.checksummed)),
            ("proxyWallet", .string(transaction.safe.checksummed)),
            ("data", .string(Hex.encode(transaction.data))),
            ("signature", .string(Hex.encode(self.packedSignature))),
            ("value", RelayerSigning.decimal(transaction.value)),
            ("signatureParams", .object([
                ("gasPrice", RelayerSigning.decimal(transaction.gasPrice)),
                ("operation", .string(String(transaction.operation.rawValue))),
                ("safeTxnGas", RelayerSigning.decimal(transaction.safeTxGas)),
                ("baseGas", RelayerSigning.decimal(transaction.baseGas)),
                ("gasToken", .string(transaction.gasToken.checksummed)),
                ("refundReceiver", .string(transaction.refundReceiver.checksummed)),
            ])),
            ("nonce", RelayerSigning.decimal(transaction.nonce)),
            ("metadata", .string(self.metadata)),
        ]))
    }
}
