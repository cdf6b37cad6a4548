/// Each trading wallet's synced venue balance and what is reserved against it: the inputs of
/// ``WalletFunds``, the one definition of "available".
///
/// Every check of "available" and the write it guards (a withdrawal's reservation, the engine's
/// signed BUY orders) run serialized per wallet: inside one transaction holding the wallet's
/// lock — a `SELECT … FOR UPDATE` of the `trading_wallets` row on PostgreSQL, an IMMEDIATE
/// transaction on SQLite (one writer), the actor on the in-memory store. The adapters expose
/// that lock to their own port implementations (`withWalletLock`); this port only reads and
/// records.
public protocol FundsStore: Sendable {
    /// Stores `collateral` as the wallet's venue balance read at `time`, unless a reading at least
    /// as new is stored (`false`, changing nothing). In the same step, withdrawals CONFIRMED at
    /// or before ``WalletFunds/releaseCutoff(syncedAt:)`` release their reservation: this balance
    /// shows their transfer. Throws ``StoreError/notFound(entity:key:)`` for an unknown wallet.
    @discardableResult
    func recordSyncedBalance(walletID: WalletID, collateral: Collateral, at time: Timestamp) async throws -> Bool
    /// The wallet's synced balance, reserved withdrawals and open BUY orders, read in one
    /// transaction. Throws ``StoreError/notFound(entity:key:)`` for an unknown wallet.
    func walletFunds(walletID: WalletID) async throws -> WalletFunds
}

extension RelayerTx {
    /// Whether this row can hold a reservation against its wallet's balance: a withdrawal that
    /// has not FAILED (a CONFIRMED one holds it until a synced balance releases it).
    public var canHoldReservation: Bool { self.kind == .withdraw && self.status != .failed }
}
