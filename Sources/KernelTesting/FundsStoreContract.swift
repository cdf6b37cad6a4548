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
        .init("concurrent reservations never reserve more than is available") { store async throws in
            let wallet = try await Seed.wallet(1, of: try await Seed.user(1, in: store), in: store)
            _ = try await store.recordSyncedBalance(walletID: wallet.id, collateral: .dollars(1_000), at: .fixture)
            let outcomes = try await withThrowingTaskGroup(of: WithdrawalReservation.self) { group in
                for n in 1...24 {
                    group.addTask {
                        try await store.reserveWithdrawal(
                            withdrawal(n, wallet, dollars: 300), dailyLimit: nil, audit: nil)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let reserved = outcomes.filter { if case .reserved = $0 { true } else { false } }
            #expect(reserved.count == 3, "\(outcomes)")
            #expect(outcomes.allSatisfy {
                switch $0 {
                case .reserved: true
                case .insufficient(let available): available == .dollars(100)
                default: false
                }
            })
            let funds = try await store.walletFunds(walletID: wallet.id)
            #expect(funds.withdrawalsReserved == .dollars(900))
            #expect(funds.available == .dollars(100))
        },
        .init("a reservation with a taken key returns the stored row and changes nothing") { store async throws in
            let wallet = try await Seed.wallet(1, of: try await Seed.user(1, in: store), in: store)
            _ = try await store.recordSyncedBalance(walletID: wallet.id, collateral: .dollars(1_000), at: .fixture)
            let first = withdrawal(1, wallet, dollars: 300)
            let audit = AuditEntry.fixture(1, action: "withdrawal.requested", subjectID: first.id.rawValue)
            #expect(try await store.reserveWithdrawal(first, dailyLimit: nil, audit: audit) == .reserved(first))
            var again = withdrawal(2, wallet, dollars: 900)
            again.idempotencyKey = first.idempotencyKey
            #expect(try await store.reserveWithdrawal(again, dailyLimit: nil, audit: nil) == .existing(first))
            #expect(try await store.relayerTx(id: again.id) == nil)
            #expect(try await store.recentAudit(limit: 5) == [audit], "the audit row is written with the reservation")
        },
        .init("the daily limit counts every withdrawal accepted in the last 24 hours") { store async throws in
            let wallet = try await Seed.wallet(1, of: try await Seed.user(1, in: store), in: store)
            let now = Timestamp.fixture + .seconds(200_000)
            _ = try await store.recordSyncedBalance(walletID: wallet.id, collateral: .dollars(10_000), at: now)
            var old = withdrawal(1, wallet, dollars: 400, status: .confirmed)
            old.createdAt = now - .seconds(86_400)
            var failed = withdrawal(2, wallet, dollars: 100, status: .failed)
            failed.createdAt = now - .seconds(3_600)
            for tx in [old, failed] { try await store.insertRelayerTx(tx) }
            var fits = withdrawal(3, wallet, dollars: 400)
            fits.createdAt = now
            var over = withdrawal(4, wallet, dollars: 1)
            over.createdAt = now
            #expect(try await store.reserveWithdrawal(fits, dailyLimit: .dollars(500), audit: nil) == .reserved(fits))
            #expect(try await store.reserveWithdrawal(over, dailyLimit: .dollars(500), audit: nil)
                    == .overDailyLimit(limit: .dollars(500), acceptedToday: .dollars(500)))
            #expect(try await store.reserveWithdrawal(over, dailyLimit: nil, audit: nil) == .reserved(over))
        },
        .init("open BUY orders and withdrawals share one available balance") { store async throws in
            let (attempt, profile, _) = try await Seed.attempt(in: store)
            guard let wallet = try await store.wallet(id: profile.walletID) else { throw StoreError.notFound(entity: "w", key: "") }
            _ = try await store.recordSyncedBalance(walletID: wallet.id, collateral: .dollars(100), at: .fixture)
            try await store.insertOrder(.fixture(1, attemptID: attempt.id, profileID: profile.id, walletID: wallet.id,
                                                 limitPrice: Price(baseUnits: 500_000), shares: .whole(100)))
            // 100 shares at 0.5 = 50, fee bound 25: 25 left.
            #expect(try await store.reserveWithdrawal(withdrawal(1, wallet, dollars: 26), dailyLimit: nil, audit: nil)
                    == .insufficient(available: .dollars(25)))
            let fits = withdrawal(2, wallet, dollars: 25)
            #expect(try await store.reserveWithdrawal(fits, dailyLimit: nil, audit: nil) == .reserved(fits))
        },
        .init("an operator's retry reserves a FAILED withdrawal again only if it fits") { store async throws in
            let wallet = try await Seed.wallet(1, of: try await Seed.user(1, in: store), in: store)
            _ = try await store.recordSyncedBalance(walletID: wallet.id, collateral: .dollars(100), at: .fixture)
            let small = withdrawal(1, wallet, dollars: 60, status: .failed)
            let large = withdrawal(2, wallet, dollars: 60, status: .failed)
            for tx in [small, large] { try await store.insertRelayerTx(tx) }
            var retriedSmall = small
            retriedSmall.status = .pending
            retriedSmall.lastError = nil
            let audit = AuditEntry.fixture(1, subjectID: small.id.rawValue)
            #expect(try await store.reReserveWithdrawal(retriedSmall, audit: audit) == .reserved(retriedSmall))
            var retriedLarge = large
            retriedLarge.status = .pending
            #expect(try await store.reReserveWithdrawal(retriedLarge, audit: nil) == .insufficient(available: .dollars(40)))
            #expect(try await store.reReserveWithdrawal(retriedSmall, audit: nil) == .existing(retriedSmall))
            #expect(try await store.relayerTx(id: large.id) == large)
            #expect(try await store.recentAudit(limit: 5) == [audit])
        },
        .init("a transaction hash or relayer reference belongs to one row") { store async throws in
            let wallet = try await Seed.wallet(1, of: try await Seed.user(1, in: store), in: store)
            let hash = "0x" + String(repeating: "cd", count: 32)
            let first = RelayerTx.fixture(1, userID: wallet.userID, walletID: wallet.id, status: .confirmed,
                                          relayerReference: "ref-1", transactionHash: hash)
            let second = RelayerTx.fixture(2, userID: wallet.userID, walletID: wallet.id, status: .submitted,
                                           relayerReference: "ref-2")
            try await store.insertRelayerTx(first)
            try await store.insertRelayerTx(second)
            var sharingHash = second
            sharingHash.status = .confirmed
            sharingHash.transactionHash = hash
            await expectDuplicate("same hash") { _ = try await store.updateRelayerTx(sharingHash, from: .submitted) }
            var sharingReference = second
            sharingReference.relayerReference = "ref-1"
            await expectDuplicate("same reference") { _ = try await store.updateRelayerTx(sharingReference, from: .submitted) }
            #expect(try await store.relayerTx(id: second.id) == second)
        },
    ] }
}

/// A withdrawal `n` of `wallet`, PENDING unless told.
private func withdrawal(_ n: Int, _ wallet: TradingWallet, dollars: Int64,
                        status: RelayerTx.Status = .pending) -> RelayerTx {
    .fixture(n, userID: wallet.userID, walletID: wallet.id, kind: .withdraw, idempotencyKey: "withdraw:contract-\(n)",
             status: status, amount: .dollars(dollars))
}
