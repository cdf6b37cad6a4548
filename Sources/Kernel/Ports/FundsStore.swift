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

    /// Accepts a withdrawal as a reservation, in one step under the wallet's lock: returns
    /// `.existing` (changing nothing) when `tx.idempotencyKey` is taken; otherwise reads the
    /// wallet's funds and the withdrawals accepted since `tx.createdAt` − 24 h, and inserts `tx`
    /// (with `audit`, when given) only if ``WithdrawalReservation/refusal(amount:funds:acceptedToday:dailyLimit:)``
    /// finds nothing wrong — else returns that refusal, changing nothing. Concurrent calls on any
    /// number of connections or processes never reserve more than is available.
    func reserveWithdrawal(_ tx: RelayerTx, dailyLimit: Collateral?, audit: AuditEntry?) async throws
        -> WithdrawalReservation
    /// An operator's retry of a FAILED withdrawal (which reserves nothing) under the wallet's
    /// lock: writes `tx` (PENDING again) with `audit` if the stored row is still FAILED and its
    /// amount fits in what is available — `.reserved`; `.insufficient` when it does not fit;
    /// `.existing` with the stored row when it is no longer FAILED. Throws `notFound`.
    func reReserveWithdrawal(_ tx: RelayerTx, audit: AuditEntry?) async throws -> WithdrawalReservation
}

/// The answer of a withdrawal's reservation.
public enum WithdrawalReservation: Hashable, Sendable {
    /// Accepted: the row as stored, holding its amount.
    case reserved(RelayerTx)
    /// The idempotency key (or, for a retry, the row) was already there: the stored row, unchanged.
    case existing(RelayerTx)
    /// More than is available; nothing stored.
    case insufficient(available: Collateral)
    /// Over the daily limit counting the withdrawals accepted in the last 24 hours; nothing stored.
    case overDailyLimit(limit: Collateral, acceptedToday: Collateral)

    /// Why `amount` cannot be reserved, or `nil` when it can: the one rule every store applies
    /// under the wallet's lock.
    public static func refusal(amount: Collateral, funds: WalletFunds, acceptedToday: Collateral,
                               dailyLimit: Collateral?) -> WithdrawalReservation? {
        if let dailyLimit, acceptedToday + amount > dailyLimit {
            return .overDailyLimit(limit: dailyLimit, acceptedToday: acceptedToday)
        }
        guard funds.covers(amount) else { return .insufficient(available: funds.available) }
        return nil
    }

    /// How far back the daily limit counts.
    public static let dailyWindow: Duration = .seconds(86_400)
}

extension RelayerTx {
    /// Whether this row can hold a reservation against its wallet's balance: a withdrawal that
    /// has not FAILED (a CONFIRMED one holds it until a synced balance releases it).
    public var canHoldReservation: Bool { self.kind == .withdraw && self.status != .failed }
}
