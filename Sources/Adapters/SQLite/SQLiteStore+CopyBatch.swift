import GRDB
public import Kernel
import StoreSupport

extension SQLiteStore {
    /// One read transaction, a handful of statements for the whole batch.
    public func followerFacts(profileIDs: Set<ProfileID>, ordersSince: Timestamp, spendSince: Timestamp) async throws
        -> FollowerFacts
    {
        guard !profileIDs.isEmpty else { return FollowerFacts() }
        let ids = profileIDs.map(\.rawValue).sorted()
        return try await self.read { db in
            var facts = FollowerFacts()
            for profile in try db.fetch("SELECT * FROM copy_profiles WHERE id IN \(Self.list(ids.count))",
                                        StatementArguments(ids), table: "copy_profiles", CopyProfile.init(row:)) {
                facts.profiles[profile.id] = profile
            }
            let walletIDs = Set(facts.profiles.values.map(\.walletID.rawValue)).sorted()
            guard !walletIDs.isEmpty else { return facts }
            let inWallets = Self.list(walletIDs.count)
            for wallet in try db.fetch("SELECT * FROM trading_wallets WHERE id IN \(inWallets)",
                                       StatementArguments(walletIDs), table: "trading_wallets", TradingWallet.init(row:)) {
                facts.wallets[wallet.id] = wallet
            }
            for position in try db.fetch(
                "SELECT * FROM positions WHERE profile_id IN \(Self.list(ids.count)) ORDER BY profile_id, length(token_id), token_id",
                StatementArguments(ids), table: "positions", Position.init(row:)) {
                facts.positions[position.profileID, default: []].append(position)
            }
            let final = Order.Status.finalValues
            // The open statuses written out, so the partial index `orders_open_by_profile` serves it.
            for order in try db.fetch(
                """
                SELECT * FROM orders WHERE profile_id IN \(Self.list(ids.count)) AND created_at >= ?
                    AND \(Order.Status.openCondition)
                ORDER BY created_at, id
                """,
                StatementArguments(ids) + [ordersSince.sql], table: "orders", Order.init(row:)) {
                facts.openOrders[order.profileID, default: []].append(order)
            }
            for (id, spent) in try db.fetch(
                """
                SELECT profile_id, SUM(filled_notional_units + fee_units) AS spent FROM orders
                WHERE profile_id IN (
                        SELECT id FROM copy_profiles WHERE id IN \(Self.list(ids.count)) AND daily_spend_units IS NOT NULL)
                    AND created_at >= ? AND side = 'BUY' AND status IN \(Self.list(final.count))
                GROUP BY profile_id
                """,
                StatementArguments(ids) + [spendSince.sql] + StatementArguments(final), table: "orders", { row in
                    (try row.id("profile_id") as ProfileID, try row.units(Collateral.self, "spent"))
                }) {
                facts.settledSpend[id] = spent
            }
            // The funds of every wallet, as `walletFunds` reads them one at a time.
            var synced: [WalletID: (Collateral?, Timestamp?)] = [:]
            for (id, balance) in try db.fetch(
                "SELECT id, synced_collateral_units, balance_synced_at FROM trading_wallets WHERE id IN \(inWallets)",
                StatementArguments(walletIDs), table: "trading_wallets", { row in
                    (try row.id("id") as WalletID,
                     (try row.optionalUnits(Collateral.self, "synced_collateral_units"), try row.optionalTimestamp("balance_synced_at")))
                }) {
                synced[id] = balance
            }
            var withdrawals: [WalletID: [Collateral]] = [:]
            for (id, amount) in try db.fetch(
                """
                SELECT wallet_id, amount_units FROM relayer_txs
                WHERE wallet_id IN \(inWallets) AND kind = 'WITHDRAW' AND status <> 'FAILED' AND released_at IS NULL
                """, StatementArguments(walletIDs), table: "relayer_txs", { row in
                    (try row.id("wallet_id") as WalletID, try row.optionalUnits(Collateral.self, "amount_units") ?? .zero)
                }) {
                withdrawals[id, default: []].append(amount)
            }
            var buys: [WalletID: [OpenBuy]] = [:]
            for (id, buy) in try db.fetch(
                """
                SELECT wallet_id, id, limit_price_units, shares_units, filled_shares_units FROM orders
                WHERE wallet_id IN \(inWallets) AND side = 'BUY' AND NOT paper
                    AND \(Order.Status.openCondition)
                ORDER BY id
                """, StatementArguments(walletIDs), table: "orders", { row in
                    (try row.id("wallet_id") as WalletID, try OpenBuy(row: row))
                }) {
                buys[id, default: []].append(buy)
            }
            for id in facts.wallets.keys {
                facts.funds[id] = WalletFunds(walletID: id, syncedBalance: synced[id]?.0, syncedAt: synced[id]?.1,
                                              reservedWithdrawals: withdrawals[id] ?? [], openBuys: buys[id] ?? [])
            }
            return facts
        }
    }

    /// `(?, ?, …)` with `count` placeholders.
    static func list(_ count: Int) -> String {
        "(" + Array(repeating: "?", count: count).joined(separator: ", ") + ")"
    }

    public func profileStatuses(ids: Set<ProfileID>) async throws -> [ProfileID: ProfileStatus] {
        guard !ids.isEmpty else { return [:] }
        let values = ids.map(\.rawValue).sorted()
        let rows = try await self.read { db in
            try db.fetch("SELECT id, status FROM copy_profiles WHERE id IN \(Self.list(values.count))",
                         StatementArguments(values), table: "copy_profiles", { row in
                             (try row.id("id") as ProfileID, try row.enumeration(ProfileStatus.self, "status"))
                         })
        }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }
}
