import Kernel
import Testing

extension StoreContract where Port == FundsStorePort {
    public static var cases: [FundsStoreContract] { [
        .init("a wallet never synced has no balance and nothing available") { store async throws in
            let user = try await Seed.user(1, in: store)
            let wallet = try await Seed.wallet(1, of: user, in: store)
            let funds = try await store.walletFunds(walletID: wallet.id)
            #expect(funds == WalletFunds(walletID: wallet.id, syncedBalance: nil, syncedAt: nil))
            #expect(funds.available == .zero)
        },
        .init("recordSyncedBalance stores the newest reading and ignores an older one") { store async throws in
            let user = try await Seed.user(1, in: store)
            let wallet = try await Seed.wallet(1, of: user, in: store)
            let first = try await store.recordSyncedBalance(walletID: wallet.id, collateral: .dollars(1_000),
                                                            at: .fixture + .seconds(10))
            let older = try await store.recordSyncedBalance(walletID: wallet.id, collateral: .dollars(5),
                                                            at: .fixture + .seconds(9))
            let same = try await store.recordSyncedBalance(walletID: wallet.id, collateral: .dollars(900),
                                                           at: .fixture + .seconds(10))
            let funds = try await store.walletFunds(walletID: wallet.id)
            #expect(first && !older && same)
            #expect(funds.syncedBalance == .dollars(900))
            #expect(funds.syncedAt == .fixture + .seconds(10))
            #expect(funds.available == .dollars(900))
        },
        .init("unknown wallets throw notFound on both calls") { store async throws in
            await expectNotFound("walletFunds") { _ = try await store.walletFunds(walletID: WalletID("wallet-9999")) }
            await expectNotFound("recordSyncedBalance") {
                _ = try await store.recordSyncedBalance(walletID: WalletID("wallet-9999"), collateral: .dollars(1), at: .fixture)
            }
        },
        .init("withdrawals reserve unless FAILED; another wallet's do not count") { store async throws in
            let alice = try await Seed.wallet(1, of: try await Seed.user(1, in: store), in: store)
            let bob = try await Seed.wallet(2, of: try await Seed.user(2, in: store), in: store)
            func withdrawal(_ n: Int, _ wallet: TradingWallet, _ status: RelayerTx.Status, dollars: Int64,
                            kind: RelayerTx.Kind = .withdraw) -> RelayerTx {
                .fixture(n, userID: wallet.userID, walletID: wallet.id, kind: kind, status: status,
                         amount: .dollars(dollars))
            }
            for tx in [withdrawal(1, alice, .pending, dollars: 100), withdrawal(2, alice, .submitted, dollars: 20),
                       withdrawal(3, alice, .mined, dollars: 3), withdrawal(4, alice, .confirmed, dollars: 400),
                       withdrawal(5, alice, .failed, dollars: 5_000), withdrawal(6, bob, .pending, dollars: 7_000),
                       withdrawal(7, alice, .pending, dollars: 60_000, kind: .redeem)] {
                try await store.insertRelayerTx(tx)
            }
            _ = try await store.recordSyncedBalance(walletID: alice.id, collateral: .dollars(1_000), at: .fixture)
            let funds = try await store.walletFunds(walletID: alice.id)
            #expect(funds.reservedWithdrawals.sorted() == [.dollars(3), .dollars(20), .dollars(100), .dollars(400)])
            #expect(funds.available == .dollars(477))
        },
        .init("a synced balance releases withdrawals confirmed a settlement lag before it, no others") { store async throws in
            let wallet = try await Seed.wallet(1, of: try await Seed.user(1, in: store), in: store)
            let confirmedAt = Timestamp.fixture + .seconds(100)
            let early = RelayerTx.fixture(1, userID: wallet.userID, walletID: wallet.id, status: .confirmed,
                                          amount: .dollars(10), updatedAt: confirmedAt)
            let recent = RelayerTx.fixture(2, userID: wallet.userID, walletID: wallet.id, status: .confirmed,
                                           amount: .dollars(20), updatedAt: confirmedAt + .seconds(30))
            let open = RelayerTx.fixture(3, userID: wallet.userID, walletID: wallet.id, status: .mined,
                                         amount: .dollars(40), updatedAt: confirmedAt)
            for tx in [early, recent, open] { try await store.insertRelayerTx(tx) }
            let syncedAt = confirmedAt + WalletFunds.settlementLag
            _ = try await store.recordSyncedBalance(walletID: wallet.id, collateral: .dollars(500), at: syncedAt)
            let afterFirst = try await store.walletFunds(walletID: wallet.id)
            #expect(afterFirst.reservedWithdrawals.sorted() == [.dollars(20), .dollars(40)])
            // A stale reading releases nothing.
            _ = try await store.recordSyncedBalance(walletID: wallet.id, collateral: .dollars(1), at: .fixture)
            let afterStale = try await store.walletFunds(walletID: wallet.id)
            #expect(afterStale == afterFirst)
            _ = try await store.recordSyncedBalance(walletID: wallet.id, collateral: .dollars(480),
                                                    at: syncedAt + .seconds(30))
            let afterSecond = try await store.walletFunds(walletID: wallet.id)
            #expect(afterSecond.reservedWithdrawals == [.dollars(40)])
            #expect(afterSecond.available == .dollars(440))
        },
        .init("open, non-paper BUY orders of the wallet reserve their rest; others do not") { store async throws in
            let (attempt, profile, _) = try await Seed.attempt(in: store)
            func order(_ n: Int, _ status: Order.Status, side: Side = .buy, paper: Bool = false,
                       filled: Shares = .zero) -> Order {
                .fixture(n, attemptID: attempt.id, profileID: profile.id, walletID: profile.walletID, side: side,
                         limitPrice: Price(baseUnits: 500_000), shares: .whole(10), status: status,
                         filledShares: filled, paper: paper)
            }
            let open: [Order] = [order(1, .signed), order(2, .submitted), order(3, .live, filled: .whole(4)),
                                 order(4, .unknown)]
            let closed: [Order] = [order(5, .filled, filled: .whole(10)), order(6, .partiallyFilled, filled: .whole(2)),
                                   order(7, .killed), order(8, .rejected), order(9, .canceled),
                                   order(10, .live, side: .sell), order(11, .live, paper: true)]
            for o in open + closed { try await store.insertOrder(o) }
            _ = try await store.recordSyncedBalance(walletID: profile.walletID, collateral: .dollars(100), at: .fixture)
            let funds = try await store.walletFunds(walletID: profile.walletID)
            #expect(funds.openBuys == open.map(OpenBuy.init))
            // 10 shares at 0.5 = 5 + fee bound 10 × 0.25 = 2.5 → 7.5 each; the LIVE one has 6 left → 4.5.
            #expect(funds.openBuysReserved == Collateral(baseUnits: 27_000_000))
            #expect(funds.available == Collateral(baseUnits: 73_000_000))
        },
    ] }
}
