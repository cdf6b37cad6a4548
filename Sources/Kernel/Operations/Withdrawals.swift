/// Collateral out of a user's trading wallet, as a reservation: accepting a withdrawal reserves
/// its amount against the wallet's available balance (``WalletFunds``) in one step under the
/// wallet's lock (``FundsStore/reserveWithdrawal(_:dailyLimit:audit:)``), so any number of
/// concurrent requests, on any number of API instances, never reserve more than is there. The
/// row then waits its turn in the wallet's relayer sequence (``RelayerTxDriver``): signed,
/// submitted, polled to CONFIRMED or FAILED. A FAILED withdrawal reserves nothing; a CONFIRMED one
/// keeps its reservation until a synced balance shows the transfer.
///
/// A repeated request with the same key is the same withdrawal; a FAILED one waits for
/// `POST /admin/retry-relayer`, which reserves it again (if it still fits) on the same row.
public struct Withdrawals: Sendable {
    public enum Failure: Error, Hashable, Sendable {
        case noWallet
        /// The wallet has not finished onboarding (no deployed wallet to withdraw from).
        case walletNotReady
        case insufficientBalance(available: Collateral)
        /// `WITHDRAWAL_DAILY_LIMIT` would be exceeded, counting what was accepted in the last 24 hours.
        case overDailyLimit(limit: Collateral, acceptedToday: Collateral)
        /// The idempotency key was used for a different amount or destination.
        case keyReused
        /// The destination is one of the user's own trading wallets.
        case ownWallet
        /// Production: the destination is not in the user's address book.
        case destinationNotInAddressBook
        /// The destination was added to the address book too recently.
        case destinationNotYetUsable(usableAt: Timestamp)
    }

    let store: any Store
    let exchange: any Exchange
    let relayerTxs: RelayerTxDriver
    let policy: WithdrawalPolicy

    public init(store: any Store, exchange: any Exchange, relayerTxs: RelayerTxDriver, policy: WithdrawalPolicy = .local) {
        self.store = store
        self.exchange = exchange
        self.relayerTxs = relayerTxs
        self.policy = policy
    }

    /// The key a user's client key is stored under: keys are per user, so two users never clash.
    public static func idempotencyKey(userID: UserID, clientKey: String) -> String {
        "withdraw:\(userID.rawValue):\(clientKey)"
    }

    /// Requests (or, for a key seen before, returns) a withdrawal and takes its first step.
    public func request(userID: UserID, amount: Collateral, destination: WalletAddress,
                        clientKey: String) async throws -> RelayerTx {
        let key = Self.idempotencyKey(userID: userID, clientKey: clientKey)
        if let existing = try await self.store.relayerTx(idempotencyKey: key) {
            return try Self.same(existing, amount: amount, destination: destination)
        }
        guard let wallet = try await self.store.wallets(userID: userID).first else { throw Failure.noWallet }
        guard wallet.type == .eoa || wallet.onboarding != .keyCreated else { throw Failure.walletNotReady }
        try await self.checkDestination(destination, of: userID)
        await self.refreshBalance(of: wallet)
        let tx = self.relayerTxs.unsigned(kind: .withdraw, key: key, wallet: wallet, amount: amount, destination: destination)
        let audit = AuditEntry(
            id: self.relayerTxs.ids.next(), actor: "user:\(userID.rawValue)", action: "withdrawal.requested",
            subjectType: "relayer_tx", subjectID: tx.id.rawValue,
            details: "\(amount) to \(destination)", createdAt: tx.createdAt)
        switch try await self.store.reserveWithdrawal(tx, dailyLimit: self.policy.dailyLimit, audit: audit) {
        case .reserved(let reserved):
            // Its turn may not come now (another request holds the wallet's sequence, the relayer
            // is away): the holder or the next worker tick sends it.
            return (try? await self.step(reserved)) ?? reserved
        case .existing(let raced):
            return try Self.same(raced, amount: amount, destination: destination)
        case .insufficient(let available):
            throw Failure.insufficientBalance(available: available)
        case .overDailyLimit(let limit, let acceptedToday):
            throw Failure.overDailyLimit(limit: limit, acceptedToday: acceptedToday)
        }
    }

    private static func same(_ existing: RelayerTx, amount: Collateral, destination: WalletAddress) throws -> RelayerTx {
        guard existing.amount == amount, existing.destination == destination else { throw Failure.keyReused }
        return existing
    }

    /// Not one of the user's own wallets, and in the address book and usable now — in local mode
    /// a new destination is added on first use (usable after the delay, 0 by default).
    private func checkDestination(_ destination: WalletAddress, of userID: UserID) async throws {
        let wallets = try await self.store.wallets(userID: userID)
        guard !wallets.contains(where: { $0.funderAddress == destination || $0.signerAddress == destination }) else {
            throw Failure.ownWallet
        }
        let now = self.relayerTxs.wallClock.now()
        if let entry = try await self.store.withdrawalAddresses(userID: userID).first(where: { $0.address == destination }) {
            guard entry.isUsable(at: now) else { throw Failure.destinationNotYetUsable(usableAt: entry.usableAt) }
            return
        }
        guard self.policy.addsNewDestinations else { throw Failure.destinationNotInAddressBook }
        let entry = WithdrawalAddress(userID: userID, address: destination, createdAt: now,
                                      usableAt: now + self.policy.addressDelay)
        _ = try await self.store.addWithdrawalAddress(entry, audit: AuditEntry(
            id: self.relayerTxs.ids.next(), actor: "user:\(userID.rawValue)", action: "withdrawal_address.added",
            subjectType: "withdrawal_address", subjectID: destination.lowercased,
            details: "added on first use (local mode), usable at \(entry.usableAt)", createdAt: now))
        guard entry.isUsable(at: now) else { throw Failure.destinationNotYetUsable(usableAt: entry.usableAt) }
    }

    /// Records the venue's balance as the wallet's synced balance before a reservation is
    /// checked against it. A venue that cannot answer leaves the last synced balance in force.
    private func refreshBalance(of wallet: TradingWallet) async {
        await WalletBalances(store: self.store, exchange: self.exchange, wallClock: self.relayerTxs.wallClock).read(wallet)
    }

    /// A user's withdrawals, newest first, FAILED ones included.
    public func list(userID: UserID, limit: Int = 100) async throws -> [RelayerTx] {
        try await self.store.relayerTxs(userID: userID, limit: limit).filter { $0.kind == .withdraw }
    }

    /// Moves every withdrawal in flight one step (submit in its wallet's turn, or poll); the
    /// auto-claim worker's tick calls it, so nothing waits for anyone else to act. Returns the
    /// rows it could step.
    @discardableResult
    public func pollInFlight(limit: Int = 200) async throws -> [RelayerTx] {
        var moved: [RelayerTx] = []
        for tx in try await self.store.relayerTxs(statuses: [.pending, .submitted, .mined], limit: limit)
        where tx.kind == .withdraw {
            // One unreachable relayer call must not hold the others up; the next tick retries it.
            if let stepped = try? await self.step(tx) { moved.append(stepped) }
        }
        return moved
    }

    private func step(_ tx: RelayerTx) async throws -> RelayerTx {
        let ids = self.relayerTxs.ids
        return try await self.relayerTxs.advance(tx, audit: { moved in
            AuditEntry(id: ids.next(), actor: "worker:withdrawals", action: "withdrawal.\(moved.status.rawValue.lowercased())",
                       subjectType: "relayer_tx", subjectID: moved.id.rawValue,
                       details: moved.lastError ?? (moved.transactionHash.map { "transaction \($0)" } ?? ""),
                       createdAt: moved.updatedAt)
        }, request: { row in try RelayerTxDriver.request(for: row) })
    }
}

/// What a withdrawal must satisfy besides the balance (issue #21).
public struct WithdrawalPolicy: Hashable, Sendable {
    /// The most a wallet may withdraw in any 24 hours (`WITHDRAWAL_DAILY_LIMIT`); `nil` = no limit.
    public var dailyLimit: Collateral?
    /// How long after it is added an address becomes usable (`WITHDRAWAL_ADDRESS_DELAY`).
    public var addressDelay: Duration
    /// Local mode: a destination not in the book is added on first use. Production: refused.
    public var addsNewDestinations: Bool

    public init(dailyLimit: Collateral? = nil, addressDelay: Duration, addsNewDestinations: Bool) {
        self.dailyLimit = dailyLimit
        self.addressDelay = addressDelay
        self.addsNewDestinations = addsNewDestinations
    }

    /// Local mode's defaults: no limit, no delay, new destinations added on first use.
    public static let local = WithdrawalPolicy(addressDelay: .zero, addsNewDestinations: true)
}
