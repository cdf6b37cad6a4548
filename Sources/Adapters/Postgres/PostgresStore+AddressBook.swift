public import Kernel
import PostgresNIO
import StoreSupport

extension PostgresStore: AddressBookStore {
    public func addWithdrawalAddress(_ entry: WithdrawalAddress, audit: AuditEntry) async throws -> Bool {
        try await self.transaction { db in
            guard try await db.execute(
                """
                INSERT INTO withdrawal_addresses (user_id, address, label, created_at, usable_at)
                VALUES (\(entry.userID.rawValue), \(entry.address.lowercased), \(entry.label), \(entry.createdAt.pg),
                        \(entry.usableAt.pg))
                ON CONFLICT (user_id, address) DO NOTHING RETURNING 1
                """, logger: self.logger) > 0
            else { return false }
            try await Self.insertAudit(audit, db, logger: self.logger)
            try await Self.insertOutbox(OutboxEvent.addressAdded(entry), db, logger: self.logger)
            return true
        }
    }

    public func removeWithdrawalAddress(userID: UserID, address: WalletAddress, audit: AuditEntry) async throws -> Bool {
        try await self.transaction { db in
            guard try await db.execute(
                """
                DELETE FROM withdrawal_addresses WHERE user_id = \(userID.rawValue) AND address = \(address.lowercased)
                RETURNING 1
                """, logger: self.logger) > 0
            else { return false }
            try await Self.insertAudit(audit, db, logger: self.logger)
            try await Self.insertOutbox(OutboxEvent.addressRemoved(userID: userID, address: address, at: audit.createdAt), db,
                                        logger: self.logger)
            return true
        }
    }

    public func withdrawalAddresses(userID: UserID) async throws -> [WithdrawalAddress] {
        try await self.read { db in
            try await db.fetch(
                "SELECT * FROM withdrawal_addresses WHERE user_id = \(userID.rawValue) ORDER BY created_at, address",
                table: "withdrawal_addresses", logger: self.logger, WithdrawalAddress.init(row:))
        }
    }
}
