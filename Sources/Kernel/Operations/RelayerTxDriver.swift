/// Moves money-moving relayer transactions (withdrawals, redemptions) through the `relayer_txs`
/// state machine: stored signed under their idempotency key before any submit, submitted,
/// polled to CONFIRMED or FAILED.
///
/// FAILED is only ever the relayer's own final word (`STATE_FAILED`, `STATE_INVALID`): the
/// transaction had no effect on chain. An operator's retry moves the same row back to PENDING
/// with no reference; only then is it signed again (the old nonce is spent), so a retry is still
/// one transfer.
public struct RelayerTxDriver: Sendable {
    let store: any Store
    let vault: any KeyVault
    let relayer: any Relayer
    let wallClock: WallClock
    let ids: IDGenerator

    public init(store: any Store, vault: any KeyVault, relayer: any Relayer, wallClock: WallClock, ids: IDGenerator) {
        self.store = store
        self.vault = vault
        self.relayer = relayer
        self.wallClock = wallClock
        self.ids = ids
    }

    /// The row under `key`: the stored one if any (a concurrent or earlier writer wins), else
    /// `request` prepared, signed and stored PENDING.
    public func stored(_ request: RelayerRequest, kind: RelayerTx.Kind, key: String, wallet: TradingWallet,
                       amount: Collateral? = nil, destination: WalletAddress? = nil) async throws -> RelayerTx {
        if let existing = try await self.store.relayerTx(idempotencyKey: key) { return existing }
        let now = self.wallClock.now()
        let tx = RelayerTx(id: self.ids.next(), userID: wallet.userID, walletID: wallet.id, kind: kind,
                           idempotencyKey: key, payload: try await self.signedPayload(request, wallet: wallet),
                           amount: amount, destination: destination, createdAt: now, updatedAt: now)
        do {
            try await self.store.insertRelayerTx(tx)
            return tx
        } catch StoreError.duplicate {
            guard let raced = try await self.store.relayerTx(idempotencyKey: key) else { throw StoreError.duplicate(entity: "relayer_txs", key: key) }
            return raced
        }
    }

    /// One step towards a final state: submits a PENDING row (signing it again first when an
    /// operator's retry cleared its reference), polls one in flight. Returns the row as stored.
    /// `request` rebuilds what the row does, for that re-signing; `audit`, when given, describes
    /// the status change and is appended in the same atomic step as it.
    public func advance(_ tx: RelayerTx, audit: ((RelayerTx) -> AuditEntry)? = nil,
                        request: @Sendable (RelayerTx) async throws -> RelayerRequest) async throws -> RelayerTx {
        guard !tx.status.isFinalForWorkers else { return tx }
        guard let wallet = try await self.store.wallet(id: tx.walletID) else {
            throw StoreError.notFound(entity: "trading_wallets", key: tx.walletID.rawValue)
        }
        let account = TradingAccount(wallet)
        var current = tx
        if current.status == .pending, current.relayerReference == nil, current.submitCount > 0 {
            var resigned = current
            resigned.payload = try await self.signedPayload(try await request(current), wallet: wallet)
            resigned.updatedAt = self.wallClock.now()
            guard try await self.store.updateRelayerTx(resigned, from: .pending) else {
                return try await self.store.relayerTx(id: tx.id) ?? tx
            }
            current = resigned
        }
        if current.status == .pending || current.relayerReference == nil {
            return try await self.record(try await self.relayer.submit(payload: current.payload, account: account),
                                         on: current, submitted: true, audit: audit)
        }
        guard let reference = current.relayerReference else { return current }
        return try await self.record(try await self.relayer.state(reference: reference), on: current, submitted: false,
                                     audit: audit)
    }

    private func signedPayload(_ request: RelayerRequest, wallet: TradingWallet) async throws -> String {
        let account = TradingAccount(wallet)
        let prepared = try await self.relayer.prepare(request, account: account)
        let signature = try await self.vault.sign(
            digest: prepared.digest, with: wallet.sealedKey,
            binding: .tradingKey(userID: wallet.userID, address: wallet.signerAddress))
        return try self.relayer.signedPayload(for: prepared, signature: signature, account: account)
    }

    /// Stores what the relayer said (compare-and-set on the status), never moving backwards; an
    /// unknown state string leaves the status alone. Returns the row as stored.
    private func record(_ submission: RelayerSubmission, on tx: RelayerTx, submitted: Bool,
                        audit: ((RelayerTx) -> AuditEntry)?) async throws -> RelayerTx {
        var next = tx
        let said = submission.status ?? tx.status
        if said == .failed || Self.rank(said) > Self.rank(tx.status) { next.status = said }
        if next.status == .pending { next.status = .submitted }
        next.relayerReference = submission.reference
        next.transactionHash = submission.transactionHash ?? tx.transactionHash
        if submitted { next.submitCount += 1 }
        if next.status == .failed { next.lastError = "relayer state \(submission.state)" }
        next.updatedAt = self.wallClock.now()
        let entry = next.status == tx.status ? nil : audit?(next)
        if try await self.store.updateRelayerTx(next, from: tx.status, audit: entry) { return next }
        return try await self.store.relayerTx(id: tx.id) ?? tx
    }

    private static func rank(_ status: RelayerTx.Status) -> Int {
        switch status {
        case .pending: 0
        case .submitted: 1
        case .mined: 2
        case .confirmed: 3
        case .failed: 4
        }
    }
}

extension RelayerTxDriver {
    /// The idempotency key of a wallet's redemption of one market: one claim per wallet and market, for ever.
    public static func redeemKey(walletID: WalletID, conditionID: String) -> String {
        "redeem:\(walletID.rawValue):\(conditionID)"
    }

    /// The market a ``redeemKey(walletID:conditionID:)`` names; nil for any other key.
    public static func conditionID(ofRedeemKey key: String) -> String? {
        let parts = key.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "redeem", !parts[2].isEmpty else { return nil }
        return String(parts[2])
    }

    /// What a stored row does, rebuilt for re-signing after an operator's retry: a withdrawal
    /// from its amount and destination, a redemption from the wallet's current holdings in the
    /// market its key names (a FAILED redemption moved nothing, so they are still there).
    public static func request(for tx: RelayerTx, store: any Store, feed: any LeaderFeed) async throws -> RelayerRequest {
        switch tx.kind {
        case .deploy: return .deploy
        case .approve: return .approve
        case .withdraw:
            guard let amount = tx.amount, let destination = tx.destination else {
                throw StoreError.notFound(entity: "relayer_txs.destination", key: tx.id.rawValue)
            }
            return .withdraw(amount: amount, to: destination)
        case .redeem:
            let conditionID = String(tx.idempotencyKey.split(separator: ":").last ?? "")
            guard let wallet = try await store.wallet(id: tx.walletID) else {
                throw StoreError.notFound(entity: "trading_wallets", key: tx.walletID.rawValue)
            }
            let held = try await feed.positions(of: wallet.funderAddress).filter { $0.conditionID == conditionID }
            return .redeem(conditionID: conditionID, negRisk: held.contains(where: \.negRisk),
                           shares: Dictionary(held.map { ($0.tokenID, $0.shares) }, uniquingKeysWith: +))
        }
    }
}
