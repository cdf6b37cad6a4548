import Ethereum
import Foundation
public import Kernel

/// The Relayer port over a ``FakeVenue``. A transaction is a canonical JSON text naming the
/// wallet, its owner, the wallet's relayer nonce and what to do; the owner signs keccak-256 of
/// that text. (Polymarket's own encodings — Safe, proxy and deposit-wallet batches — belong to the
/// real adapter; the fake keeps the same prepare → sign → submit → poll shape and the same
/// nonce rule, so a resubmission of the same bytes is one transaction.)
public struct FakeRelayer: Relayer {
    let venue: FakeVenue

    public func prepare(_ request: RelayerRequest, account: TradingAccount) async throws -> PreparedRelayerTx {
        try await self.venue.transport(.relayer)
        let nonce = await self.venue.relayerNonce(of: account.funderAddress, account: account)
        let text = RelayerTransactionPayload(
            request: request, from: account.funderAddress, signer: account.signerAddress, nonce: nonce,
            chainID: self.venue.configuration.chainID
        ).encoded()
        return PreparedRelayerTx(request: request, digest: RelayerTransactionPayload.digest(of: text), unsignedPayload: text)
    }

    public func signedPayload(for prepared: PreparedRelayerTx, signature: [UInt8], account: TradingAccount) throws -> String {
        guard (try? Signature(bytes: signature)) != nil else {
            throw VenueError.refused(status: 400, message: "a signature is 65 bytes r‖s‖v")
        }
        return SignedRelayerPayload(transaction: prepared.unsignedPayload, signature: Hex.encode(signature)).encoded()
    }

    /// Refuses (``VenueError/refused(status:message:)``) a signature not made by the wallet's
    /// owner, a nonce out of turn, and another transaction reusing a nonce; the same payload
    /// again returns the same submission.
    public func submit(payload: String, account: TradingAccount) async throws -> Kernel.RelayerSubmission {
        try await self.venue.transport(.relayer)
        let signed = try SignedRelayerPayload.decode(payload)
        let transaction = try RelayerTransactionPayload.decode(signed.transaction)
        let (from, signer, request) = try transaction.parts()
        guard from == account.funderAddress else {
            throw VenueError.refused(status: 401, message: "the transaction is not from this account's wallet")
        }
        guard let signature = try? Signature(bytes: Hex.decode(signed.signature)),
              let recovered = try? signature.recoverAddress(digest: RelayerTransactionPayload.digest(of: signed.transaction)),
              WalletAddress(recovered) == signer,
              await self.venue.isOwner(signer, of: from, account: account)
        else { throw VenueError.refused(status: 401, message: "invalid signature") }
        return try await self.venue.submitRelayer(
            transaction: signed.transaction, from: from, nonce: transaction.nonce, request: request)
    }

    public func state(reference: String) async throws -> Kernel.RelayerSubmission {
        try await self.venue.transport(.relayer)
        return try await self.venue.relayerSubmission(reference: reference)
    }
}

/// The signed-over text of a fake relayer transaction.
struct RelayerTransactionPayload: Codable, Hashable, Sendable {
    var kind: String
    var from: String
    var signer: String
    var nonce: Int
    var chainId: UInt64
    var amount: String?
    var to: String?
    var conditionId: String?
    var negRisk: Bool?
    /// Token id (decimal) → shares in base units.
    var shares: [String: String]?

    init(request: RelayerRequest, from: WalletAddress, signer: WalletAddress, nonce: Int, chainID: UInt64) {
        self.from = from.lowercased
        self.signer = signer.lowercased
        self.nonce = nonce
        self.chainId = chainID
        switch request {
        case .withdraw(let amount, let destination):
            self.kind = RelayerTx.Kind.withdraw.rawValue
            self.amount = String(amount.baseUnits)
            self.to = destination.lowercased
        case .redeem(let conditionID, let negRisk, let shares):
            self.kind = RelayerTx.Kind.redeem.rawValue
            self.conditionId = conditionID.lowercased()
            self.negRisk = negRisk
            self.shares = Dictionary(uniqueKeysWithValues: shares.map { ($0.key.decimal, String($0.value.baseUnits)) })
        case .deploy:
            self.kind = RelayerTx.Kind.deploy.rawValue
        case .approve:
            self.kind = RelayerTx.Kind.approve.rawValue
        }
    }

    static func digest(of text: String) -> [UInt8] {
        Keccak256.hash(utf8: "fake-relayer-transaction\n" + text)
    }

    func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { preconditionFailure("relayer transaction did not encode") }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) throws(VenueError) -> RelayerTransactionPayload {
        guard let payload = try? JSONDecoder().decode(RelayerTransactionPayload.self, from: Data(text.utf8)) else {
            throw .refused(status: 400, message: "not a relayer transaction of the fake venue")
        }
        return payload
    }

    /// The wallet, its signer and the request, read back and checked.
    func parts() throws(VenueError) -> (from: WalletAddress, signer: WalletAddress, request: RelayerRequest) {
        let malformed = VenueError.refused(status: 400, message: "not a relayer transaction of the fake venue")
        guard let from = try? WalletAddress(self.from), let signer = try? WalletAddress(self.signer),
              let kind = RelayerTx.Kind(rawValue: self.kind)
        else { throw malformed }
        switch kind {
        case .withdraw:
            guard let amount = self.amount.flatMap({ Int64($0) }), let to = self.to.flatMap({ try? WalletAddress($0) })
            else { throw malformed }
            return (from, signer, .withdraw(amount: Collateral(baseUnits: amount), to: to))
        case .redeem:
            guard let conditionID = self.conditionId, let negRisk = self.negRisk else { throw malformed }
            var shares: [TokenID: Shares] = [:]
            for (token, units) in self.shares ?? [:] {
                guard let tokenID = try? TokenID(token), let baseUnits = Int64(units) else { throw malformed }
                shares[tokenID] = Shares(baseUnits: baseUnits)
            }
            return (from, signer, .redeem(conditionID: conditionID, negRisk: negRisk, shares: shares))
        case .deploy:
            return (from, signer, .deploy)
        case .approve:
            return (from, signer, .approve)
        }
    }
}

/// What `submit` receives: the exact signed-over text and the owner's signature.
struct SignedRelayerPayload: Codable, Hashable, Sendable {
    var transaction: String
    var signature: String

    func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { preconditionFailure("relayer payload did not encode") }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) throws(VenueError) -> SignedRelayerPayload {
        guard let payload = try? JSONDecoder().decode(SignedRelayerPayload.self, from: Data(text.utf8)) else {
            throw .refused(status: 400, message: "not a signed relayer transaction of the fake venue")
        }
        return payload
    }
}
