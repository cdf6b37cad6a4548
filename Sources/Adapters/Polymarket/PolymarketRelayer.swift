import Ethereum
public import Kernel
public import Logging
import PolymarketProtocol

/// The Relayer port on Polymarket's gasless relayer (spec §11): Safe (type 2), proxy (type 1)
/// and deposit-wallet (type 3) transactions. `prepare` fetches the nonce and returns the digest
/// the wallet owner signs; the caller signs it with the sealed key through the KeyVault port and
/// hands the signature to `signedPayload`, which checks it recovers to the owner and writes the
/// exact `POST /submit` body. An EOA funder pays its own gas and cannot use the relayer.
public struct PolymarketRelayer: Relayer {
    let http: VenueHTTP
    let authentication: RelayerAuthentication
    let proxyGasLimit: UInt64
    let metadata: @Sendable (RelayerRequest) -> String

    /// - Parameters:
    ///   - authentication: a builder key or a relayer API key (spec §11.1).
    ///   - proxyGasLimit: the gas limit signed into PROXY transactions (the unified SDK's 200 000
    ///     by default; it must fit the relay hub's ~650k budget).
    ///   - metadata: the free label (≤ 500 characters) each transaction carries.
    public init(configuration: PolymarketConfiguration, transport: any HTTPTransport,
                authentication: RelayerAuthentication, clock: any AdapterClock,
                logger: Logger = Logger(label: "mirror.polymarket.relayer"),
                proxyGasLimit: UInt64 = 200_000,
                metadata: @escaping @Sendable (RelayerRequest) -> String = PolymarketRelayer.label) {
        self.http = VenueHTTP(
            configuration: configuration, transport: transport,
            limiter: RateLimiter(limits: configuration.rateLimits, clock: clock), clock: clock,
            credentials: NoCredentials(), logger: logger)
        self.authentication = authentication
        self.proxyGasLimit = proxyGasLimit
        self.metadata = metadata
    }

    /// `withdraw`, `redeem`, `approve` or `deploy`.
    public static func label(_ request: RelayerRequest) -> String {
        switch request {
        case .withdraw: "withdraw"
        case .redeem: "redeem"
        case .approve: "approve"
        case .deploy: "deploy"
        }
    }

    public func prepare(_ request: RelayerRequest, account: TradingAccount) async throws -> PreparedRelayerTx {
        let owner = account.signerAddress.ethereum
        let wallet = account.funderAddress.ethereum
        let metadata = self.metadata(request)
        let envelope: RelayerEnvelope
        switch (account.type, request) {
        case (.eoa, _):
            throw VenueError.refused(
                status: 400, message: "an EOA wallet pays its own gas; the relayer serves proxy, Safe and deposit wallets")
        case (.safe, .deploy):
            let creation = SafeCreation(owner: owner, chainID: self.chainID)
            try Self.requireDerived(wallet, creation.safe, kind: "Safe")
            if try await self.isDeployed(wallet, type: nil) {
                throw VenueError.refused(status: 409, message: "the Safe \(wallet.checksummed) is already deployed")
            }
            envelope = RelayerEnvelope(kind: .safeCreate, owner: owner, wallet: wallet)
        case (.proxy, .deploy):
            throw VenueError.refused(
                status: 400, message: "a proxy wallet is deployed by its first relayed transaction (spec §4.1); send it one")
        case (.depositWallet, .deploy):
            if try await self.isDeployed(wallet, type: .wallet) {
                throw VenueError.refused(status: 409, message: "the deposit wallet \(wallet.checksummed) is already deployed")
            }
            envelope = RelayerEnvelope(kind: .walletCreate, owner: owner, wallet: wallet, metadata: metadata)
        case (_, _):
            envelope = try await self.envelope(calls: try Self.calls(for: request), account: account, metadata: metadata)
        }
        let transaction = try envelope.transaction(chainID: self.chainID)
        return PreparedRelayerTx(request: request, digest: transaction.digest, unsignedPayload: envelope.serialized)
    }

    /// The envelope of a transaction making `calls` from `account`'s wallet, with its nonce.
    func envelope(calls: [RelayerCall], account: TradingAccount, metadata: String) async throws -> RelayerEnvelope {
        let owner = account.signerAddress.ethereum
        let wallet = account.funderAddress.ethereum
        switch account.type {
        case .eoa:
            throw VenueError.refused(status: 400, message: "an EOA wallet pays its own gas")
        case .safe:
            try Self.requireDerived(wallet, WalletDerivation.polygon.safe(owner: owner), kind: "Safe")
            let nonce = try await self.nonce(owner: owner, type: .safe)
            return RelayerEnvelope(kind: .safe, owner: owner, wallet: wallet, nonce: nonce, calls: calls, metadata: metadata)
        case .proxy:
            try Self.requireDerived(wallet, WalletDerivation.polygon.proxyWallet(owner: owner), kind: "proxy wallet")
            let (relay, nonce) = try await self.relayPayload(owner: owner)
            return RelayerEnvelope(kind: .proxy, owner: owner, wallet: wallet, nonce: nonce, calls: calls,
                                   relay: relay, gasLimit: UInt256(self.proxyGasLimit), metadata: metadata)
        case .depositWallet:
            let nonce = try await self.nonce(owner: owner, type: .wallet)
            let now = UInt64(max(0, self.http.clock.now().epochMilliseconds / 1_000))
            return RelayerEnvelope(kind: .wallet, owner: owner, wallet: wallet, nonce: nonce, calls: calls,
                                   deadline: DepositWalletBatch.deadline(from: now), metadata: metadata)
        }
    }

    public func signedPayload(for prepared: PreparedRelayerTx, signature: [UInt8], account: TradingAccount) throws -> String {
        let envelope = try RelayerEnvelope.parse(prepared.unsignedPayload)
        guard envelope.owner == account.signerAddress.ethereum, envelope.wallet == account.funderAddress.ethereum else {
            throw VenueError.refused(status: 400, message: "the prepared transaction belongs to another wallet")
        }
        let transaction = try envelope.transaction(chainID: self.chainID)
        guard transaction.digest == prepared.digest else {
            throw VenueError.refused(status: 400, message: "the prepared transaction does not match its digest")
        }
        do {
            return try transaction.signedBody(signature: try Signature(bytes: signature))
        } catch {
            // Names the check that failed, never the signature.
            throw VenueError.refused(status: 400, message: "the signature is not the wallet owner's over this transaction")
        }
    }

    public func submit(payload: String, account: TradingAccount) async throws -> Kernel.RelayerSubmission {
        let endpoint = Endpoint(service: .relayer, method: "POST", path: "/submit", body: payload, family: .relayer,
                                auth: .relayer(self.authentication))
        let reply = try await self.http.perform(endpoint)
        if !reply.isSuccess || ErrorMapping.isErrorInSuccess(reply.json) {
            let error = ErrorMapping.error(for: reply.response, now: self.http.clock.now(), redactor: reply.redactor)
            // The relayer asks to retry these (spec §11.2): the same payload can still succeed.
            if case .refused(400, let message) = error, Self.isBusy(message) {
                throw VenueError.unavailable("relayer busy: \(message)")
            }
            throw error
        }
        return try Self.submission(reply.json, context: "POST /submit")
    }

    public func state(reference: String) async throws -> Kernel.RelayerSubmission {
        let json = try await self.http.json(Endpoint(
            service: .relayer, method: "GET", path: "/transaction", query: [.init("id", reference)], family: .relayer,
            auth: .relayer(self.authentication)))
        let record: JSONValue
        if let items = json.array {
            guard let first = items.first else {
                throw VenueError.refused(status: 404, message: "the relayer knows no transaction \(reference)")
            }
            record = first
        } else {
            record = json
        }
        return try Self.submission(record, context: "GET /transaction")
    }

    // MARK: Relayer reads

    private var chainID: UInt64 { self.http.configuration.chainID }

    func nonce(owner: Address, type: RelayerTransactionType) async throws -> UInt256 {
        let json = try await self.http.json(Endpoint(
            service: .relayer, method: "GET", path: "/nonce",
            query: [.init("address", owner.checksummed), .init("type", type.rawValue)], family: .relayer,
            auth: .relayer(self.authentication)))
        guard let text = json["nonce"]?.nonEmptyText, let nonce = try? UInt256(decimal: text) else {
            throw VenueError.malformedResponse("GET /nonce without a decimal nonce")
        }
        return nonce
    }

    func relayPayload(owner: Address) async throws -> (relay: Address, nonce: UInt256) {
        let json = try await self.http.json(Endpoint(
            service: .relayer, method: "GET", path: "/relay-payload",
            query: [.init("address", owner.checksummed), .init("type", RelayerTransactionType.proxy.rawValue)],
            family: .relayer, auth: .relayer(self.authentication)))
        guard let relayText = json["address"]?.nonEmptyText, let relay = try? Address(hex: relayText),
              let nonceText = json["nonce"]?.nonEmptyText, let nonce = try? UInt256(decimal: nonceText)
        else { throw VenueError.malformedResponse("GET /relay-payload without a relay address and nonce") }
        return (relay, nonce)
    }

    func isDeployed(_ wallet: Address, type: RelayerTransactionType?) async throws -> Bool {
        var query: [HTTPRequest.QueryItem] = [.init("address", wallet.checksummed)]
        if let type { query.append(.init("type", type.rawValue)) }
        let json = try await self.http.json(Endpoint(
            service: .relayer, method: "GET", path: "/deployed", query: query, family: .relayer,
            auth: .relayer(self.authentication)))
        guard let deployed = json["deployed"]?.bool else {
            throw VenueError.malformedResponse("GET /deployed without a boolean")
        }
        return deployed
    }

    // MARK: Mapping

    /// The wallet calls that carry out `request`.
    static func calls(for request: RelayerRequest) throws -> [RelayerCall] {
        switch request {
        case .withdraw(let amount, let recipient):
            guard amount.baseUnits > 0 else {
                throw VenueError.refused(status: 400, message: "a withdrawal needs a positive amount")
            }
            return [RelayerCall.erc20Transfer(to: recipient.ethereum, amount: UInt256(UInt64(amount.baseUnits)))]
        case .redeem(let conditionID, let negRisk, _):
            guard let bytes = try? Hex.decode(conditionID), bytes.count == 32 else {
                throw VenueError.refused(status: 400, message: "condition id \(conditionID) is not 32 bytes of hex")
            }
            // The adapter redeems the wallet's whole balance of both outcomes: no amounts.
            return [try RelayerCall.redeemPositions(conditionID: bytes, negRisk: negRisk)]
        case .approve:
            return RelayerCall.tradingApprovals
        case .deploy:
            throw VenueError.refused(status: 400, message: "a deployment makes no wallet calls")
        }
    }

    static func requireDerived(_ wallet: Address, _ derived: Address, kind: String) throws {
        guard wallet == derived else {
            throw VenueError.refused(
                status: 400, message: "the funder \(wallet.checksummed) is not the signer's \(kind) \(derived.checksummed)")
        }
    }

    static func isBusy(_ message: String) -> Bool {
        let lower = message.lowercased()
        return lower.contains("wallet busy") || lower.contains("in-flight") || lower.contains("active action")
    }

    static func submission(_ json: JSONValue?, context: String) throws -> Kernel.RelayerSubmission {
        guard let json, let id = json["transactionID"]?.nonEmptyText ?? json["transactionId"]?.nonEmptyText
            ?? json["transaction_id"]?.nonEmptyText ?? json["id"]?.nonEmptyText
        else { throw VenueError.malformedResponse("\(context) without a transaction id") }
        guard let state = json["state"]?.nonEmptyText else {
            throw VenueError.malformedResponse("\(context) without a state")
        }
        let hash = json["transactionHash"]?.nonEmptyText ?? json["transaction_hash"]?.nonEmptyText
        return Kernel.RelayerSubmission(reference: id, state: state, transactionHash: hash?.lowercased())
    }
}
