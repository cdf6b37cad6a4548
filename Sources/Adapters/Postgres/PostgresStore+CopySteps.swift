public import Kernel
import Logging
import PostgresNIO
import StoreSupport

extension PostgresStore {
    /// One transaction and a handful of statements for the whole batch, whatever its size: the
    /// batch's attempts, the orders it updates and the wallets it spends from are locked (in that
    /// order, each by id, so batches never wait on each other crosswise) and read; each step is
    /// judged in memory against them — its fence, its orders' statuses, its wallet's funds as the
    /// steps before it left them; then the steps that apply are written in multi-row statements.
    public func commitAttemptSteps(_ steps: [AttemptStep]) async throws -> [StepOutcome] {
        guard !steps.isEmpty else { return [] }
        return try await self.transaction { db in
            let attemptIDs = steps.map(\.attempt.id.rawValue).sorted()
            var fences: [AttemptID: (status: String, token: Int64)] = [:]
            for (id, fence) in try await db.fetch(
                "SELECT id, status, fencing_token FROM copy_attempts WHERE id = ANY(\(attemptIDs)) ORDER BY id FOR UPDATE",
                table: "copy_attempts", logger: self.logger, { row in
                    (try row.id("id") as AttemptID, (try row.text("status"), try row.integer("fencing_token")))
                }) {
                fences[id] = fence
            }
            let updatedOrderIDs = steps.flatMap { $0.orderUpdates.map(\.order.id.rawValue) }.sorted()
            var orderStatuses: [OrderID: String] = [:]
            if !updatedOrderIDs.isEmpty {
                for (id, status) in try await db.fetch(
                    "SELECT id, status FROM orders WHERE id = ANY(\(updatedOrderIDs)) ORDER BY id FOR UPDATE",
                    table: "orders", logger: self.logger, { row in (try row.id("id") as OrderID, try row.text("status")) }) {
                    orderStatuses[id] = status
                }
            }
            let wallets = Set(steps.compactMap { $0.fundsNeeded?.walletID.rawValue }).sorted()
            var funds: [WalletID: WalletFunds] = [:]
            if !wallets.isEmpty {
                _ = try await db.execute(
                    "SELECT 1 FROM trading_wallets WHERE id = ANY(\(wallets)) ORDER BY id FOR UPDATE", logger: self.logger)
                funds = try await Self.walletFunds(Set(wallets.map { WalletID($0) }), on: db, logger: self.logger)
            }

            var outcomes: [StepOutcome] = []
            var applied: [AttemptStep] = []
            for step in steps {
                guard let fence = fences[step.attempt.id], fence.status == step.expected.rawValue,
                      fence.token == step.attempt.fencingToken,
                      step.orderUpdates.allSatisfy({ orderStatuses[$0.order.id] == $0.from.rawValue })
                else {
                    outcomes.append(.claimLost)
                    continue
                }
                if let needed = step.fundsNeeded {
                    guard funds[needed.walletID]?.covers(needed.amount) ?? false else {
                        outcomes.append(.insufficientFunds)
                        continue
                    }
                    funds[needed.walletID]?.openBuys += step.newOrders.filter { $0.side == .buy && !$0.paper }.map(OpenBuy.init)
                }
                fences[step.attempt.id] = (step.attempt.status.rawValue, step.attempt.fencingToken)
                for update in step.orderUpdates { orderStatuses[update.order.id] = update.order.status.rawValue }
                applied.append(step)
                outcomes.append(.applied)
            }

            try await Self.updateAttempts(applied.map(\.attempt), db, logger: self.logger)
            try await Self.insertOrders(applied.flatMap(\.newOrders), db, logger: self.logger)
            try await Self.updateOrders(applied.flatMap { $0.orderUpdates.map(\.order) }, db, logger: self.logger)
            try await Self.book(applied.flatMap(\.bookings), db, logger: self.logger)
            return outcomes
        }
    }

    // MARK: Multi-row statements

    /// The most bind parameters one statement may carry (the protocol's limit is 65,535).
    static let bindLimit = 60_000

    /// `rows` split into chunks whose binds (`columns` per row) fit in one statement.
    static func chunks<Row>(_ rows: [Row], columns: Int) -> [ArraySlice<Row>] {
        let size = max(1, Self.bindLimit / columns)
        return stride(from: 0, to: rows.count, by: size).map { rows[$0..<min($0 + size, rows.count)] }
    }

    /// Inserts attempts, a multi-row INSERT per chunk.
    static func insertAttempts(_ attempts: [CopyAttempt], _ db: some QueryRunner, logger: Logger) async throws {
        for chunk in Self.chunks(attempts, columns: 24) {
            var rows = BulkRows()
            for attempt in chunk {
                try rows.add(attempt.id.rawValue)
                try rows.add(attempt.profileID.rawValue)
                try rows.add(attempt.userID.rawValue)
                try rows.add(attempt.leaderEventID?.rawValue)
                try rows.add(attempt.kind.rawValue)
                try rows.add(attempt.tokenID.decimal)
                try rows.add(attempt.conditionID)
                try rows.add(attempt.fanoutPlace.map(Int32.init))
                try rows.add(attempt.targetShares?.baseUnits)
                try rows.add(attempt.status.rawValue)
                try rows.add(attempt.skipReason?.rawValue)
                try rows.add(attempt.note)
                try rows.add(attempt.dueAt.pg)
                try rows.add(attempt.leaseOwner)
                try rows.add(attempt.leaseExpiresAt.pg)
                try rows.add(attempt.fencingToken)
                try rows.add(attempt.detectedAt.pg)
                try rows.add(attempt.sentAt.pg)
                try rows.add(attempt.acceptedAt.pg)
                try rows.add(attempt.filledShares.baseUnits)
                try rows.add(attempt.fillPrice?.baseUnits)
                try rows.add(attempt.leaderPrice?.baseUnits)
                try rows.add(attempt.createdAt.pg)
                try rows.add(attempt.updatedAt.pg)
                rows.endRow()
            }
            _ = try await db.execute(PostgresQuery(unsafeSQL: """
                INSERT INTO copy_attempts (
                    id, profile_id, user_id, leader_event_id, kind, token_id, condition_id, fanout_place,
                    target_shares_units, status, skip_reason, note, due_at, lease_owner, lease_expires_at, fencing_token,
                    detected_at, sent_at, accepted_at, filled_shares_units, fill_price_units, leader_price_units,
                    created_at, updated_at)
                VALUES \(rows.values)
                """, binds: rows.binds), logger: logger)
        }
    }

    /// Writes every mutable field of each attempt (their fences were checked under lock).
    static func updateAttempts(_ attempts: [CopyAttempt], _ db: some QueryRunner, logger: Logger) async throws {
        for chunk in Self.chunks(attempts, columns: 16) {
            var rows = BulkRows()
            for attempt in chunk {
                try rows.add(attempt.id.rawValue)
                try rows.add(attempt.status.rawValue)
                try rows.add(attempt.skipReason?.rawValue)
                try rows.add(attempt.note)
                try rows.add(attempt.targetShares?.baseUnits)
                try rows.add(attempt.dueAt.pg)
                try rows.add(attempt.leaseOwner)
                try rows.add(attempt.leaseExpiresAt.pg)
                try rows.add(attempt.sentAt.pg)
                try rows.add(attempt.acceptedAt.pg)
                try rows.add(attempt.filledShares.baseUnits)
                try rows.add(attempt.fillPrice?.baseUnits)
                try rows.add(attempt.fanoutPlace.map(Int32.init))
                try rows.add(attempt.updatedAt.pg)
                try rows.add(attempt.idealShares?.baseUnits)
                try rows.add(attempt.decisionPrice?.baseUnits)
                rows.endRow()
            }
            _ = try await db.execute(PostgresQuery(unsafeSQL: """
                UPDATE copy_attempts AS a
                SET status = v.status::text, skip_reason = v.skip_reason::text, note = v.note::text,
                    target_shares_units = v.target::bigint, due_at = v.due_at::timestamptz,
                    lease_owner = v.lease_owner::text, lease_expires_at = v.lease_expires_at::timestamptz,
                    sent_at = v.sent_at::timestamptz, accepted_at = v.accepted_at::timestamptz,
                    filled_shares_units = v.filled::bigint, fill_price_units = v.fill_price::bigint,
                    fanout_place = v.place::integer, updated_at = v.updated_at::timestamptz,
                    ideal_shares_units = v.ideal::bigint, decision_price_units = v.decision::bigint
                FROM (VALUES \(rows.values)) AS v(id, status, skip_reason, note, target, due_at, lease_owner,
                    lease_expires_at, sent_at, accepted_at, filled, fill_price, place, updated_at, ideal, decision)
                WHERE a.id = v.id::text
                """, binds: rows.binds), logger: logger)
        }
    }

    static func insertOrders(_ orders: [Order], _ db: some QueryRunner, logger: Logger) async throws {
        for chunk in Self.chunks(orders, columns: 21) {
            var rows = BulkRows()
            for order in chunk {
                try rows.add(order.id.rawValue)
                try rows.add(order.attemptID.rawValue)
                try rows.add(order.profileID.rawValue)
                try rows.add(order.walletID.rawValue)
                try rows.add(order.tokenID.decimal)
                try rows.add(order.side.rawValue)
                try rows.add(order.type.rawValue)
                try rows.add(order.limitPrice.baseUnits)
                try rows.add(order.shares.baseUnits)
                try rows.add(order.makerAmount)
                try rows.add(order.takerAmount)
                try rows.add(order.status.rawValue)
                try rows.add(order.signedPayload)
                try rows.add(order.filledShares.baseUnits)
                try rows.add(order.filledNotional.baseUnits)
                try rows.add(order.fee.baseUnits)
                try rows.add(order.paper)
                try rows.add(order.note)
                try rows.add(order.submittedAt.pg)
                try rows.add(order.createdAt.pg)
                try rows.add(order.updatedAt.pg)
                rows.endRow()
            }
            _ = try await db.execute(PostgresQuery(unsafeSQL: """
                INSERT INTO orders (
                    id, attempt_id, profile_id, wallet_id, token_id, side, type, limit_price_units, shares_units,
                    maker_amount, taker_amount, status, signed_payload, filled_shares_units, filled_notional_units,
                    fee_units, paper, note, submitted_at, created_at, updated_at)
                VALUES \(rows.values)
                """, binds: rows.binds), logger: logger)
        }
    }

    /// Writes each order's mutable fields (their statuses were checked under lock).
    static func updateOrders(_ orders: [Order], _ db: some QueryRunner, logger: Logger) async throws {
        for chunk in Self.chunks(orders, columns: 8) {
            var rows = BulkRows()
            for order in chunk {
                try rows.add(order.id.rawValue)
                try rows.add(order.status.rawValue)
                try rows.add(order.filledShares.baseUnits)
                try rows.add(order.filledNotional.baseUnits)
                try rows.add(order.fee.baseUnits)
                try rows.add(order.note)
                try rows.add(order.submittedAt.pg)
                try rows.add(order.updatedAt.pg)
                rows.endRow()
            }
            _ = try await db.execute(PostgresQuery(unsafeSQL: """
                UPDATE orders AS o
                SET status = v.status::text, filled_shares_units = v.filled::bigint,
                    filled_notional_units = v.notional::bigint, fee_units = v.fee::bigint, note = v.note::text,
                    submitted_at = v.submitted_at::timestamptz, updated_at = v.updated_at::timestamptz
                FROM (VALUES \(rows.values)) AS v(id, status, filled, notional, fee, note, submitted_at, updated_at)
                WHERE o.id = v.id::text
                """, binds: rows.binds), logger: logger)
        }
    }

    /// Applies fills to the positions as stored (read locked, all at once), in order, and moves
    /// each live wallet's synced balance by the sum of its fills.
    static func book(_ bookings: [Booking], _ db: some QueryRunner, logger: Logger) async throws {
        guard !bookings.isEmpty else { return }
        let keys = Array(Set(bookings.map { PositionKey(profileID: $0.profileID, tokenID: $0.tokenID) }))
        let profileIDs = keys.map(\.profileID.rawValue)
        let tokenIDs = keys.map(\.tokenID.decimal)
        var positions: [PositionKey: Position] = [:]
        for position in try await db.fetch(
            """
            SELECT * FROM positions
            WHERE (profile_id, token_id) IN (SELECT * FROM UNNEST(\(profileIDs)::text[], \(tokenIDs)::text[]))
            ORDER BY profile_id, token_id FOR UPDATE
            """, table: "positions", logger: logger, Position.init(row:)) {
            positions[PositionKey(profileID: position.profileID, tokenID: position.tokenID)] = position
        }
        var walletChanges: [WalletID: (change: Collateral, at: Timestamp)] = [:]
        for booking in bookings {
            let key = PositionKey(profileID: booking.profileID, tokenID: booking.tokenID)
            positions[key] = booking.applied(to: positions[key])
            if let walletID = booking.walletID {
                let previous = walletChanges[walletID] ?? (.zero, booking.at)
                walletChanges[walletID] = (previous.change + booking.collateralChange, max(previous.at, booking.at))
            }
        }
        let changed = keys.compactMap { positions[$0] }
        for chunk in Self.chunks(changed, columns: 8) {
            var rows = BulkRows()
            for position in chunk {
                try rows.add(position.profileID.rawValue)
                try rows.add(position.tokenID.decimal)
                try rows.add(position.conditionID)
                try rows.add(position.shares.baseUnits)
                try rows.add(position.costBasis.baseUnits)
                try rows.add(position.realizedPnL.baseUnits)
                try rows.add(position.redeemable)
                try rows.add(position.updatedAt.pg)
                rows.endRow()
            }
            _ = try await db.execute(PostgresQuery(unsafeSQL: """
                INSERT INTO positions (
                    profile_id, token_id, condition_id, shares_units, cost_basis_units, realized_pnl_units, redeemable,
                    updated_at)
                VALUES \(rows.values)
                ON CONFLICT (profile_id, token_id) DO UPDATE SET
                    condition_id = excluded.condition_id, shares_units = excluded.shares_units,
                    cost_basis_units = excluded.cost_basis_units, realized_pnl_units = excluded.realized_pnl_units,
                    redeemable = excluded.redeemable, updated_at = excluded.updated_at
                """, binds: rows.binds), logger: logger)
        }
        let wallets = walletChanges.sorted { $0.key.rawValue < $1.key.rawValue }
        for chunk in Self.chunks(wallets, columns: 3) {
            var rows = BulkRows()
            for (walletID, change) in chunk {
                try rows.add(walletID.rawValue)
                try rows.add(change.change.baseUnits)
                try rows.add(change.at.pg)
                rows.endRow()
            }
            _ = try await db.execute(PostgresQuery(unsafeSQL: """
                UPDATE trading_wallets AS w
                SET synced_collateral_units = w.synced_collateral_units + v.change::bigint,
                    balance_synced_at = GREATEST(w.balance_synced_at, v.at::timestamptz)
                FROM (VALUES \(rows.values)) AS v(id, change, at)
                WHERE w.id = v.id::text AND w.synced_collateral_units IS NOT NULL
                """, binds: rows.binds), logger: logger)
        }
    }
}

/// A position's key: profile and token.
struct PositionKey: Hashable {
    let profileID: ProfileID
    let tokenID: TokenID
}

/// Rows of bind parameters for one multi-row statement: `VALUES ($1, $2), ($3, $4)…`.
struct BulkRows {
    private(set) var binds = PostgresBindings()
    private var rows: [String] = []
    private var current: [String] = []

    mutating func add<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value?) throws {
        try self.binds.append(value)
        self.current.append("$\(self.binds.count)")
    }

    mutating func endRow() {
        self.rows.append("(" + self.current.joined(separator: ", ") + ")")
        self.current = []
    }

    /// The rows, for after `VALUES`.
    var values: String { self.rows.joined(separator: ", ") }
}
