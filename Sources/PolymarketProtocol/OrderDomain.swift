public import Ethereum

/// The EIP-712 domain an order is signed in: which exchange contract, and which exchange
/// version, will verify it (spec §5.1, §5.8, §5.9). Signing against the wrong one yields an
/// order the CLOB rejects (`order_version_mismatch` or an invalid signature).
public struct OrderDomain: Sendable, Hashable {
    /// The `name` of every Polymarket exchange domain.
    public static let name = "Polymarket CTF Exchange"

    public let version: String
    public let chainID: UInt64
    public let verifyingContract: Address
    /// hashStruct of `EIP712Domain(string name,string version,uint256 chainId,address
    /// verifyingContract)`, computed once: every digest of every order needs it.
    public let separator: [UInt8]

    public init(version: String, chainID: UInt64, verifyingContract: Address) {
        self.version = version
        self.chainID = chainID
        self.verifyingContract = verifyingContract
        self.separator = EIP712.Domain(name: Self.name, version: version, chainId: UInt256(chainID),
                                       verifyingContract: verifyingContract).separator
    }

    /// Polygon's live domains, built once (each order is signed in one of them).
    private static let polygonV2 = OrderDomain(version: "2", chainID: Contracts.polygonChainID,
                                               verifyingContract: Contracts.ctfExchangeV2)
    private static let polygonNegRiskV2 = OrderDomain(version: "2", chainID: Contracts.polygonChainID,
                                                      verifyingContract: Contracts.negRiskCtfExchangeV2)
    private static let polygonV3 = OrderDomain(version: "3", chainID: Contracts.polygonChainID,
                                               verifyingContract: Contracts.exchangeV3)

    /// The live exchanges (version "2"): Neg Risk CTF Exchange V2 when the market's neg-risk
    /// flag is set, else CTF Exchange V2.
    public static func exchangeV2(negRisk: Bool, chainID: UInt64 = Contracts.polygonChainID) -> OrderDomain {
        if chainID == Contracts.polygonChainID { return negRisk ? Self.polygonNegRiskV2 : Self.polygonV2 }
        return OrderDomain(version: "2", chainID: chainID,
                           verifyingContract: negRisk ? Contracts.negRiskCtfExchangeV2 : Contracts.ctfExchangeV2)
    }

    /// ExchangeV3 (version "3") for Protocol-V2 markets; the neg-risk flag does not apply.
    public static func exchangeV3(chainID: UInt64 = Contracts.polygonChainID) -> OrderDomain {
        if chainID == Contracts.polygonChainID { return Self.polygonV3 }
        return OrderDomain(version: "3", chainID: chainID, verifyingContract: Contracts.exchangeV3)
    }

    /// The V1 exchanges (version "1"), for reading orders made before 2026-04-28 only.
    public static func legacyV1(negRisk: Bool, chainID: UInt64 = Contracts.polygonChainID) -> OrderDomain {
        OrderDomain(version: "1", chainID: chainID,
                    verifyingContract: negRisk ? Contracts.negRiskCtfExchangeV1 : Contracts.ctfExchangeV1)
    }

    /// The domain a live order for `tokenID` is signed in: ExchangeV3 for a Protocol-V2 position
    /// ID, otherwise the V2 exchange picked by the market's neg-risk flag (the SDK's rule).
    public static func forOrder(tokenID: UInt256, negRisk: Bool, chainID: UInt64 = Contracts.polygonChainID) -> OrderDomain {
        Self.isProtocolV2PositionID(tokenID) ? .exchangeV3(chainID: chainID) : .exchangeV2(negRisk: negRisk, chainID: chainID)
    }

    /// Whether an asset ID is a Protocol-V2 position ID: bits 40…103 all zero (spec §5.8).
    /// CTF token IDs are keccak hashes, so these 64 bits are never all zero in practice.
    public static func isProtocolV2PositionID(_ id: UInt256) -> Bool {
        // Big-endian bytes 19...26 hold bits 103…40.
        id.bigEndianBytes[19...26].allSatisfy { $0 == 0 }
    }

    /// The domain as the Ethereum module models it.
    public var eip712: EIP712.Domain {
        EIP712.Domain(name: Self.name, version: self.version, chainId: UInt256(self.chainID),
                      verifyingContract: self.verifyingContract)
    }
}
