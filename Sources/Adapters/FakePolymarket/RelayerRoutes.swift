import Ethereum
import FakeExchangeAdapter
import Hummingbird
import Kernel
import PolymarketProtocol

/// The relayer's routes (spec §11) over the venue: nonces, the relay payload, deployments,
/// submissions and their states. `POST /submit` needs builder or relayer-key authentication; the
/// reads are public. Transactions advance on the venue's `step()`.
struct RelayerRoutes: Sendable {
    let venue: FakeVenue
    var settings: FakeRelayerSettings = .testDefaults

    func register(on group: RouterGroup<FakePolymarketContext>) {
        group.get("nonce") { request, _ in
            let (owner, type) = try Self.ownerAndType(request)
            let nonce = await self.venue.relayerNonce(of: try await self.wallet(of: owner, type: type))
            return WireJSON.object([("nonce", .string(String(nonce)))]).response()
        }
        group.get("relay-payload") { request, _ in
            let (owner, _) = try Self.ownerAndType(request, default: .proxy)
            let nonce = await self.venue.relayerNonce(of: try await self.wallet(of: owner, type: .proxy))
            return WireJSON.object([
                ("address", .string(self.settings.relayAddress.checksummed)), ("nonce", .string(String(nonce))),
            ]).response()
        }
        group.get("deployed") { request, _ in
            let wallet = try WireRequest.wallet(try WireRequest.query(request, "address"))
            return WireJSON.object([("deployed", .bool(await self.venue.isDeployed(wallet)))]).response()
        }
        group.post("submit") { request, _ in try await self.submit(request) }
        group.get("transaction") { request, _ in
            let reference = try WireRequest.query(request, "id")
            guard let record = try? await self.venue.relayerRecord(reference: reference) else {
                return WireJSON.array([]).response()
            }
            return WireJSON.array([Self.transaction(record)]).response()
        }
    }

    /// Authenticates, verifies and records a transaction; the same body again answers with the
    /// same transaction.
    private func submit(_ request: Request) async throws -> Response {
        let body = try await WireRequest.body(request)
        let now = self.venue.wallClock.now()
        try RelayerAuth(settings: self.settings, now: now).verify(request, path: "/submit", body: body)
        let verifier = RelayerSubmissionVerifier(
            venue: self.venue, settings: self.settings, chainID: self.venue.configuration.chainID, now: now)
        let transaction = try await verifier.verify(body)
        let record: FakeRelayerRecord
        do {
            record = try await self.venue.submitRelayed(transaction)
        } catch let error as VenueError {
            throw WireError(error)
        }
        var members: [(String, WireJSON)] = [("transactionID", .string(record.reference)), ("state", .string(record.state))]
        if let hash = record.transactionHash { members.append(("transactionHash", .string(hash))) }
        return WireJSON.object(members).response()
    }

    /// The wallet of `type` that `owner` signs for, whose nonce the relayer reports.
    private func wallet(of owner: Address, type: RelayerTransactionType) async throws -> WalletAddress {
        switch type {
        case .safe, .safeCreate: return WalletAddress(address: WalletDerivation.polygon.safe(owner: owner))
        case .proxy: return WalletAddress(address: WalletDerivation.polygon.proxyWallet(owner: owner))
        case .wallet, .walletCreate: return await self.venue.depositWallet(of: WalletAddress(address: owner))
        }
    }

    private static func ownerAndType(_ request: Request, default fallback: RelayerTransactionType? = nil) throws
        -> (Address, RelayerTransactionType)
    {
        let owner = try WireRequest.wallet(try WireRequest.query(request, "address")).asAddress
        let text = request.uri.queryParameters.get("type")
        guard let type = text.map({ RelayerTransactionType(rawValue: $0.uppercased()) }) ?? fallback else {
            throw WireError(.badRequest, "invalid type \(text ?? ""): expected SAFE, PROXY or WALLET")
        }
        return (owner, type)
    }

    /// One element of `GET /transaction`, echoing the submitted body's fields.
    private static func transaction(_ record: FakeRelayerRecord) -> WireJSON {
        let body = try? WireRequest.decodeRelayer(RelayerSubmitBody.self, from: record.body)
        var members: [(String, WireJSON)] = [
            ("transactionID", .string(record.reference)),
            ("transactionHash", .string(record.transactionHash ?? "")),
            ("from", .string(body?.from ?? "")),
            ("to", .string(body?.to ?? "")),
            ("proxyAddress", .string(record.wallet.asAddress.checksummed)),
            ("data", .string(body?.data ?? "0x")),
            ("nonce", .string(String(record.nonce))),
            ("value", .string(body?.value?.text ?? "0")),
            ("signature", .string(body?.signature ?? "")),
            ("state", .string(record.state)),
            ("type", .string(body?.type ?? "")),
            ("owner", .string(body?.from ?? "")),
            ("metadata", .string(body?.metadata ?? "")),
        ]
        if let createdAt = record.createdAt { members.append(("createdAt", .string(createdAt.description))) }
        return .object(members)
    }
}
