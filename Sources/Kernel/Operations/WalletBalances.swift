/// A wallet's funds as copies and withdrawals count them (``WalletFunds``), with the venue's
/// balance read again only when the last reading is too old. Showing a wallet then costs at most
/// one of the CLOB's balance reads (200 per 10 s for the whole service, spec §7.4) per wallet
/// and `maxAge`, however often it is shown, and what the user is told is available is exactly
/// what a withdrawal is checked against.
public struct WalletBalances: Sendable {
    /// How old a reading may be before a page showing the wallet reads the venue again.
    public static let displayMaxAge: Duration = .seconds(30)

    let store: any Store
    let exchange: any Exchange
    let wallClock: WallClock

    public init(store: any Store, exchange: any Exchange, wallClock: WallClock) {
        self.store = store
        self.exchange = exchange
        self.wallClock = wallClock
    }

    /// Whether a balance read at `readAt` (`nil`: never) is too old at `now` for `maxAge`.
    public static func needsReading(readAt: Timestamp?, now: Timestamp, maxAge: Duration) -> Bool {
        guard let readAt else { return true }
        return now.since(readAt) >= maxAge
    }

    /// The wallet's funds, reading the venue's balance first when the stored one is older than
    /// `maxAge`; a venue that cannot answer leaves the last reading in force.
    public func funds(of wallet: TradingWallet, maxAge: Duration) async throws -> WalletFunds {
        let stored = try await self.store.walletFunds(walletID: wallet.id)
        guard Self.needsReading(readAt: stored.syncedAt, now: self.wallClock.now(), maxAge: maxAge),
              await self.read(wallet)
        else { return stored }
        return try await self.store.walletFunds(walletID: wallet.id)
    }

    /// Records the venue's balance as the wallet's synced balance, stamped with the moment before
    /// the call (it is at least that fresh, never credited as newer). Returns whether the venue
    /// answered and the store took the answer (it keeps a newer reading it already holds).
    @discardableResult
    public func read(_ wallet: TradingWallet) async -> Bool {
        let readAt = self.wallClock.now()
        guard let balance = try? await self.exchange.collateralBalance(account: TradingAccount(wallet)) else { return false }
        return (try? await self.store.recordSyncedBalance(walletID: wallet.id, collateral: balance, at: readAt)) != nil
    }
}
