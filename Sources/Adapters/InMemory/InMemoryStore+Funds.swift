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
