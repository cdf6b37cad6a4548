/// Collateral out of a user's trading wallet: balance checked, then one `relayer_txs` row under
/// the client's idempotency key (stored signed, submitted, polled to CONFIRMED). A repeated
/// request with the same key is the same withdrawal; a FAILED one waits for
/// `POST /admin/retry-relayer`, which re-drives the same row.
public struct Withdrawals: Sendable {
    public enum Failure: Error, Hashable, Sendable {
        case noWallet
        /// The wallet has not finished onboarding (no deployed wallet to withdraw from).
        case walletNotReady
        case insufficientBalance(available: Collateral)
        /// The idempotency key was used for a different amount or destination.
        case keyReused
    }

    let store: any Store
    let exchange: any Exchange
    let relayerTxs: RelayerTxDriver

    public init(store: any Store, exchange: any Exchange, relayerTxs: RelayerTxDriver) {
        self.store = store
        self.exchange = exchange
        self.relayerTxs = relayerTxs
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
            guard existing.amount == amount, existing.destination == destination else { throw Failure.keyReused }
            return existing
        }
        guard let wallet = try await self.store.wallets(userID: userID).first else { throw Failure.noWallet }
        guard wallet.type == .eoa || wallet.onboarding != .keyCreated else { throw Failure.walletNotReady }
        let balance = try await self.exchange.collateralBalance(account: TradingAccount(wallet))
        let inFlight = try await self.store.relayerTxs(userID: userID, limit: 500)
            .filter { $0.kind == .withdraw && !$0.status.isFinalForWorkers }
            .reduce(Collateral.zero) { $0 + ($1.amount ?? .zero) }
        let available = balance - inFlight
        guard amount <= available else { throw Failure.insufficientBalance(available: max(available, .zero)) }
        let tx = try await self.relayerTxs.stored(.withdraw(amount: amount, to: destination), kind: .withdraw, key: key,
                                                  wallet: wallet, amount: amount, destination: destination)
        return try await self.step(tx)
    }

    /// A user's withdrawals, newest first, FAILED ones included.
    public func list(userID: UserID, limit: Int = 100) async throws -> [RelayerTx] {
        try await self.store.relayerTxs(userID: userID, limit: limit).filter { $0.kind == .withdraw }
    }

    /// Moves every withdrawal in flight one step (submit or poll); the auto-claim worker's tick
    /// calls it, so an operator's retry completes without anyone else acting. Returns the rows
    /// it could step.
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
        try await self.relayerTxs.advance(tx) { row in
            guard let amount = row.amount, let destination = row.destination else {
                throw StoreError.notFound(entity: "relayer_txs.destination", key: row.id.rawValue)
            }
            return .withdraw(amount: amount, to: destination)
        }
    }
}
