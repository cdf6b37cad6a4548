import Kernel

/// One relayer transaction: accepted with the wallet's nonce, then mined and confirmed (or failed)
/// as the venue steps.
struct RelayerRecord: Hashable, Sendable {
    var reference: String
    var from: WalletAddress
    var nonce: Int
    /// The signed-over text, so a resubmission of the same bytes is recognised.
    var transaction: String
    var request: RelayerRequest
    var state: String
    var transactionHash: String?
    /// Injected: the transaction fails on chain, whatever it does.
    var failing: Bool

    var submission: Kernel.RelayerSubmission {
        Kernel.RelayerSubmission(reference: self.reference, state: self.state, transactionHash: self.transactionHash)
    }

    var isFinal: Bool { ["STATE_CONFIRMED", "STATE_FAILED", "STATE_INVALID"].contains(self.state) }
}

struct RelayerLedger: Hashable, Sendable {
    var transactions: [String: RelayerRecord] = [:]
    /// References in submission order, the order steps advance them in.
    var sequence: [String] = []
    /// The next nonce of each wallet: one per accepted transaction.
    var nextNonce: [WalletAddress: Int] = [:]
    var referenceByNonce: [WalletAddress: [Int: String]] = [:]
    var deployed: Set<WalletAddress> = []
    var approved: Set<WalletAddress> = []
}

extension VenueState {
    func relayerNonce(of wallet: WalletAddress) -> Int {
        self.relayer.nextNonce[wallet] ?? 0
    }

    /// Accepts a signed transaction. The same bytes again return the same submission; another
    /// transaction with a used nonce, or a nonce out of turn, is refused as Polymarket's relayer does.
    mutating func submitRelayer(transaction: String, from wallet: WalletAddress, nonce: Int, request: RelayerRequest,
                                failing: Bool, immediate: Bool) throws(VenueError) -> Kernel.RelayerSubmission {
        if let reference = self.relayer.referenceByNonce[wallet]?[nonce], let existing = self.relayer.transactions[reference] {
            guard existing.transaction == transaction else {
                throw .refused(status: 400, message: "nonce \(nonce) of \(wallet) is already used by another transaction")
            }
            return existing.submission
        }
        let expected = self.relayerNonce(of: wallet)
        guard nonce == expected else {
            throw .refused(status: 400, message: "batch nonce \(nonce) does not match on-chain nonce \(expected)")
        }
        let reference = Self.uuidShaped(fakeHash("fake-relayer|\(self.seed)|\(self.nextSerial())"))
        let record = RelayerRecord(reference: reference, from: wallet, nonce: nonce, transaction: transaction,
                                   request: request, state: "STATE_NEW", transactionHash: nil, failing: failing)
        self.relayer.transactions[reference] = record
        self.relayer.sequence.append(reference)
        self.relayer.nextNonce[wallet] = expected + 1
        self.relayer.referenceByNonce[wallet, default: [:]][nonce] = reference
        if immediate {
            self.advanceRelayer(reference)
            self.advanceRelayer(reference)
        }
        return self.relayer.transactions[reference]?.submission ?? record.submission
    }

    func relayerSubmission(reference: String) throws(VenueError) -> Kernel.RelayerSubmission {
        guard let record = self.relayer.transactions[reference.lowercased()] else {
            throw .refused(status: 404, message: "no relayer transaction \(reference)")
        }
        return record.submission
    }

    /// Moves every unfinished transaction one state on.
    mutating func advanceRelayer() {
        for reference in self.relayer.sequence { self.advanceRelayer(reference) }
    }

    /// `STATE_NEW` → `STATE_MINED` (the effect happens, or the transaction fails) → `STATE_CONFIRMED`.
    private mutating func advanceRelayer(_ reference: String) {
        guard var record = self.relayer.transactions[reference], !record.isFinal else { return }
        switch record.state {
        case "STATE_NEW":
            if !record.failing, self.applyRelayerEffect(record.request, wallet: record.from) {
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

    /// What the transaction does on chain; false when it would revert (nothing changes then).
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

    /// A hash shown as the relayer's UUID-shaped transaction id.
    private static func uuidShaped(_ hash: String) -> String {
        let digits = Array(hash.dropFirst(2).prefix(32))
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(digits[$0]) }
        return groups.joined(separator: "-")
    }
}
