public import Kernel
import Logging
import PostgresNIO
import StoreSupport

extension PostgresStore {
    /// One transaction of four or five round trips for the whole batch, whatever its size: one
    /// statement locks and reads the batch's attempts, the orders it updates and the wallets it
    /// spends from (in that order, each by id, so batches never wait on each other crosswise);
    /// one reads those wallets' reservations once the locks are held, one the positions it books;
    /// each step is judged in memory against them — its fence, its orders' statuses, its wallet's
    /// funds as the steps before it left them; then every write of the steps that apply goes in
    /// one statement (data-modifying `WITH` parts; more only past the bind limit).
    public func commitAttemptSteps(_ steps: [AttemptStep]) async throws -> [StepOutcome] {
        guard !steps.isEmpty else { return [] }
        return try await self.transaction { db in
            let wallets = Set(steps.compactMap { $0.fundsNeeded?.walletID })
            var locked = try await Self.lockStepRows(
                attempts: steps.map(\.attempt.id), orders: steps.flatMap { $0.orderUpdates.map(\.order.id) },
                wallets: wallets, db, logger: self.logger)
            var funds = try await Self.reservations(of: locked.synced, db, logger: self.logger)
            var accounts = try await Self.lockAccountCaps(steps, db, logger: self.logger)

            var outcomes: [StepOutcome] = []
            var applied: [AttemptStep] = []
            for step in steps {
                guard let fence = locked.fences[step.attempt.id], fence.status == step.expected.rawValue,
                      fence.token == step.attempt.fencingToken,
                      step.orderUpdates.allSatisfy({ locked.orderStatuses[$0.order.id] == $0.from.rawValue })
                else {
                    outcomes.append(.claimLost)
                    continue
                }
                guard accounts.fits(step) else {
                    outcomes.append(.eventCapReached)
                    continue
                }
                if let needed = step.fundsNeeded {
                    guard funds[needed.walletID]?.covers(needed.amount) ?? false else {
                        outcomes.append(.insufficientFunds)
                        continue
                    }
                    funds[needed.walletID]?.openBuys += step.newOrders.filter { $0.side == .buy && !$0.paper }.map(OpenBuy.init)
                }
                locked.fences[step.attempt.id] = (step.attempt.status.rawValue, step.attempt.fencingToken)
                for update in step.orderUpdates { locked.orderStatuses[update.order.id] = update.order.status.rawValue }
                accounts.applied(step)
                applied.append(step)
                outcomes.append(.applied)
            }

            var writes = StatementBatch()
            try Self.updateAttempts(applied.map(\.attempt), into: &writes)
            try Self.insertOrders(applied.flatMap(\.newOrders), into: &writes)
            try Self.updateOrders(applied.flatMap { $0.orderUpdates.map(\.order) }, into: &writes)
            try await Self.book(applied.flatMap(\.bookings), into: &writes, db, logger: self.logger)
            try await writes.run(on: db, logger: self.logger)
            try await Self.recordEventTokens(applied, db, logger: self.logger)
            return outcomes
        }
    }

    /// What ``lockStepRows(attempts:orders:wallets:_:logger:)`` found, locked.
    struct LockedStepRows {
        var fences: [AttemptID: (status: String, token: Int64)] = [:]
        var orderStatuses: [OrderID: String] = [:]
        /// Each locked wallet's synced balance and when it was read.
        var synced: [WalletID: (Collateral?, Timestamp?)] = [:]
    }

    /// One statement: `FOR UPDATE` on the attempts, then the orders, then the wallets (each by id),
    /// returning the attempts' fences, the orders' statuses and the wallets' synced balances. A
    /// locked row that changed while we waited is read as it is now (READ COMMITTED re-reads it).
    static func lockStepRows(attempts: [AttemptID], orders: [OrderID], wallets: Set<WalletID>,
                             _ db: some QueryRunner, logger: Logger) async throws -> LockedStepRows {
        let attemptIDs = attempts.map(\.rawValue).sorted()
        let orderIDs = orders.map(\.rawValue).sorted()
        let walletIDs = wallets.map(\.rawValue).sorted()
        var locked = LockedStepRows()
        for row in try await db.fetch(
            """
            WITH a AS (
                SELECT id, status, fencing_token FROM copy_attempts WHERE id = ANY(\(attemptIDs)) ORDER BY id FOR UPDATE
            ), o AS (
                SELECT id, status FROM orders WHERE id = ANY(\(orderIDs)) ORDER BY id FOR UPDATE
            ), w AS (
                SELECT id, synced_collateral_units, balance_synced_at FROM trading_wallets
                WHERE id = ANY(\(walletIDs)) ORDER BY id FOR UPDATE
            )
            SELECT 'a' AS kind, id, status, fencing_token AS number, NULL::timestamptz AS at FROM a
            UNION ALL SELECT 'o', id, status, NULL, NULL FROM o
            UNION ALL SELECT 'w', id, NULL, synced_collateral_units, balance_synced_at FROM w
            """, table: "copy_attempts", logger: logger, { row in
                (try row.text("kind"), try row.text("id"), try row.optionalText("status"), try row.optionalInteger("number"),
                 try row.optionalTimestamp("at"))
            }) {
            switch row.0 {
            case "a": locked.fences[AttemptID(row.1)] = (row.2 ?? "", row.3 ?? -1)
            case "o": locked.orderStatuses[OrderID(row.1)] = row.2
            default: locked.synced[WalletID(row.1)] = (row.3.map { Collateral(baseUnits: $0) }, row.4)
            }
        }
        return locked
    }

    /// The funds of the locked wallets: their synced balances and, read now that the locks are
    /// held (so another batch's orders committed meanwhile are seen), their reserved withdrawals
    /// and open buys, in one statement.
    static func reservations(of synced: [WalletID: (Collateral?, Timestamp?)], _ db: some QueryRunner,
                             logger: Logger) async throws -> [WalletID: WalletFunds] {
        guard !synced.isEmpty else { return [:] }
        let held = try await Self.heldBack(in: .wallets(synced.keys.map(\.rawValue).sorted()), db, logger: logger)
        return Self.funds(synced: synced, heldBack: held)
    }

    /// Whose funds ``heldBack(in:_:logger:)`` reads: some wallets, or the wallets of some profiles.
    enum WalletSelection {
        case wallets([String])
        case ofProfiles([String])

        /// The `wallet_id` condition, its one parameter `$1`.
        var condition: String {
            switch self {
            case .wallets: "wallet_id = ANY($1)"
            case .ofProfiles: "wallet_id IN (SELECT wallet_id FROM copy_profiles WHERE id = ANY($1))"
            }
        }

        var ids: [String] {
            switch self {
            case .wallets(let ids), .ofProfiles(let ids): ids
            }
        }
    }

    /// The reserved withdrawals and open buys of the selected wallets, in one statement.
    static func heldBack(in selection: WalletSelection, _ db: some QueryRunner, logger: Logger) async throws
        -> [WalletID: (withdrawals: [Collateral], buys: [OpenBuy])]
    {
        var binds = PostgresBindings()
        binds.append(selection.ids)
        var held: [WalletID: (withdrawals: [Collateral], buys: [OpenBuy])] = [:]
        for (walletID, reservation) in try await db.fetch(PostgresQuery(unsafeSQL: """
            SELECT 'w' AS kind, wallet_id, NULL::text AS id, amount_units AS limit_price_units,
                NULL::bigint AS shares_units, NULL::bigint AS filled_shares_units
            FROM relayer_txs
            WHERE \(selection.condition) AND kind = 'WITHDRAW' AND status <> 'FAILED' AND released_at IS NULL
            UNION ALL
            SELECT 'b', wallet_id, id, limit_price_units, shares_units, filled_shares_units FROM orders
            WHERE \(selection.condition) AND side = 'BUY' AND NOT paper
                AND \(Order.Status.openCondition)
            ORDER BY 1, 3
            """, binds: binds), table: "orders", logger: logger, { row in
                let walletID: WalletID = try row.id("wallet_id")
                if try row.text("kind") == "w" {
                    return (walletID, Reservation.withdrawal(try row.optionalUnits(Collateral.self, "limit_price_units") ?? .zero))
                }
                return (walletID, Reservation.buy(try OpenBuy(row: row)))
            }) {
            switch reservation {
            case .withdrawal(let amount): held[walletID, default: ([], [])].withdrawals.append(amount)
            case .buy(let buy): held[walletID, default: ([], [])].buys.append(buy)
            }
        }
        return held
    }

    /// Each wallet's funds from its synced balance and what is held back.
    static func funds(synced: [WalletID: (Collateral?, Timestamp?)],
                      heldBack: [WalletID: (withdrawals: [Collateral], buys: [OpenBuy])]) -> [WalletID: WalletFunds] {
        var funds: [WalletID: WalletFunds] = [:]
        for (id, balance) in synced {
            funds[id] = WalletFunds(walletID: id, syncedBalance: balance.0, syncedAt: balance.1,
                                    reservedWithdrawals: heldBack[id]?.withdrawals ?? [], openBuys: heldBack[id]?.buys ?? [])
        }
        return funds
    }

    /// What a wallet's funds hold back.
    enum Reservation {
        case withdrawal(Collateral)
        case buy(OpenBuy)
    }

    // MARK: Multi-row statements

    /// The most bind parameters one statement may carry (the protocol's limit is 65,535).
    static let bindLimit = 60_000

    /// `rows` split into chunks whose binds (`columns` per row) fit in one statement.
    static func chunks<Row>(_ rows: [Row], columns: Int) -> [ArraySlice<Row>] {
        let size = max(1, Self.bindLimit / columns)
        return stride(from: 0, to: rows.count, by: size).map { rows[$0..<min($0 + size, rows.count)] }
    }

    /// Inserts attempts: one statement, a column per array (``NullableArray``).
    static func insertAttempts(_ attempts: [CopyAttempt], _ db: some QueryRunner, logger: Logger) async throws {
        guard !attempts.isEmpty else { return }
        var writes = StatementBatch()
        try writes.add { b in
            """
            INSERT INTO copy_attempts (
                id, profile_id, user_id, leader_event_id, kind, token_id, condition_id, fanout_place,
                target_shares_units, status, skip_reason, note, due_at, lease_owner, lease_expires_at, fencing_token,
                detected_at, sent_at, accepted_at, filled_shares_units, fill_price_units, leader_price_units,
                created_at, updated_at)
            SELECT * FROM UNNEST(
                \(try b.bind(attempts.map(\.id.rawValue)))::text[], \(try b.bind(attempts.map(\.profileID.rawValue)))::text[],
                \(try b.bind(attempts.map(\.userID.rawValue)))::text[],
                \(try b.bind(NullableArray(attempts.map { $0.leaderEventID?.rawValue })))::text[],
                \(try b.bind(attempts.map(\.kind.rawValue)))::text[], \(try b.bind(attempts.map(\.tokenID.decimal)))::text[],
                \(try b.bind(NullableArray(attempts.map(\.conditionID))))::text[],
                \(try b.bind(NullableArray(attempts.map { $0.fanoutPlace.map(Int32.init) })))::integer[],
                \(try b.bind(NullableArray(attempts.map { $0.targetShares?.baseUnits })))::bigint[],
                \(try b.bind(attempts.map(\.status.rawValue)))::text[],
                \(try b.bind(NullableArray(attempts.map { $0.skipReason?.rawValue })))::text[],
                \(try b.bind(NullableArray(attempts.map(\.note))))::text[],
                \(try b.bind(attempts.map(\.dueAt.pg)))::timestamptz[],
                \(try b.bind(NullableArray(attempts.map(\.leaseOwner))))::text[],
                \(try b.bind(NullableArray(attempts.map(\.leaseExpiresAt.pg))))::timestamptz[],
                \(try b.bind(attempts.map(\.fencingToken)))::bigint[],
                \(try b.bind(attempts.map(\.detectedAt.pg)))::timestamptz[],
                \(try b.bind(NullableArray(attempts.map(\.sentAt.pg))))::timestamptz[],
                \(try b.bind(NullableArray(attempts.map(\.acceptedAt.pg))))::timestamptz[],
                \(try b.bind(attempts.map(\.filledShares.baseUnits)))::bigint[],
                \(try b.bind(NullableArray(attempts.map { $0.fillPrice?.baseUnits })))::bigint[],
                \(try b.bind(NullableArray(attempts.map { $0.leaderPrice?.baseUnits })))::bigint[],
                \(try b.bind(attempts.map(\.createdAt.pg)))::timestamptz[], \(try b.bind(attempts.map(\.updatedAt.pg)))::timestamptz[])
            """
        }
        try await writes.run(on: db, logger: logger)
    }

    /// Writes every mutable field of each attempt (their fences were checked under lock).
    static func updateAttempts(_ attempts: [CopyAttempt], into writes: inout StatementBatch) throws {
        guard !attempts.isEmpty else { return }
        try writes.add { b in
            """
            UPDATE copy_attempts AS a
            SET status = v.status, skip_reason = v.skip_reason, note = v.note, target_shares_units = v.target,
                due_at = v.due_at, lease_owner = v.lease_owner, lease_expires_at = v.lease_expires_at,
                sent_at = v.sent_at, accepted_at = v.accepted_at, filled_shares_units = v.filled,
                fill_price_units = v.fill_price, fanout_place = v.place, updated_at = v.updated_at,
                ideal_shares_units = v.ideal, decision_price_units = v.decision
            FROM UNNEST(
                \(try b.bind(attempts.map(\.id.rawValue)))::text[], \(try b.bind(attempts.map(\.status.rawValue)))::text[],
                \(try b.bind(NullableArray(attempts.map { $0.skipReason?.rawValue })))::text[],
                \(try b.bind(NullableArray(attempts.map(\.note))))::text[],
                \(try b.bind(NullableArray(attempts.map { $0.targetShares?.baseUnits })))::bigint[],
                \(try b.bind(attempts.map(\.dueAt.pg)))::timestamptz[],
                \(try b.bind(NullableArray(attempts.map(\.leaseOwner))))::text[],
                \(try b.bind(NullableArray(attempts.map(\.leaseExpiresAt.pg))))::timestamptz[],
                \(try b.bind(NullableArray(attempts.map(\.sentAt.pg))))::timestamptz[],
                \(try b.bind(NullableArray(attempts.map(\.acceptedAt.pg))))::timestamptz[],
                \(try b.bind(attempts.map(\.filledShares.baseUnits)))::bigint[],
                \(try b.bind(NullableArray(attempts.map { $0.fillPrice?.baseUnits })))::bigint[],
                \(try b.bind(NullableArray(attempts.map { $0.fanoutPlace.map(Int32.init) })))::integer[],
                \(try b.bind(attempts.map(\.updatedAt.pg)))::timestamptz[],
                \(try b.bind(NullableArray(attempts.map { $0.idealShares?.baseUnits })))::bigint[],
                \(try b.bind(NullableArray(attempts.map { $0.decisionPrice?.baseUnits })))::bigint[])
                AS v(id, status, skip_reason, note, target, due_at, lease_owner, lease_expires_at, sent_at, accepted_at,
                     filled, fill_price, place, updated_at, ideal, decision)
            WHERE a.id = v.id
            """
        }
    }

    static func insertOrders(_ orders: [Order], into writes: inout StatementBatch) throws {
        guard !orders.isEmpty else { return }
        try writes.add { b in
            """
            INSERT INTO orders (
                id, attempt_id, profile_id, wallet_id, token_id, side, type, limit_price_units, shares_units,
                maker_amount, taker_amount, status, signed_payload, filled_shares_units, filled_notional_units,
                fee_units, paper, note, submitted_at, created_at, updated_at)
            SELECT * FROM UNNEST(
                \(try b.bind(orders.map(\.id.rawValue)))::text[], \(try b.bind(orders.map(\.attemptID.rawValue)))::text[],
                \(try b.bind(orders.map(\.profileID.rawValue)))::text[], \(try b.bind(orders.map(\.walletID.rawValue)))::text[],
                \(try b.bind(orders.map(\.tokenID.decimal)))::text[], \(try b.bind(orders.map(\.side.rawValue)))::text[],
                \(try b.bind(orders.map(\.type.rawValue)))::text[], \(try b.bind(orders.map(\.limitPrice.baseUnits)))::bigint[],
                \(try b.bind(orders.map(\.shares.baseUnits)))::bigint[], \(try b.bind(orders.map(\.makerAmount)))::bigint[],
                \(try b.bind(orders.map(\.takerAmount)))::bigint[], \(try b.bind(orders.map(\.status.rawValue)))::text[],
                \(try b.bind(orders.map(\.signedPayload)))::text[], \(try b.bind(orders.map(\.filledShares.baseUnits)))::bigint[],
                \(try b.bind(orders.map(\.filledNotional.baseUnits)))::bigint[], \(try b.bind(orders.map(\.fee.baseUnits)))::bigint[],
                \(try b.bind(orders.map(\.paper)))::boolean[], \(try b.bind(NullableArray(orders.map(\.note))))::text[],
                \(try b.bind(NullableArray(orders.map(\.submittedAt.pg))))::timestamptz[],
                \(try b.bind(orders.map(\.createdAt.pg)))::timestamptz[], \(try b.bind(orders.map(\.updatedAt.pg)))::timestamptz[])
            """
        }
    }

    /// Writes each order's mutable fields (their statuses were checked under lock).
    static func updateOrders(_ orders: [Order], into writes: inout StatementBatch) throws {
        guard !orders.isEmpty else { return }
        try writes.add { b in
            """
            UPDATE orders AS o
            SET status = v.status, filled_shares_units = v.filled, filled_notional_units = v.notional, fee_units = v.fee,
                note = v.note, submitted_at = v.submitted_at, updated_at = v.updated_at
            FROM UNNEST(
                \(try b.bind(orders.map(\.id.rawValue)))::text[], \(try b.bind(orders.map(\.status.rawValue)))::text[],
                \(try b.bind(orders.map(\.filledShares.baseUnits)))::bigint[],
                \(try b.bind(orders.map(\.filledNotional.baseUnits)))::bigint[], \(try b.bind(orders.map(\.fee.baseUnits)))::bigint[],
                \(try b.bind(NullableArray(orders.map(\.note))))::text[],
                \(try b.bind(NullableArray(orders.map(\.submittedAt.pg))))::timestamptz[],
                \(try b.bind(orders.map(\.updatedAt.pg)))::timestamptz[])
                AS v(id, status, filled, notional, fee, note, submitted_at, updated_at)
            WHERE o.id = v.id
            """
        }
    }

    /// Applies fills to the positions as stored (read locked, all at once, now), in order, and
    /// adds the writes that move each live wallet's synced balance by the sum of its fills.
    static func book(_ bookings: [Booking], into writes: inout StatementBatch, _ db: some QueryRunner,
                     logger: Logger) async throws {
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
        try writes.add(keys.compactMap { positions[$0] }, columns: 8, { position, rows in
            try rows.add(position.profileID.rawValue)
            try rows.add(position.tokenID.decimal)
            try rows.add(position.conditionID)
            try rows.add(position.shares.baseUnits)
            try rows.add(position.costBasis.baseUnits)
            try rows.add(position.realizedPnL.baseUnits)
            try rows.add(position.redeemable)
            try rows.add(position.updatedAt.pg)
        }) { values in
            """
            INSERT INTO positions (
                profile_id, token_id, condition_id, shares_units, cost_basis_units, realized_pnl_units, redeemable,
                updated_at)
            VALUES \(values)
            ON CONFLICT (profile_id, token_id) DO UPDATE SET
                condition_id = excluded.condition_id, shares_units = excluded.shares_units,
                cost_basis_units = excluded.cost_basis_units, realized_pnl_units = excluded.realized_pnl_units,
                redeemable = excluded.redeemable, updated_at = excluded.updated_at
            """
        }
        try writes.add(walletChanges.sorted { $0.key.rawValue < $1.key.rawValue }, columns: 3, { wallet, rows in
            try rows.add(wallet.key.rawValue)
            try rows.add(wallet.value.change.baseUnits)
            try rows.add(wallet.value.at.pg)
        }) { values in
            """
            UPDATE trading_wallets AS w
            SET synced_collateral_units = w.synced_collateral_units + v.change::bigint,
                balance_synced_at = GREATEST(w.balance_synced_at, v.at::timestamptz)
            FROM (VALUES \(values)) AS v(id, change, at)
            WHERE w.id = v.id::text AND w.synced_collateral_units IS NOT NULL
            """
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

    /// Binds one value (a whole column, for `UNNEST`); its placeholder.
    mutating func bind<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value) throws -> String {
        try self.binds.append(value)
        return "$\(self.binds.count)"
    }

    mutating func endRow() {
        self.rows.append("(" + self.current.joined(separator: ", ") + ")")
        self.current = []
    }

    /// The rows added since the last call, for after `VALUES`; the binds stay, numbered on.
    mutating func takeValues() -> String {
        defer { self.rows = [] }
        return self.rows.joined(separator: ", ")
    }
}

/// Multi-row writes gathered into as few round trips as the bind limit allows: statements whose
/// binds fit together run as the data-modifying parts of one `WITH` (they touch different rows,
/// and all of them run to completion), so a batch writes its whole step in one statement. The
/// big ones bind a column per array (`UNNEST`); the small ones a row per `VALUES` entry.
struct StatementBatch {
    private var parts: [String] = []
    private var rows = BulkRows()
    private var full: [(sql: String, binds: PostgresBindings)] = []

    /// Adds one multi-row statement over `items` (`columns` binds each; `sql` given the `VALUES`
    /// list), split where the bind limit needs it. Nothing for no items.
    mutating func add<Item>(_ items: [Item], columns: Int, _ encode: (Item, inout BulkRows) throws -> Void,
                            _ sql: (String) -> String) throws {
        for chunk in PostgresStore.chunks(items, columns: columns) {
            if self.rows.binds.count + chunk.count * columns > PostgresStore.bindLimit { self.seal() }
            for item in chunk {
                try encode(item, &self.rows)
                self.rows.endRow()
            }
            self.parts.append(sql(self.rows.takeValues()))
        }
    }

    /// Adds one statement that binds whole columns (a handful of binds, whatever the rows).
    mutating func add(_ sql: (inout BulkRows) throws -> String) throws {
        try self.parts.append(sql(&self.rows))
    }

    private mutating func seal() {
        guard !self.parts.isEmpty else { return }
        let sql = self.parts.count == 1 ? self.parts[0]
            : "WITH " + self.parts.enumerated().map { "w\($0.offset) AS (\($0.element))" }.joined(separator: ", ")
                + " SELECT 1"
        self.full.append((sql, self.rows.binds))
        self.parts = []
        self.rows = BulkRows()
    }

    /// Runs the gathered statements in order on `db`.
    mutating func run(on db: some QueryRunner, logger: Logger) async throws {
        self.seal()
        for statement in self.full {
            _ = try await db.execute(PostgresQuery(unsafeSQL: statement.sql, binds: statement.binds), logger: logger)
        }
        self.full = []
    }
}
