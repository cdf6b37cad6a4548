public import Kernel
import Logging
import PostgresNIO
import StoreSupport

extension PostgresStore {
    /// One transaction of a handful of `= ANY(…)` statements for the whole batch (the funds are
    /// checked again under the wallet's lock when orders are persisted).
    public func followerFacts(profileIDs: Set<ProfileID>, ordersSince: Timestamp) async throws -> FollowerFacts {
        guard !profileIDs.isEmpty else { return FollowerFacts() }
        let ids = profileIDs.map(\.rawValue).sorted()
        return try await self.transaction { db in
            var facts = FollowerFacts()
            for profile in try await db.fetch("SELECT * FROM copy_profiles WHERE id = ANY(\(ids))",
                                              table: "copy_profiles", logger: self.logger, CopyProfile.init(row:)) {
                facts.profiles[profile.id] = profile
            }
            let walletIDs = Set(facts.profiles.values.map(\.walletID.rawValue)).sorted()
            guard !walletIDs.isEmpty else { return facts }
            for wallet in try await db.fetch("SELECT * FROM trading_wallets WHERE id = ANY(\(walletIDs))",
                                             table: "trading_wallets", logger: self.logger, TradingWallet.init(row:)) {
                facts.wallets[wallet.id] = wallet
            }
            for position in try await db.fetch(
                "SELECT * FROM positions WHERE profile_id = ANY(\(ids)) ORDER BY profile_id, length(token_id), token_id",
                table: "positions", logger: self.logger, Position.init(row:)) {
                facts.positions[position.profileID, default: []].append(position)
            }
            for order in try await db.fetch(
                "SELECT * FROM orders WHERE profile_id = ANY(\(ids)) AND created_at >= \(ordersSince.pg) ORDER BY created_at, id",
                table: "orders", logger: self.logger, Order.init(row:)) {
                facts.recentOrders[order.profileID, default: []].append(order)
            }
            facts.funds = try await Self.walletFunds(Set(facts.wallets.keys), on: db, logger: self.logger)
            return facts
        }
    }

    /// The funds of every wallet in `walletIDs`, as ``walletFunds(walletID:)`` reads them one at a
    /// time, in three statements on `db` (inside the caller's transaction).
    static func walletFunds(_ walletIDs: Set<WalletID>, on db: some QueryRunner, logger: Logger) async throws
        -> [WalletID: WalletFunds]
    {
        let ids = walletIDs.map(\.rawValue).sorted()
        guard !ids.isEmpty else { return [:] }
        var synced: [WalletID: (Collateral?, Timestamp?)] = [:]
        for (id, balance) in try await db.fetch(
            "SELECT id, synced_collateral_units, balance_synced_at FROM trading_wallets WHERE id = ANY(\(ids))",
            table: "trading_wallets", logger: logger, { row in
                (try row.id("id") as WalletID,
                 (try row.optionalUnits(Collateral.self, "synced_collateral_units"), try row.optionalTimestamp("balance_synced_at")))
            }) {
            synced[id] = balance
        }
        var withdrawals: [WalletID: [Collateral]] = [:]
        for (id, amount) in try await db.fetch(
            """
            SELECT wallet_id, amount_units FROM relayer_txs
            WHERE wallet_id = ANY(\(ids)) AND kind = 'WITHDRAW' AND status <> 'FAILED' AND released_at IS NULL
            """, table: "relayer_txs", logger: logger, { row in
                (try row.id("wallet_id") as WalletID, try row.optionalUnits(Collateral.self, "amount_units") ?? .zero)
            }) {
            withdrawals[id, default: []].append(amount)
        }
        var buys: [WalletID: [OpenBuy]] = [:]
        for (id, buy) in try await db.fetch(
            """
            SELECT wallet_id, id, limit_price_units, shares_units, filled_shares_units FROM orders
            WHERE wallet_id = ANY(\(ids)) AND side = 'BUY' AND NOT paper
                AND status IN ('SIGNED', 'SUBMITTED', 'LIVE', 'UNKNOWN')
            ORDER BY id
            """, table: "orders", logger: logger, { row in
                (try row.id("wallet_id") as WalletID, try OpenBuy(row: row))
            }) {
            buys[id, default: []].append(buy)
        }
        var funds: [WalletID: WalletFunds] = [:]
        for id in walletIDs where synced.keys.contains(id) {
            funds[id] = WalletFunds(walletID: id, syncedBalance: synced[id]?.0, syncedAt: synced[id]?.1,
                                    reservedWithdrawals: withdrawals[id] ?? [], openBuys: buys[id] ?? [])
        }
        return funds
    }
}
