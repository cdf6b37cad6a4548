public import Ethereum

/// A transaction of a Polymarket proxy wallet (wallet type 1) relayed through the GSN-style
/// relay hub (spec §11.5): the factory's `proxy(calls)` is called on behalf of the owner, who
/// signs the EIP-191 wrapping of the relay hash. The factory deploys the wallet on first use.
public struct ProxyTransaction: Sendable, Hashable {
    public static let proxySignature = "proxy((uint8,address,uint256,bytes)[])"
    /// The unified SDK's fallback when gas cannot be estimated; the hub's budget is ~650k.
    public static let defaultGasLimit = UInt256(200_000)

    /// The EOA that owns the proxy wallet and signs.
    public let owner: Address
    public let proxyWallet: Address
    /// The transaction's `to`: the proxy factory.
    public let proxyFactory: Address
    /// `proxy(calls)` calldata.
    public let data: [UInt8]
    /// From `GET /relay-payload?address=<owner>&type=PROXY`.
    public let relay: Address
    public let nonce: UInt256
    public let relayHub: Address
    public let gasLimit: UInt256
    public let gasPrice: UInt256
    public let relayerFee: UInt256

    /// keccak256("rlx:" ‖ from ‖ to ‖ data ‖ relayerFee ‖ gasPrice ‖ gasLimit ‖ nonce ‖ relayHub ‖ relay).
    public let relayHash: [UInt8]
    /// The EIP-191 wrapping of ``relayHash``: what the owner signs.
    public let ethSignedMessageHash: [UInt8]

    public init(
        owner: Address, calls: [RelayerCall], relay: Address, nonce: UInt256,
        gasLimit: UInt256 = ProxyTransaction.defaultGasLimit, gasPrice: UInt256 = .zero, relayerFee: UInt256 = .zero,
        relayHub: Address = Contracts.relayHub, derivation: WalletDerivation = .polygon
    ) throws(RelayerError) {
        guard !calls.isEmpty else { throw .noCalls }
        self.owner = owner
        self.proxyWallet = derivation.proxyWallet(owner: owner)
        self.proxyFactory = derivation.proxyFactory
        self.data = Self.proxyCallData(calls)
        self.relay = relay
        self.nonce = nonce
        self.relayHub = relayHub
        self.gasLimit = gasLimit
        self.gasPrice = gasPrice
        self.relayerFee = relayerFee
        var message = Array("rlx:".utf8) + owner.bytes + self.proxyFactory.bytes + self.data
        message += relayerFee.bigEndianBytes + gasPrice.bigEndianBytes + gasLimit.bigEndianBytes + nonce.bigEndianBytes
        message += relayHub.bytes + relay.bytes
        self.relayHash = Keccak256.hash(message)
        self.ethSignedMessageHash = EIP191.personalMessageHash(self.relayHash)
    }

    /// `proxy((uint8 typeCode, address to, uint256 value, bytes data)[])`; the factory's type
    /// codes are 1 = CALL and 2 = DELEGATECALL (0 is invalid).
    public static func proxyCallData(_ calls: [RelayerCall]) -> [UInt8] {
        let tuples = calls.map { call -> ABIValue in
            let typeCode: UInt8 = call.operation == .call ? 1 : 2
            return .tuple([.uint8(typeCode), .address(call.to), .uint256(call.value), .bytes(call.data)])
        }
        return ABI.selector(Self.proxySignature) + RelayerSigning.encode([.array(tuples)])
    }

    public func signed(by signer: some DigestSigner, metadata: String = "") async throws -> SignedProxyTransaction {
        try RelayerSubmission.validate(metadata: metadata)
        let signature = try await signer.signDigest(self.ethSignedMessageHash)
        return try SignedProxyTransaction(transaction: self, signature: signature, metadata: metadata)
    }
}

public struct SignedProxyTransaction: Sendable, Hashable {
    public let transaction: ProxyTransaction
    /// Plain 65 bytes, `v` ∈ {27, 28}.
    public let signature: Signature
    public let metadata: String

    /// Throws unless `signature` is the owner's over ``ProxyTransaction/ethSignedMessageHash`` and
    /// `metadata` fits the relayer's limit.
    public init(transaction: ProxyTransaction, signature: Signature, metadata: String = "") throws {
        try RelayerSubmission.validate(metadata: metadata)
        try RelayerSigning.verify(signature, over: transaction.ethSignedMessageHash, owner: transaction.owner)
        self.transaction = transaction
        self.signature = signature
        self.metadata = metadata
    }

    public var submission: RelayerSubmission {
        let transaction = self.transaction
        return RelayerSubmission(type: .proxy, from: transaction.owner, body: .object([
            ("type", .string(RelayerTransactionType.proxy.rawValue)),
            ("from", .string(transaction.owner.checksummed)),
            ("to", .string(transaction.proxyFactory.checksummed)),
            ("proxyWallet", .string(transaction.proxyWallet.checksummed)),
            ("data", .string(Hex.encode(transaction.data))),
            ("signature", .string(self.signature.hex)),
            ("signatureParams", .object([
                ("gasPrice", RelayerSigning.decimal(transaction.gasPrice)),
                ("relayerFee", RelayerSigning.decimal(transaction.relayerFee)),
                ("gasLimit", RelayerSigning.decimal(transaction.gasLimit)),
                ("relayHub", .string(transaction.relayHub.checksummed)),
                ("relay", .string(transaction.relay.checksummed)),
            ])),
            ("nonce", RelayerSigning.decimal(transaction.nonce)),
            ("metadata", .string(self.metadata)),
        ]))
    }
}
