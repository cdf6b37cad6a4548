public import Ethereum
public import Kernel
import PolymarketProtocol

/// A call a relayed wallet transaction makes, decoded from its calldata by the server. The venue
/// decides what it does, because that depends on the market (neg-risk or not, resolved or not).
public enum FakeWalletCall: Hashable, Sendable {
    /// ERC-20 `transfer(to, amount)` on `token`; on pUSD, a withdrawal.
    case transfer(token: Address, to: Address, amount: UInt256)
    /// ERC-20 `approve` or ERC-1155 `setApprovalForAll`: recorded, nothing moves.
    case approval(contract: Address)
    /// `redeemPositions(collateral, parentCollectionId, conditionId, indexSets)` sent to `target`.
    case redeem(target: Address, collateral: Address, conditionID: String)
    /// The legacy `NegRiskAdapter.redeemPositions(conditionId, amounts)` (spec §11.8).
    case negRiskAdapterRedeem(conditionID: String)
}

/// A verified relayer submission, ready for the ledger: whose wallet, which nonce, what it does.
public struct FakeRelayedTransaction: Sendable {
    /// The exact body submitted: the same bytes again are the same transaction.
    public var body: String
    public var wallet: WalletAddress
    /// The wallet nonce it was signed with; nil for SAFE-CREATE and WALLET-CREATE, which take none.
    public var nonce: Int?
    /// Deploys the wallet first: every creation, and a proxy wallet's first transaction.
    public var deploysWallet: Bool
    public var calls: [FakeWalletCall]

    public init(body: String, wallet: WalletAddress, nonce: Int?, deploysWallet: Bool, calls: [FakeWalletCall]) {
        self.body = body
        self.wallet = wallet
        self.nonce = nonce
        self.deploysWallet = deploysWallet
        self.calls = calls
    }
}

/// A relayer transaction as `GET /transaction` reports it.
public struct FakeRelayerRecord: Hashable, Sendable {
    public var reference: String
    public var wallet: WalletAddress
    public var nonce: Int
    /// The body it was submitted with, for the fields the relayer echoes.
    public var body: String
    /// `STATE_NEW`, `STATE_MINED`, `STATE_CONFIRMED` or `STATE_FAILED`.
    public var state: String
    public var transactionHash: String?
    public var createdAt: Timestamp?
}

/// The relayer's wire-level face for the Polymarket-compatible server: nonces per wallet, the
/// deployed set, and a ledger fed with submissions the server has already verified (auth,
/// signature, owner). What a call does is decided here, on chain terms.
extension FakeVenue {
    /// The next nonce the relayer expects from `wallet`.
    public func relayerNonce(of wallet: WalletAddress) -> Int {
        self.state.relayerNonce(of: wallet)
    }

    /// Whether `wallet` was deployed through the relayer.
    public func isDeployed(_ wallet: WalletAddress) -> Bool {
        self.state.relayer.deployed.contains(wallet)
    }

    /// The deposit wallet of `owner` (spec §4.1 resolution: a known UUPS clone, else the beacon clone).
    public func depositWallet(of owner: WalletAddress) -> WalletAddress {
        WalletAddress(self.state.depositWallet(of: owner.address))
    }

    /// Whether `owner` signs for `wallet`: the wallet derives from it or was registered to it.
    public func controls(_ owner: WalletAddress, wallet: WalletAddress) -> Bool {
        self.state.isOwner(owner.address, of: wallet.address, account: nil)
    }

    /// Accepts a verified submission: the same body again is the same transaction; a nonce out
    /// of turn or reused by another body, or a second deployment, is refused (400).
    public func submitRelayed(_ transaction: FakeRelayedTransaction) throws -> FakeRelayerRecord {
        let effects = (transaction.deploysWallet ? [ChainEffect.request(.deploy)] : [])
            + transaction.calls.map { self.effect(of: $0).effect }
        let request = transaction.calls.first.map { self.effect(of: $0).request } ?? .deploy
        let intake = RelayerIntake(
            transaction: transaction.body, wallet: transaction.wallet, nonce: transaction.nonce, request: request,
            effects: effects, createdAt: self.wallClock.now())
        // Only a transaction the relayer accepts as new uses up an injected failure.
        let failing = self.state.isNewRelayerTransaction(intake) && self.faults.consume(.relayerTransactionFails)
        let submission = try self.state.submitRelayer(
            intake, failing: failing, immediate: self.configuration.relayerPace == .immediate)
        return try self.relayerRecord(reference: submission.reference)
    }

    public func relayerRecord(reference: String) throws -> FakeRelayerRecord {
        let record = try self.state.relayerRecord(reference: reference)
        return FakeRelayerRecord(
            reference: record.reference, wallet: record.from, nonce: record.nonce, body: record.transaction,
            state: record.state, transactionHash: record.transactionHash, createdAt: record.createdAt)
    }

    /// Every wallet's fills as they happen (through the feed faults), for the RTDS firehose.
    public nonisolated func allLiveFills() -> AsyncThrowingStream<ObservedFill, any Error> {
        self.hub.subscribe(to: nil)
    }

    /// How many live streams are open; lets a test wait until a stream subscribed instead of sleeping.
    public nonisolated var liveStreamCount: Int {
        self.hub.subscriberCount
    }

    /// What `call` does on chain, and the port request it amounts to.
    private func effect(of call: FakeWalletCall) -> (effect: ChainEffect, request: RelayerRequest) {
        switch call {
        case .transfer(let token, let to, let amount):
            let units = amount.uint64Value.flatMap { Int64(exactly: $0) }
            let request = RelayerRequest.withdraw(amount: Collateral(baseUnits: units ?? .max), to: WalletAddress(to))
            // The venue holds pUSD only: any other token's balance is zero, so its transfer reverts.
            guard token == Contracts.pUSD, units != nil else { return (.revert, request) }
            return (.request(request), request)
        case .approval:
            return (.request(.approve), .approve)
        case .redeem(let target, let collateral, let conditionID):
            guard let market = try? self.state.market(conditionID: conditionID) else {
                return (.revert, .redeem(conditionID: conditionID, negRisk: false, shares: [:]))
            }
            let adapter = market.negRisk ? Contracts.negRiskCtfCollateralAdapter : Contracts.ctfCollateralAdapter
            // The venue has one collateral, so the legacy USDC.e redeem on CTF pays into it too.
            let pays = (target == adapter && collateral == Contracts.pUSD)
                || (!market.negRisk && target == Contracts.conditionalTokens && collateral == Contracts.usdcE)
            return Self.redeem(market, pays: pays)
        case .negRiskAdapterRedeem(let conditionID):
            guard let market = try? self.state.market(conditionID: conditionID) else {
                return (.revert, .redeem(conditionID: conditionID, negRisk: true, shares: [:]))
            }
            return Self.redeem(market, pays: market.negRisk)
        }
    }

    /// A redeem of `market` that pays, or that succeeds and pays nothing (positions nobody holds).
    private static func redeem(_ market: FakeMarket, pays: Bool) -> (effect: ChainEffect, request: RelayerRequest) {
        let request = RelayerRequest.redeem(conditionID: market.conditionID, negRisk: market.negRisk, shares: [:])
        return (pays ? .request(request) : .emptyRedeem(conditionID: market.conditionID), request)
    }
}
