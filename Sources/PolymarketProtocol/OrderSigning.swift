public import Ethereum

/// An order with its domain, hash and wire signature: everything `POST /order` needs besides
/// the submission options. Persist it before sending, so a retry resends the same bytes.
public struct SignedOrder: Sendable, Hashable {
    public let order: Order
    public let domain: OrderDomain
    /// The EIP-712 digest of the order in its domain, which the CLOB uses as the order ID.
    public let hash: [UInt8]
    /// 65 bytes `r‖s‖v` for types 0–2; for type 3 the 317-byte ERC-7739 wrapping (spec §5.6).
    public let signature: [UInt8]

    /// `0x` + lowercase hex of ``hash``, as the CLOB spells order IDs.
    public var orderID: String { Hex.encode(self.hash) }
}

/// An order with its hashes computed once: the struct hash, the EIP-712 hash (the order ID)
/// and the digest its owner signs. Preparing an order and assembling it once signed both need
/// them; hashing once keeps Keccak out of the second step.
public struct HashedOrder: Sendable, Hashable {
    public let order: Order
    public let domain: OrderDomain
    /// hashStruct(Order).
    public let structHash: [UInt8]
    /// The EIP-712 digest of the order in its domain: the order ID.
    public let hash: [UInt8]
    /// What the owner's key signs: ``hash`` for types 0–2, the ERC-7739 `TypedDataSign` digest
    /// for type 3 (spec §5.6 steps 1–5).
    public let signingDigest: [UInt8]

    public init(_ order: Order, in domain: OrderDomain) {
        let structHash = order.structHash
        let hash = EIP712.digest(domainSeparator: domain.separator, structHash: structHash)
        self.order = order
        self.domain = domain
        self.structHash = structHash
        self.hash = hash
        switch order.signatureType {
        case .eoa, .polyProxy, .polyGnosisSafe:
            self.signingDigest = hash
        case .poly1271:
            self.signingDigest = EIP712.digest(
                domainSeparator: domain.separator,
                structHash: DepositWalletSignature.typedDataSignStructHash(
                    orderStructHash: structHash, wallet: order.signer, chainID: domain.chainID))
        }
    }

    /// Assembles the signed order from the owner's signature over ``signingDigest``.
    ///
    /// The signature must recover to `owner` when given, and for types 0–2 to the order's
    /// `signer` (which is the owner), so a wrong key is caught here rather than by the exchange.
    /// For type 3 the owner is not part of the order: only the `owner` given is checked.
    public func signed(with ownerSignature: Signature, owner: Address? = nil) throws(OrderSigningError) -> SignedOrder {
        let expected: Address?
        switch self.order.signatureType {
        case .eoa, .polyProxy, .polyGnosisSafe: expected = self.order.signer
        case .poly1271: expected = owner
        }
        if let expected {
            guard let recovered = try? ownerSignature.recoverAddress(digest: self.signingDigest), recovered == expected,
                  owner.map({ $0 == recovered }) ?? true
            else { throw .signatureNotFromSigner }
        }
        let wire: [UInt8]
        switch self.order.signatureType {
        case .eoa, .polyProxy, .polyGnosisSafe:
            wire = ownerSignature.bytes
        case .poly1271:
            wire = DepositWalletSignature.wrap(
                ownerSignature, appDomainSeparator: self.domain.separator, orderStructHash: self.structHash)
        }
        return SignedOrder(order: self.order, domain: self.domain, hash: self.hash, signature: wire)
    }
}

extension Order {
    /// The digest the owner's key signs: the order hash for types 0–2; for type 3 the
    /// ERC-7739 `TypedDataSign` digest in the exchange's domain (spec §5.6 steps 1–5).
    public func signingDigest(in domain: OrderDomain) -> [UInt8] {
        HashedOrder(self, in: domain).signingDigest
    }

    /// Assembles the signed order from the owner's signature over ``signingDigest(in:)`` — the
    /// second half of "prepare a digest, let the vault sign it".
    ///
    /// For types 0–2 the signature must recover to the order's `signer`, so a wrong key is caught
    /// here rather than by the exchange. For type 3 the owner is not part of the order and is not
    /// checked.
    public func signed(in domain: OrderDomain, with ownerSignature: Signature) throws(OrderSigningError) -> SignedOrder {
        try HashedOrder(self, in: domain).signed(with: ownerSignature)
    }

    /// Signs with `signer` (the EOA's key, or a vault holding it) and assembles the order.
    public func signed(in domain: OrderDomain, by signer: some DigestSigner) async throws -> SignedOrder {
        let hashed = HashedOrder(self, in: domain)
        let signature = try await signer.signDigest(hashed.signingDigest)
        return try hashed.signed(with: signature)
    }
}

public enum OrderSigningError: Error, Hashable, Sendable {
    /// The signature does not recover to the order's `signer`: the wrong key signed.
    case signatureNotFromSigner
}

/// ERC-7739 nested typed data for deposit-wallet orders (signature type 3, spec §5.6): the owner
/// signs a `TypedDataSign` struct wrapping the order, and the wallet's ERC-1271 check unwraps it.
public enum DepositWalletSignature {
    /// The deposit wallet's own EIP-712 domain name and version.
    public static let walletDomainName = "DepositWallet"
    public static let walletDomainVersion = "1"

    /// The `TypedDataSign` type followed by the referenced `Order` type.
    public static let typedDataSignTypeString =
        "TypedDataSign(Order contents,string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)"
        + Order.typeString

    /// The deposit wallet's domain (salt zero), whose fields `TypedDataSign` repeats.
    public static func walletDomain(wallet: Address, chainID: UInt64) -> EIP712.Domain {
        do {
            return try EIP712.Domain(
                name: Self.walletDomainName, version: Self.walletDomainVersion, chainId: UInt256(chainID),
                verifyingContract: wallet, salt: Order.zeroBytes32)
        } catch {
            preconditionFailure("a 32-byte zero salt was refused: \(error)")
        }
    }

    /// keccak-256 of ``typedDataSignTypeString``, hashed once.
    static let typedDataSignTypeHash = EIP712.typeHash(Self.typedDataSignTypeString)

    /// hashStruct(TypedDataSign) over the order's struct hash and the wallet domain's fields.
    public static func typedDataSignStructHash(orderStructHash: [UInt8], wallet: Address, chainID: UInt64) -> [UInt8] {
        Order.hashValidFields(
            typeHash: Self.typedDataSignTypeHash,
            [
                .bytes32(orderStructHash), .string(Self.walletDomainName), .string(Self.walletDomainVersion),
                .uint256(UInt256(chainID)), .address(wallet), .bytes32(Order.zeroBytes32),
            ])
    }

    /// The wire signature: `inner(65) ‖ appDomainSeparator(32) ‖ orderStructHash(32) ‖ Order type
    /// string (UTF-8) ‖ uint16 big-endian length of that string` — 317 bytes.
    public static func wrap(_ inner: Signature, appDomainSeparator: [UInt8], orderStructHash: [UInt8]) -> [UInt8] {
        let contentsType = Array(Order.typeString.utf8)
        let length = UInt16(contentsType.count)
        return inner.bytes + appDomainSeparator + orderStructHash + contentsType
            + [UInt8(length >> 8), UInt8(length & 0xff)]
    }
}
