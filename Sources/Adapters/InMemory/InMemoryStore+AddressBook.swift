public import Kernel

// MARK: - AddressBookStore

extension InMemoryStore {
    public func addWithdrawalAddress(_ entry: WithdrawalAddress, audit: AuditEntry) throws -> Bool {
        guard self.withdrawalAddressBook[entry.userID]?[entry.address] == nil else { return false }
        try self.appendAudit(audit)
        self.withdrawalAddressBook[entry.userID, default: [:]][entry.address] = entry
        self.recordOutbox(OutboxEvent.addressAdded(entry))
        return true
    }

    public func removeWithdrawalAddress(userID: UserID, address: WalletAddress, audit: AuditEntry) throws -> Bool {
        guard self.withdrawalAddressBook[userID]?[address] != nil else { return false }
        try self.appendAudit(audit)
        self.withdrawalAddressBook[userID]?[address] = nil
        self.recordOutbox(OutboxEvent.addressRemoved(userID: userID, address: address, at: audit.createdAt))
        return true
    }

    public func withdrawalAddresses(userID: UserID) -> [WithdrawalAddress] {
        (self.withdrawalAddressBook[userID] ?? [:]).values.sorted { ($0.createdAt, $0.address) < ($1.createdAt, $1.address) }
    }
}
