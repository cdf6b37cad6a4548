import Kernel

extension OpenBuy {
    /// An open BUY from an `orders` row (`id`, `limit_price_units`, `shares_units`, `filled_shares_units`).
    package init(row: some StoredRow) throws {
        self.init(orderID: try row.id("id"), limitPrice: try row.units(Price.self, "limit_price_units"),
                  shares: try row.units(Shares.self, "shares_units"),
                  filledShares: try row.units(Shares.self, "filled_shares_units"))
    }
}

/// The statements of the funds reads, the same text on both SQL stores (the wallet id is their
/// one parameter, `?` on SQLite and `$1` on PostgreSQL, spliced in by each).
package enum FundsSQL {
    /// The wallet's synced balance and when it was read.
    package static func syncedBalance(_ parameter: String) -> String {
        "SELECT synced_collateral_units, balance_synced_at FROM trading_wallets WHERE id = \(parameter)"
    }

    /// Amounts of the withdrawals that hold a reservation (``RelayerTx/canHoldReservation``, not released).
    package static func reservedWithdrawals(_ parameter: String) -> String {
        """
        SELECT amount_units FROM relayer_txs
        WHERE wallet_id = \(parameter) AND kind = 'WITHDRAW' AND status <> 'FAILED' AND released_at IS NULL
        """
    }

    /// The open, non-paper BUY orders (``Order/Status/holdsReservation``).
    package static func openBuys(_ parameter: String) -> String {
        """
        SELECT id, limit_price_units, shares_units, filled_shares_units FROM orders
        WHERE wallet_id = \(parameter) AND side = 'BUY' AND NOT paper
            AND \(Order.Status.openCondition)
        ORDER BY id
        """
    }

    /// The total of the wallet's withdrawals accepted after a time (the daily limit's count; the
    /// time is the second parameter).
    package static func acceptedSince(_ wallet: String, _ since: String) -> String {
        """
        SELECT CAST(COALESCE(SUM(amount_units), 0) AS BIGINT) AS total FROM relayer_txs
        WHERE wallet_id = \(wallet) AND kind = 'WITHDRAW' AND created_at > \(since)
        """
    }
}

extension WithdrawalAddress {
    package init(row: some StoredRow) throws {
        self.init(userID: try row.id("user_id"), address: try row.address("address"), label: try row.optionalText("label"),
                  createdAt: try row.timestamp("created_at"), usableAt: try row.timestamp("usable_at"))
    }
}

extension LeaderWatch {
    package init(row: some StoredRow) throws {
        self.init(userID: try row.id("user_id"), leaderID: try row.id("leader_id"), label: try row.optionalText("label"),
                  createdAt: try row.timestamp("created_at"))
    }
}

extension FundsSQL {
    /// How many distinct leaders a user watches or follows (profiles not STOPPED); the user id
    /// is the one parameter, spliced in twice.
    package static func leadersOfUser(_ first: String, _ second: String) -> String {
        """
        SELECT CAST(COUNT(*) AS BIGINT) AS total FROM (
            SELECT leader_id FROM leader_watches WHERE user_id = \(first)
            UNION SELECT leader_id FROM copy_profiles WHERE user_id = \(second) AND status <> 'STOPPED') AS mine
        """
    }
}

extension Order.Status {
    /// The final statuses' stored values (``Order/Status/isTerminal``), for SQL that selects open
    /// or settled orders: the rule stays the Kernel's.
    package static var finalValues: [String] { Self.allCases.filter(\.isTerminal).map(\.rawValue) }

    /// `status IN (…open statuses…)` written out as SQL text: every read of open orders uses it,
    /// and it is the condition of the partial indexes `orders_open_buys` (migration 0003) and
    /// `orders_open_by_profile` (0012) — a database uses such an index only for a query that
    /// repeats its condition, which a bound list does not. Built from the Kernel's rule, so a new
    /// open status is still read (the indexes then go unused until a migration widens them).
    package static let openCondition =
        "status IN (" + Self.allCases.filter { !$0.isTerminal }.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
}
