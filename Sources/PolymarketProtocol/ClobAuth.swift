public import Ethereum

/// The Level 1 (wallet-signature) message that creates or derives CLOB API keys (spec §6.1):
/// EIP-712 `ClobAuth` in the `ClobAuthDomain` domain, signed by the EOA.
public struct ClobAuth: Sendable, Hashable {
    public static let domainName = "ClobAuthDomain"
    public static let domainVersion = "1"
    public static let typeString = "ClobAuth(address address,string timestamp,uint256 nonce,string message)"
    /// The fixed text every SDK signs.
    public static let attestation = "This message attests that I control the given wallet"

    /// The EOA that will own the API key.
    public let address: Address
    /// Unix seconds; signed as a decimal *string*.
    public let timestamp: Int64
    /// Picks which of the address's API keys is created or derived; 0 by default.
    public let nonce: UInt64
    public let message: String
    public let chainID: UInt64

    public init(
        address: Address, timestamp: Int64, nonce: UInt64 = 0,
        chainID: UInt64 = Contracts.polygonChainID, message: String = ClobAuth.attestation
    ) {
        self.address = address
        self.timestamp = timestamp
        self.nonce = nonce
        self.message = message
        self.chainID = chainID
    }

    /// `EIP712Domain(string name,string version,uint256 chainId)` — no verifying contract.
    public var domain: EIP712.Domain {
        EIP712.Domain(name: Self.domainName, version: Self.domainVersion, chainId: UInt256(self.chainID))
    }

    public var structHash: [UInt8] {
        Order.hashValidFields(
            typeHash: EIP712.typeHash(Self.typeString),
            [.address(self.address), .string(String(self.timestamp)), .uint256(UInt256(self.nonce)), .string(self.message)])
    }

    /// What the EOA signs.
    public var digest: [UInt8] { EIP712.digest(domain: self.domain, structHash: self.structHash) }

    /// The L1 headers carrying `signature`, which must be the EOA's signature over ``digest``.
    public func headers(signature: Signature) throws(ClobAuthError) -> L1Headers {
        guard (try? signature.recoverAddress(digest: self.digest)) == self.address else {
            throw .signatureNotFromAddress
        }
        return L1Headers(address: self.address, signature: signature, timestamp: self.timestamp, nonce: self.nonce)
    }

    /// Signs with the EOA's key (or a vault holding it) and returns the L1 headers.
    public func headers(signedBy signer: some DigestSigner) async throws -> L1Headers {
        try self.headers(signature: await signer.signDigest(self.digest))
    }
}

public enum ClobAuthError: Error, Hashable, Sendable {
    /// The signature does not recover to the message's address: the wrong key signed.
    case signatureNotFromAddress
}

/// The four `POLY_*` headers of an L1-authenticated request (`/auth/api-key`, `/auth/derive-api-key`).
public struct L1Headers: Sendable, Hashable {
    public let address: Address
    public let signature: Signature
    public let timestamp: Int64
    public let nonce: UInt64

    public var fields: [HTTPHeader] {
        [
            HTTPHeader(name: "POLY_ADDRESS", value: self.address.checksummed),
            HTTPHeader(name: "POLY_SIGNATURE", value: self.signature.hex),
            HTTPHeader(name: "POLY_TIMESTAMP", value: String(self.timestamp)),
            HTTPHeader(name: "POLY_NONCE", value: String(self.nonce)),
        ]
    }
}
