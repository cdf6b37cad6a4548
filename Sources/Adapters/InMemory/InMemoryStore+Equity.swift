public import Kernel

// MARK: - EquityStore

extension InMemoryStore {
    public func recordEquitySnapshot(_ snapshot: EquitySnapshot) -> Bool {
        var points = self.equityByWallet[snapshot.walletID] ?? [:]
        guard points[snapshot.hour] == nil else { return false }
        points = points.filter { $0.key >= snapshot.hour - EquitySnapshot.retainedHours }
        points[snapshot.hour] = snapshot
        self.equityByWallet[snapshot.walletID] = points
        return true
    }

    public func equitySnapshots(walletID: WalletID, since: Timestamp) -> [EquitySnapshot] {
        (self.equityByWallet[walletID] ?? [:]).values.filter { $0.takenAt >= since }.sorted { $0.takenAt < $1.takenAt }
    }
}
