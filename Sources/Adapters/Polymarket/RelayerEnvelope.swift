import Ethereum
import Kernel
import PolymarketProtocol

/// Everything a relayer transaction is built from, as the text `prepare` stores in
/// `PreparedRelayerTx.unsignedPayload`: `signedPayload` rebuilds the very same transaction from
/// it without asking the relayer again (the nonce and deadline are inside).
struct RelayerEnvelope: Sendable, Hashable {
    var kind: RelayerTransactionType
    var owner: Address
    var wallet: Address
    var nonce: UInt256 = .zero
    var calls: [RelayerCall] = []
    /// PROXY only.
    var relay: Address?
    var gasLimit: UInt256?
    /// WALLET only.
    var deadline: UInt256?
    var metadata: String = ""

    static let format = "polymarket-relayer-envelope/1"

    /// Compact JSON with a fixed key order.
    var serialized: String {
        var members: [(String, String)] = [
            ("format", Self.quoted(Self.format)), ("kind", Self.quoted(self.kind.rawValue)),
            ("owner", Self.quoted(self.owner.checksummed)), ("wallet", Self.quoted(self.wallet.checksummed)),
            ("nonce", Self.quoted(self.nonce.decimalString)),
        ]
        if let relay { members.append(("relay", Self.quoted(relay.checksummed))) }
        if let gasLimit { members.append(("gasLimit", Self.quoted(gasLimit.decimalString))) }
        if let deadline { members.append(("deadline", Self.quoted(deadline.decimalString))) }
        let calls = self.calls.map { call in
            "{\"to\":\(Self.quoted(call.to.checksummed)),\"value\":\(Self.quoted(call.value.decimalString)),"
                + "\"data\":\(Self.quoted(Hex.encode(call.data))),\"operation\":\(Self.quoted(String(call.operation.rawValue)))}"
        }
        members.append(("calls", "[" + calls.joined(separator: ",") + "]"))
        members.append(("metadata", Self.quoted(self.metadata)))
        return "{" + members.map { "\(Self.quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    static func parse(_ text: String) throws -> RelayerEnvelope {
        let malformed = VenueError.refused(status: 400, message: "not a prepared Polymarket relayer transaction")
        guard let json = JSONValue.parse(text), json["format"]?.text == Self.format,
              let kind = json["kind"]?.text.flatMap(RelayerTransactionType.init(rawValue:)),
              let owner = json["owner"]?.text.flatMap({ try? Address(hex: $0) }),
              let wallet = json["wallet"]?.text.flatMap({ try? Address(hex: $0) }),
              let nonce = json["nonce"]?.text.flatMap({ try? UInt256(decimal: $0) }),
              let callItems = json["calls"]?.array
        else { throw malformed }
        var calls: [RelayerCall] = []
        for item in callItems {
            guard let to = item["to"]?.text.flatMap({ try? Address(hex: $0) }),
                  let value = item["value"]?.text.flatMap({ try? UInt256(decimal: $0) }),
                  let data = item["data"]?.text.flatMap({ try? Hex.decode($0) }),
                  let operation = item["operation"]?.text.flatMap(UInt8.init).flatMap(RelayerCall.Operation.init(rawValue:))
            else { throw malformed }
            calls.append(RelayerCall(to: to, value: value, data: data, operation: operation))
        }
        return RelayerEnvelope(
            kind: kind, owner: owner, wallet: wallet, nonce: nonce, calls: calls,
            relay: json["relay"]?.text.flatMap { try? Address(hex: $0) },
            gasLimit: json["gasLimit"]?.text.flatMap { try? UInt256(decimal: $0) },
            deadline: json["deadline"]?.text.flatMap { try? UInt256(decimal: $0) },
            metadata: json["metadata"]?.text ?? "")
    }

    /// The protocol transaction this envelope describes.
    func transaction(chainID: UInt64) throws -> RelayerTransaction {
        do {
            switch self.kind {
            case .safe:
                return .safe(try SafeTransaction(owner: self.owner, calls: self.calls, nonce: self.nonce, safe: self.wallet,
                                                 chainID: chainID), metadata: self.metadata)
            case .safeCreate:
                return .safeCreate(SafeCreation(owner: self.owner, chainID: chainID))
            case .proxy:
                guard let relay = self.relay, let gasLimit = self.gasLimit else {
                    throw VenueError.refused(status: 400, message: "a PROXY transaction needs its relay and gas limit")
                }
                return .proxy(try ProxyTransaction(owner: self.owner, calls: self.calls, relay: relay, nonce: self.nonce,
                                                   gasLimit: gasLimit), metadata: self.metadata)
            case .wallet:
                guard let deadline = self.deadline else {
                    throw VenueError.refused(status: 400, message: "a WALLET batch needs its deadline")
                }
                return .wallet(try DepositWalletBatch(owner: self.owner, wallet: self.wallet, calls: self.calls,
                                                      nonce: self.nonce, deadline: deadline, chainID: chainID),
                               metadata: self.metadata)
            case .walletCreate:
                return .walletCreate(try DepositWalletCreation(owner: self.owner, metadata: self.metadata))
            }
        } catch let error as RelayerError {
            throw VenueError.refused(status: 400, message: "cannot build the relayer transaction: \(error)")
        }
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String { JSONScalar.quoted(text) }
}

/// A relayer transaction ready to sign: its digest, and its body once signed.
enum RelayerTransaction {
    case safe(SafeTransaction, metadata: String)
    case safeCreate(SafeCreation)
    case proxy(ProxyTransaction, metadata: String)
    case wallet(DepositWalletBatch, metadata: String)
    /// Nothing is signed on chain; the owner still signs the body's hash, so only the owner's
    /// vault can ask for a deployment.
    case walletCreate(DepositWalletCreation)

    /// The 32 bytes the owner's key signs (EIP-191-wrapped where the wallet expects it).
    var digest: [UInt8] {
        switch self {
        case .safe(let transaction, _): transaction.ethSignedMessageHash
        case .safeCreate(let creation): creation.digest
        case .proxy(let transaction, _): transaction.ethSignedMessageHash
        case .wallet(let batch, _): batch.digest
        case .walletCreate(let creation): Keccak256.hash(Array(creation.submission.body.utf8))
        }
    }

    /// The `POST /submit` body; throws unless `signature` recovers to the owner over ``digest``.
    func signedBody(signature: Signature) throws -> String {
        switch self {
        case .safe(let transaction, let metadata):
            return try SignedSafeTransaction(transaction: transaction, signature: signature, metadata: metadata).submission.body
        case .safeCreate(let creation):
            return try SignedSafeCreation(creation: creation, signature: signature).submission.body
        case .proxy(let transaction, let metadata):
            return try SignedProxyTransaction(transaction: transaction, signature: signature, metadata: metadata).submission.body
        case .wallet(let batch, let metadata):
            return try SignedDepositWalletBatch(batch: batch, signature: signature, metadata: metadata).submission.body
        case .walletCreate(let creation):
            guard try signature.recoverAddress(digest: self.digest) == creation.owner else {
                throw RelayerError.signerMismatch(expected: creation.owner, actual: try signature.recoverAddress(digest: self.digest))
            }
            return creation.submission.body
        }
    }
}
