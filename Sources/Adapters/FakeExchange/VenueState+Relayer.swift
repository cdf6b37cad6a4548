import Ethereum
import Kernel
import PolymarketProtocol

/// One thing a relayer transaction does on chain; a transaction's effects happen all or none.
enum ChainEffect: Hashable, Sendable {
    /// What the port's request does: moves collateral, redeems, deploys, approves.
    case request(RelayerRequest)
    /// A redeem sent to a contract that holds none of the wallet's positions (for instance
    /// ConditionalTokens with pUSD as collateral, spec §11.8): it succeeds once the market is
    /// resolved and pays nothing; before that it reverts, as CTF does.
    case emptyRedeem(conditionID: String)
    /// A call that reverts, such as a transfer of a token the wallet does not hold.
    case revert
}

/// One relayer transaction: accepted with the wallet's nonce, then mined and confirmed (or failed)
/// as the venue steps.
struct RelayerRecord: Hashable, Sendable {
    var reference: String
    var from: WalletAddress
    var nonce: Int
    /// The signed-over text (or the exact wire body), so a resubmission of the same bytes is
    /// recognised.
    var transaction: String
    /// What the transaction is for, as the port would name it.
    var request: RelayerRequest
    var effects: [ChainEffect]
    var state: String
    var transactionHash: String?
    /// Injected: the transaction fails on chain, whatever it does.
    var failing: Bool
    var createdAt: Timestamp?

    var submission: Kernel.RelayerSubmission {
        Kernel.RelayerSubmission(reference: self.reference, state: self.state, transactionHash: self.transactionHash)
    }

    var isFinal: Bool { ["STATE_CONFIRMED", "STATE_FAILED", "STATE_INVALID"].contains(self.state) }
}

/// A transaction the relayer is asked to accept.
struct RelayerIntake: Sendable {
    var transaction: String
    var wallet: WalletAddress
    /// The wallet's nonce the transaction was signed with; nil for a deployment, which takes none.
    var nonce: Int?
    var request: RelayerRequest
    var effects: [ChainEffect]
    var createdAt: Timestamp?
}

struct RelayerLedger: Hashable, Sendable {
    var transactions: [String: RelayerRecord] = [:]
    /// References in submission order, the order steps advance them in.
    var sequence: [String] = []
    /// The next nonce of each wallet: one per accepted transaction.
    var nextNonce: [WalletAddress: Int] = [:]
    var referenceByNonce: [WalletAddress: [Int: String]] = [:]
    /// The deployment transaction of each wallet that asked for one.
    var deploymentReference: [WalletAddress: String] = [:]
    var deployed: Set<WalletAddress> = []
    var approved: Set<WalletAddress> = []
}

extension VenueState {
    func relayerNonce(of wallet: WalletAddress) -> Int {
        self.relayer.nextNonce[wallet] ?? 0
    }

    /// Whether `intake` would be accepted as a new transaction (not a resubmission, not refused).
    func isNewRelayerTransaction(_ intake: RelayerIntake) -> Bool {
        guard let nonce = intake.nonce else { return self.relayer.deploymentReference[intake.wallet] == nil }
        return self.relayer.referenceByNonce[intake.wallet]?[nonce] == nil && nonce == self.relayerNonce(of: intake.wallet)
    }

    /// Accepts a signed transaction. The same bytes again return the same submission; another
    /// transaction with a used nonce, or a nonce out of turn, is refused as Polymarket's relayer does.
    mutating func submitRelayer(transaction: String, from wallet: WalletAddress, nonce: Int, request: RelayerRequest,
                                failing: Bool, immediate: Bool) throws(VenueError) -> Kernel.RelayerSubmission {
        try self.submitRelayer(
            RelayerIntake(transaction: transaction, wallet: wallet, nonce: nonce, request: request,
                          effects: [.request(request)]),
            failing: failing, immediate: immediate)
    }

    mutating func submitRelayer(_ intake: RelayerIntake, failing: Bool,
                                immediate: Bool) throws(VenueError) -> Kernel.RelayerSubmission {
        let wallet = intake.wallet
        let existingReference = intake.nonce.map { self.relayer.referenceByNonce[wallet]?[$0] }
            ?? self.relayer.deploymentReference[wallet]
        if let existingReference, let existing = self.relayer.transactions[existingReference] {
            guard existing.transaction == intake.transaction else {
                if intake.nonce == nil { throw .refused(status: 400, message: "wallet \(wallet) is already deployed") }
                throw .refused(status: 400, message: "nonce \(existing.nonce) of \(wallet) is already used by another transaction")
            }
            return existing.submission
        }
        let expected = self.relayerNonce(of: wallet)
        if let nonce = intake.nonce, nonce != expected {
            throw .refused(status: 400, message: "batch nonce \(nonce) does not match on-chain nonce \(expected)")
        }
        let reference = Self.uuidShaped(fakeHash("fake-relayer|\(self.seed)|\(self.nextSerial())"))
        let record = RelayerRecord(
            reference: reference, from: wallet, nonce: intake.nonce ?? expected, transaction: intake.transaction,
            request: intake.request, effects: intake.effects, state: "STATE_NEW", transactionHash: nil,
            failing: failing, createdAt: intake.createdAt)
        self.relayer.transactions[reference] = record
        self.relayer.sequence.append(reference)
        if let nonce = intake.nonce {
            self.relayer.nextNonce[wallet] = nonce + 1
            self.relayer.referenceByNonce[wallet, default: [:]][nonce] = reference
        } else {
            self.relayer.deploymentReference[wallet] = reference
        }
        if immediate {
            self.advanceRelayer(reference)
            self.advanceRelayer(reference)
        }
        return self.relayer.transactions[reference]?.submission ?? record.submission
    }

    func relayerRecord(reference: String) throws(VenueError) -> RelayerRecord {
        guard let record = self.relayer.transactions[reference.lowercased()] else {
            throw .refused(status: 404, message: "no relayer transaction \(reference)")
        }
        return record
    }

    func relayerSubmission(reference: String) throws(VenueError) -> Kernel.RelayerSubmission {
        try self.relayerRecord(reference: reference).submission
    }

    /// Moves every unfinished transaction one state on.
    mutating func advanceRelayer() {
        for reference in self.relayer.sequence { self.advanceRelayer(reference) }
    }

    /// `STATE_NEW` → `STATE_MINED` (the effects happen, or the transaction fails) → `STATE_CONFIRMED`.
    private mutating func advanceRelayer(_ reference: String) {
        guard var record = self.relayer.transactions[reference], !record.isFinal else { return }
        switch record.state {
        case "STATE_NEW":
            if !record.failing, self.applyRelayerEffects(record.effects, wallet: record.from) {
                record.state = "STATE_MINED"
                record.transactionHash = fakeHash("fake-chain-tx|\(reference)")
            } else {
                record.state = "STATE_FAILED"
            }
        default:
            record.state = "STATE_CONFIRMED"
        }
        self.relayer.transactions[reference] = record
    }

    /// Runs `effects` in order on a copy and keeps the result only if none reverted, as one
    /// transaction does on chain.
    private mutating func applyRelayerEffects(_ effects: [ChainEffect], wallet: WalletAddress) -> Bool {
        var trial = self
        for effect in effects {
            guard trial.applyRelayerEffect(effect, wallet: wallet) else { return false }
        }
        self = trial
        return true
    }

    /// What one effect does on chain; false when it reverts.
    private mutating func applyRelayerEffect(_ effect: ChainEffect, wallet: WalletAddress) -> Bool {
        switch effect {
        case .request(let request):
            return self.applyRelayerEffect(request, wallet: wallet)
        case .emptyRedeem(let conditionID):
            return (try? self.market(conditionID: conditionID))?.resolved == true
        case .revert:
            return false
        }
    }

    private mutating func applyRelayerEffect(_ request: RelayerRequest, wallet: WalletAddress) -> Bool {
        switch request {
        case .withdraw(let amount, let destination):
            guard amount.baseUnits > 0, amount <= self.availableCollateral(of: wallet) else { return false }
            self.credit(wallet, -amount)
            self.credit(destination, amount)
            return true
        case .redeem(let conditionID, _, _):
            guard let market = try? self.market(conditionID: conditionID), let winner = market.winningToken else {
                return false
            }
            var payout = Collateral.zero
            for tokenID in market.tokenIDs {
                let held = self.shares(of: wallet, tokenID: tokenID)
                if tokenID == winner { payout += held.value(at: .one) }
                self.holdings[wallet]?[tokenID] = nil
            }
            self.credit(wallet, payout)
            return true
        case .deploy:
            self.relayer.deployed.insert(wallet)
            return true
        case .approve:
            self.relayer.approved.insert(wallet)
            return true
        }
    }

    /// The deposit wallet `owner` uses: the older UUPS clone if the venue already knows it as
    /// the owner's, else the beacon clone every new wallet is (spec §4.1).
    func depositWallet(of owner: Address) -> Address {
        let derivation = WalletDerivation.polygon
        let legacy = derivation.depositWallet(owner: owner, shape: .uups)
        let legacyWallet = WalletAddress(legacy)
        let knowsLegacy = self.owners[legacyWallet] == WalletAddress(owner) || self.relayer.deployed.contains(legacyWallet)
            || self.collateral[legacyWallet] != nil
        return knowsLegacy ? legacy : derivation.depositWallet(owner: owner, shape: .beacon)
    }

    /// A hash shown as the relayer's UUID-shaped transaction id.
    private static func uuidShaped(_ hash: String) -> String {
        let digits = Array(hash.dropFirst(2).prefix(32))
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(digits[$0]) }
        return groups.joined(separator: "-")
    }
}
