public import Kernel

// MARK: - FundsStore

/// The actor is the wallet lock: a method that checks ``walletFunds(_:)`` and writes, without
/// suspending in between, is serialized with every other.
extension InMemoryStore {
    public func recordSyncedBalance(walletID: WalletID, collateral: Collateral, at time: Timestamp) throws -> Bool {
        guard self.walletsByID[walletID] != nil else {
            throw StoreError.notFound(entity: "trading_wallets", key: walletID.rawValue)
        }
        if let stored = self.syncedBalances[walletID], time < stored.at { return false }
        self.syncedBalances[walletID] = (collateral, time)
        let cutoff = WalletFunds.releaseCutoff(syncedAt: time)
        for tx in self.relayerTxsByID.values
        where tx.walletID == walletID && tx.kind == .withdraw && tx.status == .confirmed && tx.updatedAt <= cutoff {
            self.releasedWithdrawals.insert(tx.id)
        }
        return true
    }

    public func walletFunds(walletID: WalletID) throws -> WalletFunds {
        try self.walletFunds(walletID)
    }

    public func reserveWithdrawal(_ tx: RelayerTx, dailyLimit: Collateral?, audit: AuditEntry?) throws
        -> WithdrawalReservation {
        if let existing = self.relayerTx(idempotencyKey: tx.idempotencyKey) { return .existing(existing) }
        let since = tx.createdAt - WithdrawalReservation.dailyWindow
        let today = self.relayerTxsByID.values
            .filter { $0.walletID == tx.walletID && $0.kind == .withdraw && $0.createdAt > since }
            .reduce(Collateral.zero) { $0 + ($1.amount ?? .zero) }
        if let refusal = WithdrawalReservation.refusal(amount: tx.amount ?? .zero, funds: try self.walletFunds(tx.walletID),
                                                       acceptedToday: today, dailyLimit: dailyLimit) {
            return refusal
        }
        try self.insertRelayerTx(tx)
        do {
            if let audit { try self.appendAudit(audit) }
        } catch {
            // One step: a taken audit id leaves no withdrawal behind.
            self.relayerTxsByID[tx.id] = nil
            self.relayerTxIDsByKey[tx.idempotencyKey] = nil
            throw error
        }
        self.recordOutbox(OutboxEvent.withdrawalAccepted(tx))
        return .reserved(tx)
    }

    public func reReserveWithdrawal(_ tx: RelayerTx, audit: AuditEntry?) throws -> WithdrawalReservation {
        guard let stored = self.relayerTxsByID[tx.id] else {
            throw StoreError.notFound(entity: "relayer_txs", key: tx.id.rawValue)
        }
        guard stored.status == .failed else { return .existing(stored) }
        let funds = try self.walletFunds(tx.walletID)
        guard funds.covers(tx.amount ?? .zero) else { return .insufficient(available: funds.available) }
        guard try self.updateRelayerTx(tx, from: .failed, audit: audit) else { return .existing(stored) }
        return .reserved(tx)
    }

    /// The inputs of ``WalletFunds``, for this actor's own check-and-write methods.
    func walletFunds(_ walletID: WalletID) throws -> WalletFunds {
        guard self.walletsByID[walletID] != nil else {
            throw StoreError.notFound(entity: "trading_wallets", key: walletID.rawValue)
        }
        let synced = self.syncedBalances[walletID]
        let withdrawals = self.relayerTxsByID.values
            .filter { $0.walletID == walletID && $0.canHoldReservation && !self.releasedWithdrawals.contains($0.id) }
            .map { $0.amount ?? .zero }
        let buys = self.ordersByID.values
            .filter { $0.walletID == walletID && $0.side == .buy && !$0.paper && $0.status.holdsReservation }
            .sorted { $0.id.rawValue < $1.id.rawValue }
            .map(OpenBuy.init)
        return WalletFunds(walletID: walletID, syncedBalance: synced?.collateral, syncedAt: synced?.at,
                           reservedWithdrawals: withdrawals, openBuys: buys)
    }
}
