import InMemoryAdapter
import Kernel
import KernelTesting
import Synchronization
import Testing

/// Showing a wallet reads the venue's balance at most once per `maxAge`, and what it shows as
/// available is the one definition withdrawals and copies are checked against.
@Suite struct WalletBalancesTests {
    @Test func aReadingIsNeededWhenThereIsNoneOrItIsAtLeastMaxAgeOld() {
        let now = Timestamp.fixture
        #expect(WalletBalances.needsReading(readAt: nil, now: now, maxAge: .seconds(30)))
        #expect(!WalletBalances.needsReading(readAt: now, now: now, maxAge: .seconds(30)))
        #expect(!WalletBalances.needsReading(readAt: now - .milliseconds(29_999), now: now, maxAge: .seconds(30)))
        #expect(WalletBalances.needsReading(readAt: now - .seconds(30), now: now, maxAge: .seconds(30)))
        #expect(WalletBalances.needsReading(readAt: now, now: now, maxAge: .zero), "maxAge zero always reads")
    }

    @Test func theVenueIsAskedOncePerMaxAgeAndAFailedAskKeepsTheLastReading() async throws {
        let store = InMemoryStore()
        let clock = ManualWallClock()
        let user = User.fixture(1)
        try await store.insertUser(user)
        let wallet = TradingWallet.fixture(1, userID: user.id)
        try await store.insertWallet(wallet)
        let venue = BalanceOnlyExchange(balance: .dollars(100))
        let balances = WalletBalances(store: store, exchange: venue, wallClock: clock.wallClock)

        let first = try await balances.funds(of: wallet, maxAge: .seconds(30))
        #expect(first.syncedBalance == .dollars(100) && first.syncedAt == clock.now())
        #expect(first.available == .dollars(100))
        #expect(venue.reads == 1)

        venue.answer(.dollars(70))
        clock.advance(by: .seconds(29))
        #expect(try await balances.funds(of: wallet, maxAge: .seconds(30)).syncedBalance == .dollars(100))
        #expect(venue.reads == 1, "a fresh reading is shown as it is")

        clock.advance(by: .seconds(1))
        let second = try await balances.funds(of: wallet, maxAge: .seconds(30))
        #expect(second.syncedBalance == .dollars(70) && second.syncedAt == clock.now())
        #expect(venue.reads == 2)

        venue.answer(nil)
        clock.advance(by: .seconds(60))
        let kept = try await balances.funds(of: wallet, maxAge: .seconds(30))
        #expect(kept == second, "an exchange that cannot answer leaves the last reading in force")
        #expect(venue.reads == 3)
    }

    @Test func aWalletNeverReadLeavesALiveEntryWaitingInsteadOfSkipped() {
        let never = WalletFunds(walletID: WalletID("wallet-0001"), syncedBalance: nil, syncedAt: nil)
        guard case .unavailable = never.plannedBalance else {
            Issue.record("a balance nobody read is not a known zero: \(never.plannedBalance)")
            return
        }
        let read = WalletFunds(walletID: WalletID("wallet-0001"), syncedBalance: .dollars(5), syncedAt: .fixture,
                               reservedWithdrawals: [.dollars(2)])
        #expect(read.plannedBalance == .known(.dollars(3)))
        let empty = WalletFunds(walletID: WalletID("wallet-0001"), syncedBalance: .zero, syncedAt: .fixture)
        #expect(empty.plannedBalance == .known(.zero), "a balance read as zero is known: the entry is skipped")
    }
}

/// An exchange that only reports a collateral balance (`nil`: it cannot be reached), counting asks.
private final class BalanceOnlyExchange: Exchange {
    private let state: Mutex<(balance: Collateral?, reads: Int)>

    init(balance: Collateral?) { self.state = Mutex((balance, 0)) }

    var reads: Int { self.state.withLock { $0.reads } }
    func answer(_ balance: Collateral?) { self.state.withLock { $0.balance = balance } }

    func collateralBalance(account: TradingAccount) async throws -> Collateral {
        let balance = self.state.withLock { state in
            state.reads += 1
            return state.balance
        }
        guard let balance else { throw VenueError.unavailable("the exchange does not answer") }
        return balance
    }

    func market(tokenID: TokenID) async throws -> MarketInfo { throw Self.unused }
    func orderBook(tokenID: TokenID) async throws -> OrderBook { throw Self.unused }
    func prepareOrder(_ intent: OrderIntent, account: TradingAccount, at time: Timestamp) async throws -> PreparedOrder {
        throw Self.unused
    }
    func signedPayload(for prepared: PreparedOrder, signature: [UInt8], account: TradingAccount) throws -> String {
        throw Self.unused
    }
    func submitOrder(payload: String, orderID: OrderID, account: TradingAccount) async throws -> OrderSnapshot {
        throw Self.unused
    }
    func order(id: OrderID, account: TradingAccount) async throws -> OrderSnapshot? { throw Self.unused }
    func cancelOrder(id: OrderID, account: TradingAccount) async throws -> OrderSnapshot? { throw Self.unused }

    private static let unused = VenueError.refused(status: 500, message: "not used by this test")
}
