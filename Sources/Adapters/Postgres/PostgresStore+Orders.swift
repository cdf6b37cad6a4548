public import Kernel
import Logging
import PostgresNIO
import StoreSupport

extension PostgresStore: OrderStore {
    public func insertOrder(_ order: Order) async throws {
        try await self.read { db in try await Self.insertOrder(order, db, logger: self.logger) }
    }

    static func insertOrder(_ order: Order, _ db: some QueryRunner, logger: Logger) async throws {
        try await db.execute(
            """
            INSERT INTO orders (
                id, attempt_id, profile_id, wallet_id, token_id, side, type, limit_price_units, shares_units,
                maker_amount, taker_amount, status, signed_payload, filled_shares_units, filled_notional_units,
                fee_units, paper, note, submitted_at, created_at, updated_at)
            VALUES (
                \(order.id.rawValue), \(order.attemptID.rawValue), \(order.profileID.rawValue),
                \(order.walletID.rawValue), \(order.tokenID.decimal), \(order.side.rawValue), \(order.type.rawValue),
                \(order.limitPrice.baseUnits), \(order.shares.baseUnits), \(order.makerAmount), \(order.takerAmount),
                \(order.status.rawValue), \(order.signedPayload), \(order.filledShares.baseUnits),
                \(order.filledNotional.baseUnits), \(order.fee.baseUnits), \(order.paper), \(order.note),
                \(order.submittedAt.pg), \(order.createdAt.pg), \(order.updatedAt.pg))
            """, logger: logger)
    }

    public func order(id: OrderID) async throws -> Order? {
        try await self.read { db in
            try await db.fetchOne("SELECT * FROM orders WHERE id = \(id.rawValue)", table: "orders", logger: self.logger,
                                  Order.init(row:))
        }
    }

    public func orders(attemptID: AttemptID) async throws -> [Order] {
        try await self.read { db in
            try await db.fetch(
                "SELECT * FROM orders WHERE attempt_id = \(attemptID.rawValue) ORDER BY created_at, id",
                table: "orders", logger: self.logger, Order.init(row:))
        }
    }

    public func orders(profileID: ProfileID, createdSince since: Timestamp) async throws -> [Order] {
        try await self.read { db in
            try await db.fetch(
                """
                SELECT * FROM orders WHERE profile_id = \(profileID.rawValue) AND created_at >= \(since.pg)
                ORDER BY created_at, id
                """, table: "orders", logger: self.logger, Order.init(row:))
        }
    }

    public func orders(statuses: Set<Order.Status>, limit: Int) async throws -> [Order] {
        guard !statuses.isEmpty, limit > 0 else { return [] }
        return try await self.read { db in
            try await db.fetch(
                """
                SELECT * FROM orders WHERE status = ANY(\(statuses.map(\.rawValue).sorted()))
                ORDER BY created_at, id LIMIT \(limit)
                """, table: "orders", logger: self.logger, Order.init(row:))
        }
    }

    /// One transaction: the status compare-and-set, then the ledger booking only if it won.
    public func updateOrder(_ order: Order, from expected: Order.Status, booking position: Position?,
                            audit: AuditEntry?) async throws -> Bool {
        try await self.transaction { connection in
            guard try await Self.updateOrder(order, from: expected, connection, logger: self.logger) else { return false }
            if let position { try await Self.savePosition(position, connection, logger: self.logger) }
            try await Self.insertAudit(audit, connection, logger: self.logger)
            return true
        }
    }

    static func updateOrder(_ order: Order, from expected: Order.Status, _ db: some QueryRunner,
                            logger: Logger) async throws -> Bool {
        try await db.execute(
            """
            UPDATE orders
            SET status = \(order.status.rawValue), filled_shares_units = \(order.filledShares.baseUnits),
                filled_notional_units = \(order.filledNotional.baseUnits), fee_units = \(order.fee.baseUnits),
                note = \(order.note), submitted_at = \(order.submittedAt.pg), updated_at = \(order.updatedAt.pg)
            WHERE id = \(order.id.rawValue) AND status = \(expected.rawValue)
            RETURNING 1
            """, logger: logger) > 0
    }

    public func position(profileID: ProfileID, tokenID: TokenID) async throws -> Position? {
        try await self.read { db in
            try await db.fetchOne(
                "SELECT * FROM positions WHERE profile_id = \(profileID.rawValue) AND token_id = \(tokenID.decimal)",
                table: "positions", logger: self.logger, Position.init(row:))
        }
    }

    /// In token-id order: numeric, so shorter decimal strings first.
    public func positions(profileID: ProfileID) async throws -> [Position] {
        try await self.read { db in
            try await db.fetch(
                """
                SELECT * FROM positions WHERE profile_id = \(profileID.rawValue)
                ORDER BY length(token_id), token_id
                """, table: "positions", logger: self.logger, Position.init(row:))
        }
    }

    public func redeemablePositions(limit: Int) async throws -> [Position] {
        try await self.read { db in
            try await db.fetch(
                """
                SELECT * FROM positions WHERE redeemable AND shares_units > 0
                ORDER BY profile_id, length(token_id), token_id LIMIT \(max(limit, 0))
                """, table: "positions", logger: self.logger, Position.init(row:))
        }
    }

    public func savePosition(_ position: Position) async throws {
        try await self.read { db in try await Self.savePosition(position, db, logger: self.logger) }
    }

    private static func savePosition(_ position: Position, _ db: some QueryRunner, logger: Logger) async throws {
        try await db.execute(
            """
            INSERT INTO positions (
                profile_id, token_id, condition_id, shares_units, cost_basis_units, realized_pnl_units, redeemable,
                updated_at)
            VALUES (
                \(position.profileID.rawValue), \(position.tokenID.decimal), \(position.conditionID),
                \(position.shares.baseUnits), \(position.costBasis.baseUnits), \(position.realizedPnL.baseUnits),
                \(position.redeemable), \(position.updatedAt.pg))
            ON CONFLICT (profile_id, token_id) DO UPDATE SET
                condition_id = excluded.condition_id, shares_units = excluded.shares_units,
                cost_basis_units = excluded.cost_basis_units, realized_pnl_units = excluded.realized_pnl_units,
                redeemable = excluded.redeemable, updated_at = excluded.updated_at
            """, logger: logger)
    }
}
