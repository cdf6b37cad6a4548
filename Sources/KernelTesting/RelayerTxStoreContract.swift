import Kernel
import Testing


/// A user `n` with wallet `n`, the parents of relayer transactions.
private func owner(_ n: Int, in store: some Store) async throws -> TradingWallet {
    let user = try await Seed.user(n, in: store)
    return try await Seed.wallet(n, of: user, in: store)
}

extension StoreContract where Port == RelayerTxStorePort {
    public static var cases: [RelayerTxStoreContract] { [
        .init("a relayer tx round-trips and is found by id and by idempotency key") { store async throws in
            let wallet = try await owner(1, in: store)
            let bare = RelayerTx.fixture(
                1, userID: wallet.userID, walletID: wallet.id, kind: .deploy, amount: nil, destination: nil)
            let full = RelayerTx.fixture(
                2, userID: wallet.userID, walletID: wallet.id, kind: .withdraw, idempotencyKey: "withdraw:Case-Kept",
                status: .mined, relayerReference: "019a7c1e-relayer", transactionHash: "0x" + String(repeating: "ab", count: 32),
                amount: Collateral(baseUnits: 9_223_372_036_854), destination: .fixture(0xbeef), submitCount: 3,
                lastError: "relayer said: 429 Too Many Requests", createdAt: .fixture + .milliseconds(1),
                updatedAt: .fixture + .milliseconds(60_001))
            try await store.insertRelayerTx(bare)
            try await store.insertRelayerTx(full)
            let storedBare = try await store.relayerTx(id: bare.id)
            let byKey = try await store.relayerTx(idempotencyKey: "withdraw:Case-Kept")
            let unknownID = try await store.relayerTx(id: RelayerTxID("relayer-9999"))
            let unknownKey = try await store.relayerTx(idempotencyKey: "withdraw:case-kept")
            #expect(storedBare == bare)
            #expect(byKey == full)
            #expect(unknownID == nil)
            #expect(unknownKey == nil, "idempotency keys are compared exactly")
        },
        .init("a relayer tx with a taken id or idempotency key throws duplicate") { store async throws in
            let wallet = try await owner(1, in: store)
            let tx = RelayerTx.fixture(1, userID: wallet.userID, walletID: wallet.id)
            try await store.insertRelayerTx(tx)
            await expectDuplicate("same id") {
                try await store.insertRelayerTx(.fixture(
                    2, id: tx.id, userID: wallet.userID, walletID: wallet.id, idempotencyKey: "withdraw:other"))
            }
            let sameKey = RelayerTx.fixture(3, userID: wallet.userID, walletID: wallet.id, idempotencyKey: tx.idempotencyKey)
            await expectDuplicate("same idempotency key") { try await store.insertRelayerTx(sameKey) }
            let stored = try await store.relayerTx(id: tx.id)
            let second = try await store.relayerTx(id: sameKey.id)
            let byOtherKey = try await store.relayerTx(idempotencyKey: "withdraw:other")
            #expect(stored == tx)
            #expect(second == nil)
            #expect(byOtherKey == nil)
        },
        .init("relayerTxs(statuses:limit:) is those statuses, oldest first, ties by id, up to the limit") { store async throws in
            let wallet = try await owner(1, in: store)
            func tx(_ n: Int, _ status: RelayerTx.Status, at offset: Duration) -> RelayerTx {
                .fixture(n, userID: wallet.userID, walletID: wallet.id, status: status, createdAt: .fixture + offset)
            }
            let late = tx(1, .pending, at: .seconds(3))
            let tiedHigh = tx(3, .submitted, at: .seconds(2))
            let tiedLow = tx(2, .pending, at: .seconds(2))
            let early = tx(4, .mined, at: .seconds(1))
            let confirmed = tx(5, .confirmed, at: .seconds(0))
            let failed = tx(6, .failed, at: .seconds(0))
            for t in [late, confirmed, tiedHigh, failed, early, tiedLow] { try await store.insertRelayerTx(t) }
            let open = try await store.relayerTxs(statuses: [.pending, .submitted, .mined], limit: 10)
            let limited = try await store.relayerTxs(statuses: [.pending, .submitted, .mined], limit: 2)
            let failedOnly = try await store.relayerTxs(statuses: [.failed], limit: 10)
            #expect(open == [early, tiedLow, tiedHigh, late])
            #expect(limited == [early, tiedLow])
            #expect(failedOnly == [failed])
        },
        .init("relayerTxs(userID:limit:) is one user's txs, newest first, ties by id") { store async throws in
            let alice = try await owner(1, in: store)
            let bob = try await owner(2, in: store)
            func tx(_ n: Int, _ wallet: TradingWallet, at offset: Duration) -> RelayerTx {
                .fixture(n, userID: wallet.userID, walletID: wallet.id, createdAt: .fixture + offset)
            }
            let early = tx(1, alice, at: .seconds(1))
            let tiedLow = tx(2, alice, at: .seconds(2))
            let tiedHigh = tx(3, alice, at: .seconds(2))
            let late = tx(4, alice, at: .seconds(3))
            let bobs = tx(5, bob, at: .seconds(9))
            for t in [tiedHigh, bobs, early, late, tiedLow] { try await store.insertRelayerTx(t) }
            let listed = try await store.relayerTxs(userID: alice.userID, limit: 10)
            let limited = try await store.relayerTxs(userID: alice.userID, limit: 3)
            #expect(listed == [late, tiedHigh, tiedLow, early])
            #expect(limited == [late, tiedHigh, tiedLow])
        },
        .init("updateRelayerTx writes the mutable fields from the expected status only") { store async throws in
            let wallet = try await owner(1, in: store)
            let tx = RelayerTx.fixture(1, userID: wallet.userID, walletID: wallet.id)
            try await store.insertRelayerTx(tx)
            var submitted = tx
            submitted.status = .submitted
            submitted.relayerReference = "019a7c1e-relayer"
            submitted.submitCount = 1
            submitted.updatedAt = .fixture + .milliseconds(1_234)
            let written = try await store.updateRelayerTx(submitted, from: .pending)
            let afterSubmit = try await store.relayerTx(id: tx.id)
            #expect(written)
            #expect(afterSubmit == submitted)

            var confirmed = submitted
            confirmed.status = .confirmed
            let stale = try await store.updateRelayerTx(confirmed, from: .pending)
            let afterStale = try await store.relayerTx(id: tx.id)
            #expect(!stale)
            #expect(afterStale == submitted)

            var failed = submitted
            failed.status = .failed
            failed.lastError = "STATE_INVALID"
            failed.transactionHash = "0x" + String(repeating: "cd", count: 32)
            failed.updatedAt = .fixture + .milliseconds(5_678)
            let failWritten = try await store.updateRelayerTx(failed, from: .submitted)
            let afterFail = try await store.relayerTx(id: tx.id)
            #expect(failWritten)
            #expect(afterFail == failed)
            let unknown = try await store.updateRelayerTx(RelayerTx.fixture(99), from: .pending)
            #expect(!unknown)
        },
        .init("an operator retry moves FAILED back to PENDING on the same row and key") { store async throws in
            let wallet = try await owner(1, in: store)
            let tx = RelayerTx.fixture(
                1, userID: wallet.userID, walletID: wallet.id, status: .failed, submitCount: 2, lastError: "STATE_FAILED")
            try await store.insertRelayerTx(tx)
            var retried = tx
            retried.status = .pending
            retried.updatedAt = .fixture + .seconds(30)
            let written = try await store.updateRelayerTx(retried, from: .failed)
            let byKey = try await store.relayerTx(idempotencyKey: tx.idempotencyKey)
            let pending = try await store.relayerTxs(statuses: [.pending], limit: 10)
            #expect(written)
            #expect(byKey == retried)
            #expect(pending == [retried])
        },
        .init("a relayer update appends its audit row in the same step, none when it does not apply") { store async throws in
            let wallet = try await owner(1, in: store)
            let tx = RelayerTx.fixture(1, userID: wallet.userID, walletID: wallet.id, status: .failed, lastError: "STATE_FAILED")
            try await store.insertRelayerTx(tx)
            var retried = tx
            retried.status = .pending
            retried.updatedAt = .fixture + .seconds(30)
            let stale = try await store.updateRelayerTx(
                retried, from: .submitted, audit: .fixture(1, actor: "admin", action: "admin.retry_relayer"))
            #expect(!stale)
            let taken = AuditEntry.fixture(2, actor: "admin", action: "admin.retry_relayer")
            try await store.appendAudit(taken)
            await expectDuplicate("a taken audit id") {
                _ = try await store.updateRelayerTx(retried, from: .failed, audit: .fixture(3, id: taken.id))
            }
            let unchanged = try await store.relayerTx(id: tx.id)
            #expect(unchanged == tx, "a failed audit insert leaves the row as it was")
            let entry = AuditEntry.fixture(4, actor: "admin", action: "admin.retry_relayer", subjectType: "relayer_tx",
                                           subjectID: tx.id.rawValue, createdAt: .fixture + .seconds(30))
            let written = try await store.updateRelayerTx(retried, from: .failed, audit: entry)
            #expect(written)
            let stored = try await store.relayerTx(id: tx.id)
            #expect(stored == retried)
            let trail = try await store.recentAudit(limit: 10)
            #expect(trail.map(\.id) == [entry.id, taken.id])
        },
        .init("16 racing relayer updates: exactly one wins") { store async throws in
            let wallet = try await owner(1, in: store)
            let tx = RelayerTx.fixture(1, userID: wallet.userID, walletID: wallet.id, status: .submitted)
            try await store.insertRelayerTx(tx)
            let winners = try await race { index in
                var next = tx
                next.status = index.isMultiple(of: 2) ? .mined : .failed
                next.lastError = "racer \(index)"
                return try await store.updateRelayerTx(next, from: .submitted)
            }
            #expect(winners.count == 1)
            let winner = try #require(winners.first)
            let stored = try await store.relayerTx(id: tx.id)
            #expect(stored?.lastError == "racer \(winner)")
        },
    ] }
}
