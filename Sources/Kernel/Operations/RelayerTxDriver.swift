import Metrics

/// Moves relayer transactions (withdrawals, redemptions, deployments, approvals) through the
/// `relayer_txs` state machine: stored PENDING under their idempotency key, signed and submitted
/// in their wallet's turn, polled to CONFIRMED or FAILED.
///
/// One nonce sequence per wallet: the relayer hands out a wallet's next nonce, so two
/// transactions of one wallet signed at once would carry the same one and the second would be
/// refused. A wallet's PENDING rows are therefore signed and submitted one at a time, oldest
/// first, by whoever holds the wallet's relayer lease (the shared cache's lease across processes,
/// an in-process lock without one); each is signed only when its turn comes, its signed payload
/// stored before it is sent (sign, persist, send), so a lost answer resubmits the same bytes.
///
/// FAILED is the relayer's final word (`STATE_FAILED`, `STATE_INVALID`), its refusal of a
/// submission (a nonce taken by another transaction, a bad signature) or of a reference it does
/// not know, or a chain transaction already recorded on another row — never a guess: a timeout or
/// an unreachable relayer leaves the row as it is for the next tick. A FAILED withdrawal holds no
/// reservation. An operator's retry moves the same row back to PENDING with its payload cleared;
/// its turn signs it again with a fresh nonce, so a retry is still one transfer.
public struct RelayerTxDriver: Sendable {
    let store: any Store
    let vault: any KeyVault
    let relayer: any Relayer
    let wallClock: WallClock
    let ids: IDGenerator
    let leases: (any Cache)?

    /// - Parameter leases: the cache whose leases serialize a wallet's relayer calls across
    ///   processes; `nil` serializes them within this process only (one process, tests).
    public init(store: any Store, vault: any KeyVault, relayer: any Relayer, wallClock: WallClock, ids: IDGenerator,
                leases: (any Cache)? = nil) {
        self.store = store
        self.vault = vault
        self.relayer = relayer
        self.wallClock = wallClock
        self.ids = ids
        self.leases = leases
    }

    /// How long a wallet's relayer lease lasts unless renewed (after each transaction).
    public static let leaseTTL: Duration = .seconds(60)

    /// The name of a wallet's relayer lease.
    public static func leaseName(_ walletID: WalletID) -> String { "lease:relayer:\(walletID.rawValue)" }

    /// The row under `key`: the stored one if any (a concurrent or earlier writer wins), else a
    /// new PENDING row, unsigned until its turn (``advance(_:audit:request:)``).
    public func stored(kind: RelayerTx.Kind, key: String, wallet: TradingWallet, amount: Collateral? = nil,
                       destination: WalletAddress? = nil) async throws -> RelayerTx {
        if let existing = try await self.store.relayerTx(idempotencyKey: key) { return existing }
        let tx = self.unsigned(kind: kind, key: key, wallet: wallet, amount: amount, destination: destination)
        do {
            try await self.store.insertRelayerTx(tx)
            return tx
        } catch StoreError.duplicate {
            guard let raced = try await self.store.relayerTx(idempotencyKey: key) else { throw StoreError.duplicate(entity: "relayer_txs", key: key) }
            return raced
        }
    }

    /// A new PENDING row with no payload yet: its turn in the wallet's sequence signs it.
    public func unsigned(kind: RelayerTx.Kind, key: String, wallet: TradingWallet, amount: Collateral? = nil,
                         destination: WalletAddress? = nil) -> RelayerTx {
        let now = self.wallClock.now()
        return RelayerTx(id: self.ids.next(), userID: wallet.userID, walletID: wallet.id, kind: kind, idempotencyKey: key,
                         payload: "", amount: amount, destination: destination, createdAt: now, updatedAt: now)
    }

    /// One step towards a final state: a PENDING row is submitted in its wallet's turn (with
    /// every PENDING row of the wallet before it), one in flight is polled. Returns the row as
    /// stored. `request` rebuilds what a row does, for signing; `audit`, when given, describes a
    /// status change and is appended in the same atomic step as it.
    public func advance(_ tx: RelayerTx, audit: ((RelayerTx) -> AuditEntry)? = nil,
                        request: @Sendable (RelayerTx) async throws -> RelayerRequest) async throws -> RelayerTx {
        guard !tx.status.isFinalForWorkers else { return tx }
        if tx.relayerReference == nil {
            try await self.submitQueue(of: tx.walletID, audit: audit, request: request)
            return try await self.store.relayerTx(id: tx.id) ?? tx
        }
        guard let reference = tx.relayerReference else { return tx }
        let submission: RelayerSubmission
        do {
            submission = try await self.relayer.state(reference: reference)
        } catch VenueError.refused(404, let message) {
            // The relayer does not know it: it never ran, so it can never move money.
            return try await self.fail(tx, reason: "relayer knows no transaction \(reference): \(message)", audit: audit)
        }
        return try await self.record(submission, on: tx, submitted: false, audit: audit)
    }

    /// Signs and submits the wallet's unsent rows, oldest first, one at a time under its relayer
    /// lease. Whoever holds the lease drains the queue; after giving it up it looks once more, so
    /// a row stored by a caller that found the lease taken is never left waiting for a tick.
    func submitQueue(of walletID: WalletID, audit: ((RelayerTx) -> AuditEntry)?,
                     request: @Sendable (RelayerTx) async throws -> RelayerRequest) async throws {
        var leftToOthers: Set<RelayerTxID> = []
        // Bounded: rows stored while draining are picked up by the next pass, and what is still
        // left after these passes by the next worker tick.
        for _ in 0..<8 {
            let holder = "relayer-\(self.ids.next(String.self).rawValue)"
            guard await self.acquire(walletID, holder: holder) else { return }
            let drained: Bool
            do {
                drained = try await self.drain(walletID, holder: holder, leavingTo: &leftToOthers, audit: audit,
                                               request: request)
            } catch {
                await self.release(walletID, holder: holder)
                throw error
            }
            await self.release(walletID, holder: holder)
            guard drained, try await self.queue(of: walletID).contains(where: { !leftToOthers.contains($0.id) }) else { return }
        }
    }

    /// The wallet's PENDING rows not yet accepted by the relayer, oldest first.
    private func queue(of walletID: WalletID) async throws -> [RelayerTx] {
        try await self.store.relayerTxs(statuses: [.pending], limit: 1_000)
            .filter { $0.walletID == walletID && $0.relayerReference == nil }
    }

    /// Submits the queue in order; `false` when a submission's outcome is unknown (the rows after
    /// it wait, so the same bytes go first next time).
    private func drain(_ walletID: WalletID, holder: String, leavingTo leftToOthers: inout Set<RelayerTxID>,
                       audit: ((RelayerTx) -> AuditEntry)?,
                       request: @Sendable (RelayerTx) async throws -> RelayerRequest) async throws -> Bool {
        guard let wallet = try await self.store.wallet(id: walletID) else {
            throw StoreError.notFound(entity: "trading_wallets", key: walletID.rawValue)
        }
        var visited: Set<RelayerTxID> = []
        while let next = try await self.queue(of: walletID).first(where: { !visited.contains($0.id) }) {
            visited.insert(next.id)
            switch try await self.submit(next, wallet: wallet, audit: audit, request: request) {
            case .notBuildableHere:
                // A row this caller cannot build (a redemption without the holdings) waits for
                // its owner's driver; the rows after it still take their turn.
                leftToOthers.insert(next.id)
                guard await self.acquire(walletID, holder: holder) else { return false }
            case .done:
                guard await self.acquire(walletID, holder: holder) else { return false }
            case .answerLost:
                return false
            }
        }
        return true
    }

    private enum Turn {
        /// Submitted (or ended, or moved by another writer).
        case done
        /// The relayer's answer was lost: the same bytes go first next time.
        case answerLost
        /// `request` cannot rebuild this row here.
        case notBuildableHere
    }

    /// Signs (when the row has no payload, or an operator's retry cleared its reference) and
    /// submits one row.
    private func submit(_ tx: RelayerTx, wallet: TradingWallet, audit: ((RelayerTx) -> AuditEntry)?,
                        request: @Sendable (RelayerTx) async throws -> RelayerRequest) async throws -> Turn {
        var current = tx
        if tx.payload.isEmpty || tx.submitCount > 0 {
            let built: RelayerRequest
            do {
                built = try await request(tx)
            } catch is StoreError {
                return .notBuildableHere
            }
            var signed = tx
            do {
                signed.payload = try await self.signedPayload(built, wallet: wallet)
            } catch VenueError.refused(let status, let message) {
                _ = try await self.fail(tx, reason: "relayer refused to prepare it (\(status)): \(message)", audit: audit)
                return .done
            }
            signed.updatedAt = self.wallClock.now()
            // Persisted before it is sent: a lost answer resubmits exactly these bytes.
            guard try await self.store.updateRelayerTx(signed, from: .pending) else { return .done }
            current = signed
        }
        let submission: RelayerSubmission
        do {
            submission = try await self.relayer.submit(payload: current.payload, account: TradingAccount(wallet))
        } catch VenueError.refused(let status, let message) {
            // The relayer's final answer to these bytes (a nonce another transaction took, a bad
            // signature): it will never run, so it ends here and its reservation is released.
            _ = try await self.fail(current, reason: "relayer refused it (\(status)): \(message)", audit: audit)
            return .done
        } catch {
            return .answerLost
        }
        _ = try await self.record(submission, on: current, submitted: true, audit: audit)
        return .done
    }

    private func acquire(_ walletID: WalletID, holder: String) async -> Bool {
        guard let leases = self.leases else {
            return await LocalRelayerLeases.shared.acquire(self.localKey(walletID), holder: holder)
        }
        do {
            return try await leases.acquireLease(Self.leaseName(walletID), holder: holder, ttl: Self.leaseTTL)
        } catch {
            // The cache only orders submissions; a nonce clash it fails to prevent ends in the
            // relayer's refusal (FAILED, reservation released), never in a second transfer.
            return true
        }
    }

    private func release(_ walletID: WalletID, holder: String) async {
        guard let leases = self.leases else {
            return await LocalRelayerLeases.shared.release(self.localKey(walletID), holder: holder)
        }
        _ = try? await leases.releaseLease(Self.leaseName(walletID), holder: holder)
    }

    /// A wallet of this store: two stores in one process (tests) never share a lock.
    private func localKey(_ walletID: WalletID) -> LocalRelayerLeases.Key {
        LocalRelayerLeases.Key(store: ObjectIdentifier(self.store as AnyObject), walletID: walletID)
    }

    private func signedPayload(_ request: RelayerRequest, wallet: TradingWallet) async throws -> String {
        let account = TradingAccount(wallet)
        let prepared = try await self.relayer.prepare(request, account: account)
        let signature = try await self.vault.sign(
            digest: prepared.digest, with: wallet.sealedKey,
            binding: .tradingKey(userID: wallet.userID, address: wallet.signerAddress))
        return try self.relayer.signedPayload(for: prepared, signature: signature, account: account)
    }

    /// Ends the row FAILED with `reason` (compare-and-set on its status). Returns the row as stored.
    private func fail(_ tx: RelayerTx, reason: String, audit: ((RelayerTx) -> AuditEntry)?) async throws -> RelayerTx {
        var failed = tx
        failed.status = .failed
        failed.lastError = reason
        failed.updatedAt = self.wallClock.now()
        Counter(label: "mirror_relayer_txs_total", dimensions: [("state", "FAILED")]).increment()
        if try await self.store.updateRelayerTx(failed, from: tx.status, audit: audit?(failed)) { return failed }
        return try await self.store.relayerTx(id: tx.id) ?? tx
    }

    /// Stores what the relayer said (compare-and-set on the status), never moving backwards; an
    /// unknown state string leaves the status alone. A hash or reference another row already
    /// holds is not this row's transaction: it ends FAILED. Returns the row as stored.
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
        do {
            if try await self.store.updateRelayerTx(next, from: tx.status, audit: entry) {
                if next.status != tx.status {
                    Counter(label: "mirror_relayer_txs_total", dimensions: [("state", next.status.rawValue)]).increment()
                }
                return next
            }
        } catch StoreError.duplicate(let entity, _) where entity == "relayer_txs" {
            return try await self.fail(tx, reason: "the relayer answered with a transaction another row already holds",
                                       audit: audit)
        }
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

/// The relayer leases of a process without a shared cache: one holder per wallet (of one
/// store) at a time.
actor LocalRelayerLeases {
    struct Key: Hashable {
        let store: ObjectIdentifier
        let walletID: WalletID
    }

    static let shared = LocalRelayerLeases()
    private var holders: [Key: String] = [:]

    func acquire(_ key: Key, holder: String) -> Bool {
        if let current = self.holders[key], current != holder { return false }
        self.holders[key] = holder
        return true
    }

    func release(_ key: Key, holder: String) {
        if self.holders[key] == holder { self.holders[key] = nil }
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

    /// What a stored row does when that needs nothing but the row: a withdrawal, a deployment, an
    /// approval. A redemption needs the wallet's holdings (``request(for:store:feed:)``): throws.
    public static func request(for tx: RelayerTx) throws -> RelayerRequest {
        switch tx.kind {
        case .deploy: return .deploy
        case .approve: return .approve
        case .withdraw:
            guard let amount = tx.amount, let destination = tx.destination else {
                throw StoreError.notFound(entity: "relayer_txs.destination", key: tx.id.rawValue)
            }
            return .withdraw(amount: amount, to: destination)
        case .redeem:
            throw StoreError.notFound(entity: "relayer_txs.holdings", key: tx.id.rawValue)
        }
    }

    /// What a stored row does, rebuilt for signing: a withdrawal from its amount and destination,
    /// a redemption from the wallet's current holdings in the market its key names (a FAILED or
    /// unsent redemption moved nothing, so they are still there).
    public static func request(for tx: RelayerTx, store: any Store, feed: any LeaderFeed) async throws -> RelayerRequest {
        switch tx.kind {
        case .deploy, .approve, .withdraw: return try Self.request(for: tx)
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
