import Ethereum
import FakeExchangeAdapter
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
        // The copy engine spends from the synced balance; record the funding as position sync would.
        try await store.recordSyncedBalance(walletID: wallet.id, collateral: Self.funding, at: now)
        if try await store.profiles(userID: user.id).isEmpty, let leader = leaders.first {
            // Copies markets up to a minute before they resolve, so the venue's three-minute quick
            // rounds are copied and, once resolved, claimed: the demo shows the whole money path.
            try await store.insertProfile(CopyProfile(
                id: ids.next(), userID: user.id, leaderID: leader.id, walletID: wallet.id,
                sizing: .fixedUSD(.dollars(5)), limits: CopyLimits(minTimeToResolution: .seconds(60)),
                createdAt: now, updatedAt: now))
        }
        logger.info("demo ready: the demo user copies a simulated leader; sign in as it with POST /auth/dev-sign-in {\"name\":\"demo\"} and see GET /copy-attempts", metadata: [
            "demo.user": "\(user.id)", "demo.wallet": "\(wallet.funderAddress)",
            "demo.leader": "\(leaders.first.map { $0.address.lowercased } ?? "none")",
        ])
        return user.id
    }
}
