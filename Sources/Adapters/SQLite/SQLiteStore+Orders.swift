import GRDB
public import Kernel
import StoreSupport

extension SQLiteStore: OrderStore {
    public func insertOrder(_ order: Order) async throws {
        try await self.write { db in try Self.insertOrder(order, db) }
    }

    static func insertOrder(_ order: Order, _ db: Database) throws {
        try db.insert(
            into: "orders",
            sql: """
                INSERT INTO orders (
                    id, attempt_id, profile_id, wallet_id, token_id, side, type, limit_price_units, shares_units,
                    maker_amount, taker_amount, status, signed_payload, filled_shares_units, filled_notional_units,
                    fee_units, paper, note, submitted_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                order.id.rawValue, order.attemptID.rawValue, order.profileID.rawValue, order.walletID.rawValue,
                order.tokenID.decimal, order.side.rawValue, order.type.rawValue, order.limitPrice.baseUnits,
                order.shares.baseUnits, order.makerAmount, order.takerAmount, order.status.rawValue,
                order.signedPayload, order.filledShares.baseUnits, order.filledNotional.baseUnits,
                order.fee.baseUnits, order.paper, order.note, order.submittedAt.sql, order.createdAt.sql,
                order.updatedAt.sql,
            ],
            keys: ["id": order.id.rawValue])
    }

    public func order(id: OrderID) async throws -> Order? {
        try await self.read { db in
            try db.fetchOne("SELECT * FROM orders WHERE id = ?", [id.rawValue], table: "orders", Order.init(row:))
        }
    }

    public func orders(attemptID: AttemptID) async throws -> [Order] {
        try await self.read { db in
            try db.fetch("SELECT * FROM orders WHERE attempt_id = ? ORDER BY created_at, id", [attemptID.rawValue],
                         table: "orders", Order.init(row:))
        }
    }

    public func orders(profileID: ProfileID, createdSince since: Timestamp) async throws -> [Order] {
        try await self.read { db in
            try db.fetch("SELECT * FROM orders WHERE profile_id = ? AND created_at >= ? ORDER BY created_at, id",
                         [profileID.rawValue, since.description], table: "orders", Order.init(row:))
        }
    }

    public func orders(statuses: Set<Order.Status>, limit: Int) async throws -> [Order] {
        guard !statuses.isEmpty, limit > 0 else { return [] }
        let statusList = statuses.map(\.rawValue).sorted()
        let placeholders = Array(repeating: "?", count: statusList.count).joined(separator: ", ")
        return try await self.read { db in
            try db.fetch(
                "SELECT * FROM orders WHERE status IN (\(placeholders)) ORDER BY created_at, id LIMIT ?",
                StatementArguments(statusList) + [limit], table: "orders", Order.init(row:))
        }
    }

    /// The status compare-and-set and the ledger booking commit together or not at all.
    public func updateOrder(_ order: Order, from expected: Order.Status, booking position: Position?,
                            audit: AuditEntry?) async throws -> Bool {
        try await self.write { db in
            guard try Self.updateOrder(order, from: expected, db) else { return false }
            if let position { try Self.savePosition(position, db) }
            try Self.insertAudit(audit, db)
            return true
        }
    }

    static func updateOrder(_ order: Order, from expected: Order.Status, _ db: Database) throws -> Bool {
        try db.update(
            sql: """
                UPDATE orders
                SET status = ?, filled_shares_units = ?, filled_notional_units = ?, fee_units = ?, note = ?,
                    submitted_at = ?, updated_at = ?
                WHERE id = ? AND status = ?
                """,
            arguments: [
                order.status.rawValue, order.filledShares.baseUnits, order.filledNotional.baseUnits,
                order.fee.baseUnits, order.note, order.submittedAt.sql, order.updatedAt.sql, order.id.rawValue,
                expected.rawValue,
            ])
    }

    /// Applies a fill to the position as stored now, inside the caller's transaction.
    static func book(_ booking: Booking, _ db: Database) throws {
        let stored = try db.fetchOne(
            "SELECT * FROM positions WHERE profile_id = ? AND token_id = ?",
            [booking.profileID.rawValue, booking.tokenID.decimal], table: "positions", Position.init(row:))
        try Self.savePosition(booking.applied(to: stored), db)
        if let walletID = booking.walletID {
            try db.cachedStatement(
                sql: """
                    UPDATE trading_wallets
                    SET synced_collateral_units = synced_collateral_units + ?,
                        balance_synced_at = max(balance_synced_at, ?)
                    WHERE id = ? AND synced_collateral_units IS NOT NULL
                    """
            ).execute(arguments: [booking.collateralChange.baseUnits, booking.at.sql, walletID.rawValue])
        }
    }

    public func position(profileID: ProfileID, tokenID: TokenID) async throws -> Position? {
        try await self.read { db in
            try db.fetchOne("SELECT * FROM positions WHERE profile_id = ? AND token_id = ?",
                            [profileID.rawValue, tokenID.decimal], table: "positions", Position.init(row:))
        }
    }

    /// In token-id order: numeric, so shorter decimal strings first.
    public func positions(profileID: ProfileID) async throws -> [Position] {
        try await self.read { db in
            try db.fetch(
                "SELECT * FROM positions WHERE profile_id = ? ORDER BY length(token_id), token_id",
                [profileID.rawValue], table: "positions", Position.init(row:))
        }
    }

    public func savePosition(_ position: Position) async throws {
        try await self.write { db in try Self.savePosition(position, db) }
    }

    public func redeemablePositions(limit: Int) async throws -> [Position] {
        try await self.read { db in
            try db.fetch(
                """
                SELECT * FROM positions WHERE redeemable = 1 AND shares_units > 0
                ORDER BY profile_id, length(token_id), token_id LIMIT ?
                """, [max(limit, 0)], table: "positions", Position.init(row:))
        }
    }

    private static func savePosition(_ position: Position, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO positions (
                    profile_id, token_id, condition_id, shares_units, cost_basis_units, realized_pnl_units, redeemable,
                    updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (profile_id, token_id) DO UPDATE SET
                    condition_id = excluded.condition_id, shares_units = excluded.shares_units,
                    cost_basis_units = excluded.cost_basis_units, realized_pnl_units = excluded.realized_pnl_units,
                    redeemable = excluded.redeemable, updated_at = excluded.updated_at
                """
        ).execute(arguments: [
            position.profileID.rawValue, position.tokenID.decimal, position.conditionID, position.shares.baseUnits,
            position.costBasis.baseUnits, position.realizedPnL.baseUnits, position.redeemable, position.updatedAt.sql,
        ])
    }
}
