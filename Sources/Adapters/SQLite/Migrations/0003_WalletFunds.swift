extension SQLiteMigration {
    /// The balance foundation (issue #21): what a wallet may spend is computed from stored state,
    /// under the wallet's lock, never from a venue call racing other requests.
    /// - `trading_wallets.synced_collateral_units` / `balance_synced_at`: the venue's collateral
    ///   balance as last read (position sync, after fills) and when; both NULL until first read.
    /// - `relayer_txs.released_at`: when a CONFIRMED withdrawal's reservation was released by a
    ///   balance read that shows the transfer; NULL while it still reserves.
    /// - Partial indexes for the two sums of "available": a wallet's reserving withdrawals and
    ///   its open BUY orders.
    static let walletFunds = SQLiteMigration(
        version: 3,
        name: "wallet_funds",
        statements: [
            "ALTER TABLE trading_wallets ADD COLUMN synced_collateral_units INTEGER",
            "ALTER TABLE trading_wallets ADD COLUMN balance_synced_at TEXT",
            "ALTER TABLE relayer_txs ADD COLUMN released_at TEXT",
            """
            CREATE INDEX relayer_txs_reserving ON relayer_txs (wallet_id)
                WHERE kind = 'WITHDRAW' AND status <> 'FAILED' AND released_at IS NULL
            """,
            """
            CREATE INDEX orders_open_buys ON orders (wallet_id)
                WHERE side = 'BUY' AND NOT paper AND status IN ('SIGNED', 'SUBMITTED', 'LIVE', 'UNKNOWN')
            """,
        ])
}
