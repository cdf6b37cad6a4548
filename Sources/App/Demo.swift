import Ethereum
import FakeExchangeAdapter
import Foundation
import Hummingbird
import Kernel
import Logging
import PolymarketProtocol

/// Local mode on the simulated venue: a demo user whose profile follows the first simulated
/// leader, so a newcomer sees copy trading within a minute of `mirror serve`. Idempotent: a
/// restart finds the same user, wallet and profile, and funds the wallet on the fresh venue.
enum Demo {
    static let externalID = "local|demo"
    static let funding = Collateral.dollars(1_000)

    @discardableResult
    static func ensure(store: any Store, vault: any KeyVault, venue: FakeVenue, wallClock: WallClock,
                       ids: IDGenerator, logger: Logger) async throws -> UserID {
        let now = wallClock.now()
        var leaders: [Leader] = []
        for simulated in await venue.simulatedLeaders() {
            if let known = try await store.leader(address: simulated.address) {
                leaders.append(known)
            } else {
                let leader = Leader(id: ids.next(), address: simulated.address, label: simulated.label, createdAt: now)
                try await store.insertLeader(leader)
                leaders.append(leader)
            }
        }
        let user: User
        if let known = try await store.user(externalID: Self.externalID) {
            user = known
        } else {
            user = User(id: ids.next(), externalID: Self.externalID, loginAddress: nil, createdAt: now)
            try await store.insertUser(user)
        }
        let wallet: TradingWallet
        if let known = try await store.wallets(userID: user.id).first {
            wallet = known
        } else {
            let key = try await vault.generateTradingKey(userID: user.id)
            let owner = try Address(hex: key.address.lowercased)
            let funder = try WalletAddress(WalletDerivation.polygon.depositWallet(owner: owner, shape: .beacon).lowercased)
            wallet = TradingWallet(id: ids.next(), userID: user.id, type: .depositWallet, signerAddress: key.address,
                                   funderAddress: funder, sealedKey: key.sealed, onboarding: .ready,
                                   apiKey: "demo-api-key", createdAt: now, updatedAt: now)
            try await store.insertWallet(wallet)
        }
        // The simulated venue starts empty every run: tell it whose wallet this is and fund it.
        await venue.register(funder: wallet.funderAddress, owner: wallet.signerAddress)
        await venue.fund(wallet: wallet.funderAddress, amount: Self.funding)
        if try await store.profiles(userID: user.id).isEmpty, let leader = leaders.first {
            try await store.insertProfile(CopyProfile(
                id: ids.next(), userID: user.id, leaderID: leader.id, walletID: wallet.id,
                sizing: .fixedUSD(.dollars(5)), createdAt: now, updatedAt: now))
        }
        logger.info("demo ready: the demo user copies a simulated leader; see GET /demo/copy-attempts", metadata: [
            "demo.user": "\(user.id)", "demo.wallet": "\(wallet.funderAddress)",
            "demo.leader": "\(leaders.first.map { $0.address.lowercased } ?? "none")",
        ])
        return user.id
    }
}

/// One line of `GET /demo/copy-attempts`: what happened to a leader fill for the demo user.
struct DemoAttemptView: Codable, Equatable {
    var id: String
    var createdAt: String
    var kind: String
    var status: String
    var skipReason: String?
    var note: String?
    var market: String?
    var side: String?
    var leaderSize: String?
    var leaderPrice: String?
    var targetShares: String?
    var filledShares: String
    var fillPrice: String?
}

extension Router where Context == AppRequestContext {
    /// `GET /demo/copy-attempts`: the demo user's latest attempts, newest first (local demo only).
    func addDemoRoutes(store: any Store) {
        self.get("/demo/copy-attempts") { _, _ -> Response in
            var views: [DemoAttemptView] = []
            guard let user = try await store.user(externalID: Demo.externalID) else { return try Self.json(views) }
            for attempt in try await store.attempts(userID: user.id, limit: 100) {
                var event: LeaderEvent?
                if let eventID = attempt.leaderEventID { event = try await store.leaderEvent(id: eventID) }
                views.append(DemoAttemptView(
                    id: attempt.id.rawValue, createdAt: attempt.createdAt.description, kind: attempt.kind.rawValue,
                    status: attempt.status.rawValue, skipReason: attempt.skipReason?.rawValue, note: attempt.note,
                    market: event?.fill.marketSlug, side: event?.fill.side.rawValue,
                    leaderSize: event?.fill.size.description, leaderPrice: attempt.leaderPrice?.description,
                    targetShares: attempt.targetShares?.description, filledShares: attempt.filledShares.description, fillPrice: attempt.fillPrice?.description))
            }
            return try Self.json(views)
        }
    }

    /// A plain JSON array (Hummingbird encodes objects, not top-level arrays, by itself).
    static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
