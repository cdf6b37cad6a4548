public import Kernel
import Logging
import PostgresNIO
import StoreSupport

extension PostgresStore {
    /// A handful of `= ANY(…)` statements for the whole batch, run at once on the pool's
    /// connections: under READ COMMITTED each statement sees its own snapshot inside a
    /// transaction too, so one would add round trips and no consistency (the funds are checked
    /// again under the wallet's lock when orders are persisted).
    public func followerFacts(profileIDs: Set<ProfileID>, ordersSince: Timestamp, spendSince: Timestamp) async throws
        -> FollowerFacts
    {
        guard !profileIDs.isEmpty else { return FollowerFacts() }
        let ids = profileIDs.map(\.rawValue).sorted()
        async let profiles = self.read { db in
            try await db.fetch("SELECT * FROM copy_profiles WHERE id = ANY(\(ids))",
                               table: "copy_profiles", logger: self.logger, CopyProfile.init(row:))
        }
        async let wallets = self.read { db in
            try await db.fetch(
                "SELECT * FROM trading_wallets WHERE id IN (SELECT wallet_id FROM copy_profiles WHERE id = ANY(\(ids)))",
                table: "trading_wallets", logger: self.logger, { row in
                    (try TradingWallet(row: row),
                     (try row.optionalUnits(Collateral.self, "synced_collateral_units"), try row.optionalTimestamp("balance_synced_at")))
                })
        }
        async let positions = self.read { db in
            try await db.fetch(
                "SELECT * FROM positions WHERE profile_id = ANY(\(ids)) ORDER BY profile_id, length(token_id), token_id",
                table: "positions", logger: self.logger, Position.init(row:))
        }
        let final = Order.Status.finalValues
        // The open statuses written out, so the partial index `orders_open_by_profile` serves it.
        async let orders = self.read { db in
            try await db.fetch(
                """
                SELECT * FROM orders WHERE profile_id = ANY(\(ids)) AND created_at >= \(ordersSince.pg)
                    AND \(unescaped: Order.Status.openCondition)
                ORDER BY created_at, id
                """, table: "orders", logger: self.logger, Order.init(row:))
        }
        // Only profiles with a daily spend limit: nothing else reads the sum, and it walks the day's
        // orders. LATERAL sums per such profile through `orders_by_profile` (a semi-join let the
        // planner scan every order instead).
        async let spend = self.read { db in
            try await db.fetch(
                """
                SELECT p.id AS profile_id, day.spent FROM copy_profiles AS p CROSS JOIN LATERAL (
                    SELECT SUM(filled_notional_units + fee_units)::bigint AS spent FROM orders
                    WHERE profile_id = p.id AND created_at >= \(spendSince.pg) AND side = 'BUY' AND status = ANY(\(final))
                ) AS day
                WHERE p.id = ANY(\(ids)) AND p.daily_spend_units IS NOT NULL AND day.spent IS NOT NULL
                """, table: "orders", logger: self.logger, { row in
                    (try row.id("profile_id") as ProfileID, try row.units(Collateral.self, "spent"))
                })
        }
        async let heldBack = self.read { db in try await Self.heldBack(in: .ofProfiles(ids), db, logger: self.logger) }
        var facts = FollowerFacts()
        for profile in try await profiles { facts.profiles[profile.id] = profile }
        var synced: [WalletID: (Collateral?, Timestamp?)] = [:]
        for (wallet, balance) in try await wallets {
            facts.wallets[wallet.id] = wallet
            synced[wallet.id] = balance
        }
        for position in try await positions { facts.positions[position.profileID, default: []].append(position) }
        for order in try await orders { facts.openOrders[order.profileID, default: []].append(order) }
        for (id, spent) in try await spend { facts.settledSpend[id] = spent }
        facts.funds = Self.funds(synced: synced, heldBack: try await heldBack)
        return facts
    }

    public func profileStatuses(ids: Set<ProfileID>) async throws -> [ProfileID: ProfileStatus] {
        guard !ids.isEmpty else { return [:] }
        let values = ids.map(\.rawValue).sorted()
        let rows = try await self.read { db in
            try await db.fetch("SELECT id, status FROM copy_profiles WHERE id = ANY(\(values))", table: "copy_profiles",
                               logger: self.logger, { row in
                                   (try row.id("id") as ProfileID, try row.enumeration(ProfileStatus.self, "status"))
                               })
        }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }
}
