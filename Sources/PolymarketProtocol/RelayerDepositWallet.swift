public import Ethereum

/// A WALLET batch: calls a deposit wallet (wallet type 3) executes for its owner, relayed
/// through the deposit wallet factory (spec §11.6). The owner signs the EIP-712 `Batch` in the
/// wallet's own domain; the nonce and deadline make each batch single-use and short-lived.
public struct DepositWalletBatch: Sendable, Hashable {
    public static let domainName = "DepositWallet"
    public static let domainVersion = "1"
    public static let callTypeString = "Call(address target,uint256 value,bytes data)"
    /// The primary type followed by the `Call` type it references.
    public static let batchTypeString =
        "Batch(address wallet,uint256 nonce,uint256 deadline,Call[] calls)" + Self.callTypeString
    /// How far ahead the SDKs set the deadline.
    public static let defaultLifetimeSeconds: UInt64 = 600

    public let owner: Address
    public let wallet: Address
    /// The transaction's `to`.
    public let factory: Address
    public let chainID: UInt64
    /// The wallet's batch nonce (`GET /nonce?type=WALLET` with the owner's address).
    public let nonce: UInt256
    /// Unix seconds after which the wallet refuses the batch.
    public let deadline: UInt256
    public let calls: [RelayerCall]

    /// `{name "DepositWallet", version "1", chainId, verifyingContract: wallet}`.
    public let domain: EIP712.Domain
    public let structHash: [UInt8]
    /// The EIP-712 digest the owner signs.
    public let digest: [UInt8]

    /// Every call must be a plain call.
    public init(
        owner: Address, wallet: Address, calls: [RelayerCall], nonce: UInt256, deadline: UInt256,
        chainID: UInt64 = Contracts.polygonChainID, factory: Address = Contracts.depositWalletFactory
    ) throws(RelayerError) {
        guard !calls.isEmpty else { throw .noCalls }
        if let delegated = calls.first(where: { $0.operation != .call }) {
            throw .delegateCallNotSupported(to: delegated.to)
        }
        self.owner = owner
        self.wallet = wallet
        self.factory = factory
        self.chainID = chainID
        self.nonce = nonce
        self.deadline = deadline
        self.calls = calls
        self.domain = EIP712.Domain(
            name: Self.domainName, version: Self.domainVersion, chainId: UInt256(chainID), verifyingContract: wallet)
        let callHashes = calls.map { call in
            ABIValue.bytes32(RelayerSigning.hashStruct(
                typeString: Self.callTypeString, fields: [.address(call.to), .uint256(call.value), .bytes(call.data)]))
        }
        self.structHash = RelayerSigning.hashStruct(
            typeString: Self.batchTypeString,
            fields: [.address(wallet), .uint256(nonce), .uint256(deadline), .array(callHashes)])
        self.digest = EIP712.digest(domain: self.domain, structHash: self.structHash)
    }

    /// The deadline the SDKs use: `now` (unix seconds) plus ``defaultLifetimeSeconds``.
    public static func deadline(from now: UInt64) -> UInt256 {
        UInt256(now + Self.defaultLifetimeSeconds)
    }

    public var domainSeparator: [UInt8] { self.domain.separator }

    /// An empty `metadata` is left out of the body, as py-builder-relayer-client does.
    public func signed(by signer: some DigestSigner, metadata: String = "") async throws -> SignedDepositWalletBatch {
        try RelayerSubmission.validate(metadata: metadata)
        let signature = try await signer.signDigest(self.digest)
        return try SignedDepositWalletBatch(batch: self, signature: signature, metadata: metadata)
    }
}

public struct SignedDepositWalletBatch: Sendable, Hashable {
    public let batch: DepositWalletBatch
    /// Plain 65 bytes, `v` ∈ {27, 28}.
    public let signature: Signature
    public let metadata: String

    /// Throws unless `signature` is the owner's over ``DepositWalletBatch/digest`` and `metadata`
    /// fits the relayer's limit.
    public init(batch: DepositWalletBatch, signature: Signature, metadata: String = "") throws {
        try RelayerSubmission.validate(metadata: metadata)
        try RelayerSigning.verify(signature, over: batch.digest, owner: batch.owner)
        self.batch = batch
        self.signature = signature
        self.metadata = metadata
    }

    public var submission: RelayerSubmission {
        let batch = self.batch
        var members: [(key: String, value: RelayerJSON)] = [
            ("type", .string(RelayerTransactionType.wallet.rawValue)),
            ("from", .string(batch.owner.checksummed)),
            ("to", .string(batch.factory.checksummed)),
            ("nonce", RelayerSigning.decimal(batch.nonce)),
            ("signature", .string(self.signature.hex)),
        ]
        if !self.metadata.isEmpty { members.append(("metadata", .string(self.metadata))) }
        members.append(("depositWalletParams", .object([
            ("depositWallet", .string(batch.wallet.checksummed)),
            ("deadline", RelayerSigning.decimal(batch.deadline)),
            ("calls", .array(batch.calls.map { call in
                .object([
                    ("target", .string(call.to.checksummed)),
                    ("value", RelayerSigning.decimal(call.value)),
                    ("data", .string(Hex.encode(call.data))),
                ])
            })),
        ])))
        return RelayerSubmission(type: .wallet, from: batch.owner, body: .object(members))
    }
}

/// WALLET-CREATE: asks the relayer to deploy the owner's deposit wallet. Nothing is signed; wait
/// for `STATE_CONFIRMED` before sending the wallet's first batch (spec §11.6).
public struct DepositWalletCreation: Sendable, Hashable {
    public let owner: Address
    public let factory: Address
    public let metadata: String

    public init(
        owner: Address, factory: Address = Contracts.depositWalletFactory, metadata: String = ""
    ) throws(RelayerError) {
        try RelayerSubmission.validate(metadata: metadata)
        self.owner = owner
        self.factory = factory
        self.metadata = metadata
    }

    /// An empty `metadata` is left out of the body.
    public var submission: RelayerSubmission {
        var members: [(key: String, value: RelayerJSON)] = [
            ("type", .string(RelayerTransactionType.walletCreate.rawValue)),
            ("from", .string(self.owner.checksummed)),
            ("to", .string(self.factory.checksummed)),
        ]
        if !self.metadata.isEmpty { members.append(("metadata", .string(self.metadata))) }
        return RelayerSubmission(type: .walletCreate, from: self.owner, body: .object(members))
    }
}
