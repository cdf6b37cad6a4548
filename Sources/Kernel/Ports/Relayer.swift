/// Gasless wallet transactions through the venue's relayer, in the same two steps as orders:
/// *prepare* the transaction and its digest, let the vault sign, store, then *submit*.
/// Every conformer must pass `RelayerContract`.
public protocol Relayer: Sendable {
    func prepare(_ request: RelayerRequest, account: TradingAccount) async throws -> PreparedRelayerTx
    /// The exact body to submit for `prepared` signed with `signature` (65-byte `r‖s‖v` over
    /// `prepared.digest`).
    func signedPayload(for prepared: PreparedRelayerTx, signature: [UInt8], account: TradingAccount) throws -> String
    /// Submits; returns the relayer's reference for the transaction. A thrown error means the
    /// outcome is unknown: the caller polls ``state(reference:)`` or, without a reference,
    /// resubmits the same payload (the nonce makes a double execution impossible).
    func submit(payload: String, account: TradingAccount) async throws -> RelayerSubmission
    func state(reference: String) async throws -> RelayerSubmission
}

/// What a relayer transaction does.
public enum RelayerRequest: Hashable, Sendable {
    /// Transfer collateral out of the wallet.
    case withdraw(amount: Collateral, to: WalletAddress)
    /// Redeem a resolved market's positions through the collateral adapter.
    case redeem(conditionID: String, negRisk: Bool, shares: [TokenID: Shares])
    /// Deploy the wallet contract.
    case deploy
    /// Set the exchange approvals.
    case approve
}

public struct PreparedRelayerTx: Hashable, Sendable {
    public var request: RelayerRequest
    public var digest: [UInt8]
    public var unsignedPayload: String

    public init(request: RelayerRequest, digest: [UInt8], unsignedPayload: String) {
        self.request = request
        self.digest = digest
        self.unsignedPayload = unsignedPayload
    }
}

public struct RelayerSubmission: Hashable, Sendable {
    public var reference: String
    /// The relayer's raw state string (`STATE_MINED`, …).
    public var state: String
    public var transactionHash: String?

    public init(reference: String, state: String, transactionHash: String? = nil) {
        self.reference = reference
        self.state = state
        self.transactionHash = transactionHash
    }

    /// The state mapped to the relayer-tx state machine; `nil` for a state this code does not know.
    public var status: RelayerTx.Status? { RelayerTx.Status(relayerState: self.state) }
}
