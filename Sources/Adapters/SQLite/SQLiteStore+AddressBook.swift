import GRDB
public import Kernel
import StoreSupport

extension SQLiteStore: AddressBookStore {
    public func addWithdrawalAddress(_ entry: WithdrawalAddress, audit: AuditEntry) async throws -> Bool {
        try await self.write { db in
            try db.execute(
                sql: """
                    INSERT INTO withdrawal_addresses (user_id, address, label, created_at, usable_at)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, address) DO NOTHING
                    """,
                arguments: [entry.userID.rawValue, entry.address.lowercased, entry.label, entry.createdAt.sql,
                            entry.usableAt.sql])
            guard db.changesCount > 0 else { return false }
            try Self.insertAudit(audit, db)
            try Self.insertOutbox(OutboxEvent.addressAdded(entry), db)
            return true
        }
    }

    public func removeWithdrawalAddress(userID: UserID, address: WalletAddress, audit: AuditEntry) async throws -> Bool {
        try await self.write { db in
            guard try db.update(sql: "DELETE FROM withdrawal_addresses WHERE user_id = ? AND address = ?",
                                arguments: [userID.rawValue, address.lowercased])
            else { return false }
            try Self.insertAudit(audit, db)
            try Self.insertOutbox(OutboxEvent.addressRemoved(userID: userID, address: address, at: audit.createdAt), db)
            return true
        }
    }

    public func withdrawalAddresses(userID: UserID) async throws -> [WithdrawalAddress] {
        try await self.read { db in
            try db.fetch("SELECT * FROM withdrawal_addresses WHERE user_id = ? ORDER BY created_at, address",
                         [userID.rawValue], table: "withdrawal_addresses", WithdrawalAddress.init(row:))
        }
    }
}
