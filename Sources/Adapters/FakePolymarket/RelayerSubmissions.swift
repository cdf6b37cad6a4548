import Ethereum
import FakeExchangeAdapter
import Hummingbird
import Kernel
import PolymarketProtocol

/// A `POST /submit` body of any type (spec §11.3–11.6), read leniently: numbers may come as
/// strings or JSON numbers, absent fields are nil until a type needs them.
struct RelayerSubmitBody: Decodable {
    var type: String
    var from: String
    var to: String?
    var proxyWallet: String?
    var data: String?
    var nonce: LenientText?
    var signature: String?
    var metadata: String?
    var value: LenientText?
    var signatureParams: [String: LenientText]?
    var depositWalletParams: DepositWalletParams?

    struct DepositWalletParams: Decodable {
        var depositWallet: String
        var deadline: LenientText
        var calls: [Call]
    }

    struct Call: Decodable {
        var target: String
        var value: LenientText?
        var data: String
    }
}

/// A JSON string or number, kept as its text.
struct LenientText: Decodable {
    let text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.text = text
        } else if let number = try? container.decode(UInt64.self) {
            self.text = String(number)
        } else {
            self.text = try container.decode(Bool.self) ? "true" : "false"
        }
    }
}

/// Verifies a submission as the relayer and the wallet contract would: the wallet derives from
/// (or belongs to) the signer, the signature recovers to the signer over the transaction's own
/// digest — recomputed from the body, never trusted — and the calldata decodes. The nonce is the
/// ledger's to judge.
struct RelayerSubmissionVerifier {
    let venue: FakeVenue
    let settings: FakeRelayerSettings
    let chainID: UInt64
    let now: Timestamp

    private var derivation: WalletDerivation { .polygon }

    func verify(_ text: String) async throws(WireError) -> FakeRelayedTransaction {
        let body = try WireRequest.decodeRelayer(RelayerSubmitBody.self, from: text)
        let owner = try Self.address(body.from, "from")
        switch RelayerTransactionType(rawValue: body.type) {
        case .safe: return try self.safe(body, text: text, owner: owner)
        case .proxy: return try self.proxy(body, text: text, owner: owner)
        case .wallet: return try await self.wallet(body, text: text, owner: owner)
        case .safeCreate: return try self.safeCreate(body, text: text, owner: owner)
        case .walletCreate:
            try Self.require(try Self.address(body.to, "to") == self.derivation.depositWalletFactory,
                             "to is not the deposit wallet factory")
            let wallet = await self.venue.depositWallet(of: WalletAddress(address: owner))
            return FakeRelayedTransaction(body: text, wallet: wallet, nonce: nil, deploysWallet: true, calls: [])
        case nil:
            throw WireError(.badRequest, "unknown transaction type \(body.type)")
        }
    }

    /// SAFE: the EIP-712 SafeTx over exactly the sent `to`, `value`, `data` and `operation`,
    /// signed `eth_sign`-style (v + 4) or, as the Safe also accepts, directly (v 27/28).
    private func safe(_ body: RelayerSubmitBody, text: String, owner: Address) throws(WireError) -> FakeRelayedTransaction {
        let safe = try Self.address(body.proxyWallet, "proxyWallet")
        try Self.require(safe == self.derivation.safe(owner: owner), "proxyWallet is not the Safe of from")
        let parameters = body.signatureParams ?? [:]
        for name in ["gasPrice", "safeTxnGas", "baseGas"] {
            try Self.require((try Self.uint(parameters[name]?.text ?? "0", name)).isZero, "\(name) must be 0: the relayer pays gas")
        }
        for name in ["gasToken", "refundReceiver"] {
            try Self.require(try Self.address(parameters[name]?.text ?? Address.zero.lowercased, name) == .zero,
                             "\(name) must be the zero address")
        }
        guard let operation = parameters["operation"].flatMap({ UInt8($0.text) }).flatMap(RelayerCall.Operation.init)
        else { throw WireError(.badRequest, "signatureParams.operation must be 0 or 1") }
        let to = try Self.address(body.to, "to")
        let data = try Self.bytes(body.data, "data")
        let nonce = try Self.uint(body.nonce?.text, "nonce")
        let transaction: SafeTransaction
        do {
            let call = RelayerCall(to: to, value: try Self.uint(body.value?.text ?? "0", "value"), data: data,
                                   operation: operation)
            transaction = try SafeTransaction(owner: owner, calls: [call], nonce: nonce, safe: safe, chainID: self.chainID)
        } catch { throw WireError(.badRequest, "invalid SAFE transaction") }
        let signature = try Self.signature(body.signature)
        // v 31/32 marks a signature over the EIP-191 wrapping of safeTxHash (spec §11.3).
        let v = signature[64]
        let (plain, digest) = v > 30
            ? (Array(signature.prefix(64)) + [v - 4], transaction.ethSignedMessageHash)
            : (signature, transaction.safeTxHash)
        try Self.requireSigner(owner, of: plain, over: digest)
        let calls = operation == .call
            ? [try RelayerCalldata.call(to: to, data: data)]
            : try self.delegated(to: to, data: data)
        return FakeRelayedTransaction(body: text, wallet: WalletAddress(address: safe), nonce: try Self.nonce(nonce),
                                      deploysWallet: false, calls: calls)
    }

    private func delegated(to: Address, data: [UInt8]) throws(WireError) -> [FakeWalletCall] {
        try Self.require(to == Contracts.safeMultiSend, "a DELEGATECALL must go to MultiSend")
        return try RelayerCalldata.multiSendCalls(data)
    }

    /// PROXY: the relay hash over the sent fields, with the relay this relayer handed out.
    private func proxy(_ body: RelayerSubmitBody, text: String, owner: Address) throws(WireError) -> FakeRelayedTransaction {
        let wallet = try Self.address(body.proxyWallet, "proxyWallet")
        try Self.require(wallet == self.derivation.proxyWallet(owner: owner), "proxyWallet is not the proxy wallet of from")
        try Self.require(try Self.address(body.to, "to") == self.derivation.proxyFactory, "to is not the proxy factory")
        let parameters = body.signatureParams ?? [:]
        let relay = try Self.address(parameters["relay"]?.text, "relay")
        try Self.require(relay == self.settings.relayAddress, "relay is not this relayer's (see GET /relay-payload)")
        let relayHub = try Self.address(parameters["relayHub"]?.text, "relayHub")
        try Self.require(relayHub == Contracts.relayHub, "relayHub is not the relay hub")
        let data = try Self.bytes(body.data, "data")
        let nonce = try Self.uint(body.nonce?.text, "nonce")
        let calls = try RelayerCalldata.proxyCalls(data)
        let transaction: ProxyTransaction
        do {
            transaction = try ProxyTransaction(
                owner: owner, calls: calls, relay: relay, nonce: nonce,
                gasLimit: try Self.uint(parameters["gasLimit"]?.text, "gasLimit"),
                gasPrice: try Self.uint(parameters["gasPrice"]?.text ?? "0", "gasPrice"),
                relayerFee: try Self.uint(parameters["relayerFee"]?.text ?? "0", "relayerFee"), relayHub: relayHub,
                derivation: self.derivation)
        } catch let error as WireError { throw error } catch { throw WireError(.badRequest, "invalid PROXY transaction") }
        try Self.require(transaction.data == data, "data is not a canonical proxy(calls) encoding")
        try Self.requireSigner(owner, of: try Self.signature(body.signature), over: transaction.ethSignedMessageHash)
        return FakeRelayedTransaction(
            body: text, wallet: WalletAddress(address: wallet), nonce: try Self.nonce(nonce), deploysWallet: true,
            calls: try calls.map { (call: RelayerCall) throws(WireError) in try RelayerCalldata.call(to: call.to, data: call.data) })
    }

    /// WALLET: the deposit wallet's EIP-712 `Batch`, before its deadline.
    private func wallet(_ body: RelayerSubmitBody, text: String,
                        owner: Address) async throws(WireError) -> FakeRelayedTransaction {
        guard let parameters = body.depositWalletParams else {
            throw WireError(.badRequest, "a WALLET transaction needs depositWalletParams")
        }
        let factory = try Self.address(body.to, "to")
        try Self.require(factory == self.derivation.depositWalletFactory, "to is not the deposit wallet factory")
        let wallet = try Self.address(parameters.depositWallet, "depositWallet")
        try Self.require(await self.venue.controls(WalletAddress(address: owner), wallet: WalletAddress(address: wallet)),
                         "depositWallet is not a wallet of from")
        let deadline = try Self.uint(parameters.deadline.text, "deadline")
        try Self.require(deadline >= UInt256(UInt64(max(0, self.now.epochMilliseconds / 1_000))), "the batch deadline has passed")
        var calls: [RelayerCall] = []
        for call in parameters.calls {
            calls.append(RelayerCall(to: try Self.address(call.target, "target"),
                                     value: try Self.uint(call.value?.text ?? "0", "value"), data: try Self.bytes(call.data, "data")))
        }
        let nonce = try Self.uint(body.nonce?.text, "nonce")
        let batch: DepositWalletBatch
        do {
            batch = try DepositWalletBatch(owner: owner, wallet: wallet, calls: calls, nonce: nonce, deadline: deadline,
                                           chainID: self.chainID, factory: factory)
        } catch { throw WireError(.badRequest, "invalid WALLET batch") }
        try Self.requireSigner(owner, of: try Self.signature(body.signature), over: batch.digest)
        return FakeRelayedTransaction(
            body: text, wallet: WalletAddress(address: wallet), nonce: try Self.nonce(nonce), deploysWallet: false,
            calls: try calls.map { (call: RelayerCall) throws(WireError) in try RelayerCalldata.call(to: call.to, data: call.data) })
    }

    /// SAFE-CREATE: the factory's `CreateProxy` struct with no payment, signed directly.
    private func safeCreate(_ body: RelayerSubmitBody, text: String, owner: Address) throws(WireError) -> FakeRelayedTransaction {
        let creation = SafeCreation(owner: owner, derivation: self.derivation, chainID: self.chainID)
        try Self.require(try Self.address(body.to, "to") == creation.safeFactory, "to is not the Safe factory")
        try Self.require(try Self.address(body.proxyWallet, "proxyWallet") == creation.safe, "proxyWallet is not the Safe of from")
        let parameters = body.signatureParams ?? [:]
        try Self.require((try Self.uint(parameters["payment"]?.text ?? "0", "payment")).isZero, "payment must be 0")
        try Self.requireSigner(owner, of: try Self.signature(body.signature), over: creation.digest)
        return FakeRelayedTransaction(body: text, wallet: WalletAddress(address: creation.safe), nonce: nil, deploysWallet: true,
                                      calls: [])
    }

    // MARK: Fields

    static func require(_ condition: Bool, _ message: String) throws(WireError) {
        guard condition else { throw WireError(.badRequest, message) }
    }

    static func address(_ text: String?, _ field: String) throws(WireError) -> Address {
        guard let text, let address = try? Address(hex: text) else { throw WireError(.badRequest, "invalid \(field)") }
        return address
    }

    static func uint(_ text: String?, _ field: String) throws(WireError) -> UInt256 {
        guard let text, let value = try? UInt256(decimal: text) else { throw WireError(.badRequest, "invalid \(field)") }
        return value
    }

    static func bytes(_ text: String?, _ field: String) throws(WireError) -> [UInt8] {
        guard let text, let bytes = try? Hex.decode(text) else { throw WireError(.badRequest, "invalid \(field)") }
        return bytes
    }

    /// 65 bytes `r ‖ s ‖ v`, any `v` (the Safe's flavours are told apart by it).
    static func signature(_ text: String?) throws(WireError) -> [UInt8] {
        let bytes = try Self.bytes(text, "signature")
        guard bytes.count == 65 else { throw WireError(.badRequest, "invalid signature") }
        return bytes
    }

    /// The relayer's answer to a signature that does not recover to the wallet's owner.
    static func requireSigner(_ owner: Address, of bytes: [UInt8], over digest: [UInt8]) throws(WireError) {
        guard let signature = try? Signature(bytes: bytes), signature.hasLowS,
              (try? signature.recoverAddress(digest: digest)) == owner
        else { throw WireError(.badRequest, "invalid signature") }
    }

    /// A nonce too large for the ledger can never be the wallet's next one.
    static func nonce(_ value: UInt256) throws(WireError) -> Int {
        guard let small = value.uint64Value, let nonce = Int(exactly: small) else {
            throw WireError(.badRequest, "batch nonce \(value) does not match on-chain nonce")
        }
        return nonce
    }
}

extension WireRequest {
    /// ``decode(_:from:)`` with the relayer's own wording for a body it cannot read.
    static func decodeRelayer<T: Decodable>(_ type: T.Type, from text: String) throws(WireError) -> T {
        do { return try Self.decode(type, from: text) } catch { throw WireError(.badRequest, "invalid request body") }
    }
}
