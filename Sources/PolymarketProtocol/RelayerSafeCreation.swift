public import Ethereum

/// SAFE-CREATE: asks the relayer to deploy the owner's Safe through the Safe factory
/// (spec §11.4). The owner signs the factory's `CreateProxy` struct directly — no EIP-191
/// wrapping and no `v` adjustment, unlike ``SafeTransaction``. Check `GET /deployed` first.
public struct SafeCreation: Sendable, Hashable {
    public static let domainName = "Polymarket Contract Proxy Factory"
    public static let typeString = "CreateProxy(address paymentToken,uint256 payment,address paymentReceiver)"

    public let owner: Address
    /// The Safe that the factory will deploy for ``owner``.
    public let safe: Address
    public let safeFactory: Address
    public let chainID: UInt64
    /// The relayer pays, so these are zero in practice.
    public let paymentToken: Address
    public let payment: UInt256
    public let paymentReceiver: Address

    /// `{name, chainId, verifyingContract: factory}` — no version field.
    public let domain: EIP712.Domain
    public let structHash: [UInt8]
    /// The EIP-712 digest the owner signs.
    public let digest: [UInt8]

    public init(
        owner: Address, derivation: WalletDerivation = .polygon, chainID: UInt64 = Contracts.polygonChainID,
        paymentToken: Address = .zero, payment: UInt256 = .zero, paymentReceiver: Address = .zero
    ) {
        self.owner = owner
        self.safe = derivation.safe(owner: owner)
        self.safeFactory = derivation.safeFactory
        self.chainID = chainID
        self.paymentToken = paymentToken
        self.payment = payment
        self.paymentReceiver = paymentReceiver
        self.domain = EIP712.Domain(
            name: Self.domainName, chainId: UInt256(chainID), verifyingContract: derivation.safeFactory)
        self.structHash = RelayerSigning.hashStruct(
            typeString: Self.typeString,
            fields: [.address(paymentToken), .uint256(payment), .address(paymentReceiver)])
        self.digest = EIP712.digest(domain: self.domain, structHash: self.structHash)
    }

    public var domainSeparator: [UInt8] { self.domain.separator }

    public func signed(by signer: some DigestSigner) async throws -> SignedSafeCreation {
        try SignedSafeCreation(creation: self, signature: try await signer.signDigest(self.digest))
    }
}

public struct SignedSafeCreation: Sendable, Hashable {
    public let creation: SafeCreation
    /// Plain 65 bytes, `v` ∈ {27, 28}.
    public let signature: Signature

    /// Throws unless `signature` is the owner's over ``SafeCreation/digest``.
    public init(creation: SafeCreation, signature: Signature) throws {
        try RelayerSigning.verify(signature, over: creation.digest, owner: creation.owner)
        self.creation = creation
        self.signature = signature
    }

    public var submission: RelayerSubmission {
        let creation = self.creation
        return RelayerSubmission(type: .safeCreate, from: creation.owner, body: .object([
            ("type", .string(RelayerTransactionType.safeCreate.rawValue)),
            ("from", .string(creation.owner.checksummed)),
            ("to", .string(creation.safeFactory.checksummed)),
            ("proxyWallet", .string(creation.safe.checksummed)),
            ("data", .string("0x")),
            ("signature", .string(self.signature.hex)),
            ("signatureParams", .object([
                ("paymentToken", .string(creation.paymentToken.checksummed)),
                ("payment", RelayerSigning.decimal(creation.payment)),
                ("paymentReceiver", .string(creation.paymentReceiver.checksummed)),
            ])),
        ]))
    }
}
