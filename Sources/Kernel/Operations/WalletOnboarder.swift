/// Brings a user's custodial trading wallet from nothing to READY: a trading key generated and
/// sealed by the vault (KEY_CREATED, its funder derived), the wallet contract deployed and the
/// exchange approvals set through the relayer (DEPLOYED, APPROVED), the CLOB API credentials
/// issued and stored sealed (READY).
///
/// Every step is idempotent and resumable: a relayer transaction is a `relayer_txs` row under an
/// idempotency key per wallet and step, signed in the wallet's relayer sequence and stored before
/// it is submitted (so a process that dies mid-step resubmits the same bytes, which the relayer's
/// nonce makes one transaction), and each state change is a compare-and-set on
/// `TradingWallet.onboarding`. The queue is the wallets themselves (``advanceQueued(limit:)``,
/// run by the onboarding worker): nothing is lost to a restart.
///
/// Order (spec §11.6): a step moves on only when its transaction is CONFIRMED — the approvals
/// are not sent until the deploy is confirmed, so a relayer never refuses them for order.
public struct WalletOnboarder: Sendable {
    let store: any Store
    let vault: any KeyVault
    let relayer: any Relayer
    let credentials: any APICredentialIssuer
    let wallClock: WallClock
    let ids: IDGenerator
    /// The funder address the venue derives for a signer (the deposit wallet on Polymarket).
    let funderAddress: @Sendable (WalletAddress) throws -> WalletAddress
    /// The shared cache's leases for the wallet's relayer sequence; `nil`: this process only.
    let leases: (any Cache)?

    public init(store: any Store, vault: any KeyVault, relayer: any Relayer, credentials: any APICredentialIssuer,
                wallClock: WallClock, ids: IDGenerator, leases: (any Cache)? = nil,
                funderAddress: @escaping @Sendable (WalletAddress) throws -> WalletAddress) {
        self.leases = leases
        self.store = store
        self.vault = vault
        self.relayer = relayer
        self.credentials = credentials
        self.wallClock = wallClock
        self.ids = ids
        self.funderAddress = funderAddress
    }

    /// The user's wallet (their oldest), created at KEY_CREATED when they have none. Callers
    /// serialise calls per user: two concurrent first calls would each create one.
    public func ensureWallet(for userID: UserID) async throws -> TradingWallet {
        if let existing = try await self.store.wallets(userID: userID).first { return existing }
        let key = try await self.vault.generateTradingKey(userID: userID)
        let now = self.wallClock.now()
        let wallet = TradingWallet(
            id: self.ids.next(), userID: userID, type: .depositWallet, signerAddress: key.address,
            funderAddress: try self.funderAddress(key.address), sealedKey: key.sealed, onboarding: .keyCreated,
            createdAt: now, updatedAt: now)
        try await self.store.insertWallet(wallet)
        return wallet
    }

    /// Takes every step that can complete now and returns the wallet as stored: READY, or the
    /// state it waits in (a relayer transaction not mined yet, or one that failed — see
    /// ``relayerTransactions(of:)``). Throws what the venue or store threw; calling again resumes.
    public func advance(_ walletID: WalletID) async throws -> TradingWallet {
        while true {
            guard let wallet = try await self.store.wallet(id: walletID) else {
                throw StoreError.notFound(entity: "trading_wallets", key: walletID.rawValue)
            }
            let next: WalletOnboarding
            switch wallet.onboarding {
            case .ready:
                return wallet
            case .keyCreated:
                guard try await self.relay(.deploy, for: wallet) else { return wallet }
                next = .deployed
            case .deployed:
                guard try await self.relay(.approve, for: wallet) else { return wallet }
                next = .approved
            case .approved:
                let issued = try await self.credentials.issueCredentials(for: wallet)
                try await self.store.setAPICredentials(
                    walletID: wallet.id, apiKey: issued.apiKey, sealedSecret: issued.sealedSecret,
                    sealedPassphrase: issued.sealedPassphrase, at: self.wallClock.now())
                next = .ready
            }
            // A lost compare-and-set means another process moved it on: re-read and continue.
            _ = try await self.store.advanceOnboarding(walletID: wallet.id, from: wallet.onboarding, to: next,
                                                       at: self.wallClock.now())
        }
    }

    /// Advances every wallet still onboarding, oldest first: the onboarding worker's tick. One
    /// wallet's failure (the relayer away) does not hold the others up; the next tick retries it.
    /// Returns the wallets as they stand after the tick.
    @discardableResult
    public func advanceQueued(limit: Int = 100) async throws -> [TradingWallet] {
        var advanced: [TradingWallet] = []
        for wallet in try await self.store.walletsToOnboard(limit: limit) {
            if let moved = try? await self.advance(wallet.id) { advanced.append(moved) }
        }
        return advanced
    }

    /// The idempotency key of a wallet's onboarding transaction of `kind`.
    public static func idempotencyKey(_ kind: RelayerTx.Kind, walletID: WalletID) -> String {
        "onboarding:\(kind.rawValue.lowercased()):\(walletID.rawValue)"
    }

    /// The wallet's deploy and approve transactions, as far as they exist.
    public func relayerTransactions(of walletID: WalletID) async throws -> [RelayerTx] {
        var found: [RelayerTx] = []
        for kind in [RelayerTx.Kind.deploy, .approve] {
            if let tx = try await self.store.relayerTx(idempotencyKey: Self.idempotencyKey(kind, walletID: walletID)) {
                found.append(tx)
            }
        }
        return found
    }

    /// Whether the wallet's `kind` transaction is mined, submitting or polling it as needed.
    private func relay(_ kind: RelayerTx.Kind, for wallet: TradingWallet) async throws -> Bool {
        let driver = RelayerTxDriver(store: self.store, vault: self.vault, relayer: self.relayer, wallClock: self.wallClock,
                                     ids: self.ids, leases: self.leases)
        var tx = try await driver.stored(kind: kind, key: Self.idempotencyKey(kind, walletID: wallet.id), wallet: wallet)
        // Only CONFIRMED moves on (§11.6); FAILED waits for the operator's retry (GET /wallet shows it).
        if !tx.status.isFinalForWorkers {
            tx = try await driver.advance(tx) { row in try RelayerTxDriver.request(for: row) }
        }
        return tx.status == .confirmed
    }
}
