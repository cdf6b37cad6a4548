import Kernel
import Testing


/// An order of the seeded attempt.
private func order(
    _ n: Int, of attempt: CopyAttempt, walletID: WalletID, status: Order.Status = .signed,
    createdAt: Timestamp = .fixture
) -> Order {
    Order.fixture(
        n, attemptID: attempt.id, profileID: attempt.profileID, walletID: walletID, status: status, createdAt: createdAt)
}

extension StoreContract where Port == OrderStorePort {
    public static var cases: [OrderStoreContract] { orders + updates + positions }

    static var orders: [OrderStoreContract] { [
        .init("an order round-trips, with every optional field empty or set") { store async throws in
            let (attempt, profile, _) = try await Seed.attempt(in: store)
            let fresh = order(1, of: attempt, walletID: profile.walletID)
            let full = Order.fixture(
                2, attemptID: attempt.id, profileID: profile.id, walletID: profile.walletID,
                tokenID: .fixture(decimal: "0"), side: .sell, type: .fak,
                limitPrice: Price(baseUnits: 1), shares: Shares(baseUnits: 999_999_999_999), status: .partiallyFilled,
                filledShares: Shares(baseUnits: 123_456_789), filledNotional: Collateral(baseUnits: 65_432_101),
                fee: Collateral(baseUnits: 1_309), paper: true, note: "FAK remainder killed: “thin book”",
                submittedAt: .fixture + .milliseconds(87), createdAt: .fixture + .milliseconds(1),
                updatedAt: .fixture + .milliseconds(2_001))
            try await store.insertOrder(fresh)
            try await store.insertOrder(full)
            let storedFresh = try await store.order(id: fresh.id)
            let storedFull = try await store.order(id: full.id)
            let unknown = try await store.order(id: .fixture(9_999))
            #expect(storedFresh == fresh)
            #expect(storedFull == full)
            #expect(unknown == nil)
        },
        .init("an order with a taken hash throws duplicate and changes nothing") { store async throws in
            let (attempt, profile, _) = try await Seed.attempt(in: store)
            let original = order(1, of: attempt, walletID: profile.walletID)
            try await store.insertOrder(original)
            var clash = original
            clash.status = .live
            clash.shares = Shares(baseUnits: 1)
            await expectDuplicate("same order hash") { try await store.insertOrder(clash) }
            let stored = try await store.order(id: original.id)
            #expect(stored == original)
        },
        .init("orders(attemptID:) is that attempt's orders oldest first, ties by id") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let profile = try await Seed.follower(1, of: leader, in: store)
            let ids = SequentialIDs(prefix: "attempt")
            let mine = try #require(try await Seed.record(.fixture(1, leader: leader), in: store, ids: ids).first)
            let other = try #require(try await Seed.record(.fixture(2, leader: leader), in: store, ids: ids).first)
            let late = order(1, of: mine, walletID: profile.walletID, createdAt: .fixture + .seconds(2))
            let tiedHigh = order(3, of: mine, walletID: profile.walletID, createdAt: .fixture + .seconds(1))
            let tiedLow = order(2, of: mine, walletID: profile.walletID, createdAt: .fixture + .seconds(1))
            let others = order(4, of: other, walletID: profile.walletID, createdAt: .fixture)
            for o in [late, others, tiedHigh, tiedLow] { try await store.insertOrder(o) }
            let listed = try await store.orders(attemptID: mine.id)
            #expect(listed == [tiedLow, tiedHigh, late])
        },
        .init("orders(profileID:createdSince:) is that profile's orders from that time on, oldest first") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let mine = try await Seed.follower(1, of: leader, in: store)
            let theirs = try await Seed.follower(2, of: leader, in: store)
            let attempts = try await Seed.record(.fixture(1, leader: leader), in: store, ids: SequentialIDs(prefix: "attempt"))
            let myAttempt = try #require(attempts.first { $0.profileID == mine.id })
            let theirAttempt = try #require(attempts.first { $0.profileID == theirs.id })
            let before = order(1, of: myAttempt, walletID: mine.walletID, createdAt: .fixture - .milliseconds(1))
            let atStart = order(2, of: myAttempt, walletID: mine.walletID, createdAt: .fixture)
            let later = order(3, of: myAttempt, walletID: mine.walletID, createdAt: .fixture + .seconds(5))
            let other = order(4, of: theirAttempt, walletID: theirs.walletID, createdAt: .fixture + .seconds(1))
            for o in [later, other, before, atStart] { try await store.insertOrder(o) }
            let listed = try await store.orders(profileID: mine.id, createdSince: .fixture)
            #expect(listed == [atStart, later])
        },
        .init("orders(statuses:limit:) is orders in those statuses, oldest first, up to the limit") { store async throws in
            let (attempt, profile, _) = try await Seed.attempt(in: store)
            let statuses: [Order.Status] = [.unknown, .filled, .submitted, .live, .signed, .unknown, .canceled]
            var all: [Order] = []
            for (index, status) in statuses.enumerated() {
                // Created newest first, so insertion order is the reverse of the expected order.
                let o = order(index + 1, of: attempt, walletID: profile.walletID, status: status,
                              createdAt: .fixture + .seconds(Int64(statuses.count - index)))
                try await store.insertOrder(o)
                all.append(o)
            }
            let wanted: Set<Order.Status> = [.unknown, .submitted, .live]
            let expected = all.filter { wanted.contains($0.status) }.sorted { $0.createdAt < $1.createdAt }
            let listed = try await store.orders(statuses: wanted, limit: 10)
            let limited = try await store.orders(statuses: wanted, limit: 2)
            let none = try await store.orders(statuses: [.rejected], limit: 10)
            #expect(listed == expected)
            #expect(limited == Array(expected.prefix(2)))
            #expect(none.isEmpty)
        },
    ] }

    static var updates: [OrderStoreContract] { [
        .init("updateOrder writes every mutable field when the status is as expected") { store async throws in
            let (attempt, profile, _) = try await Seed.attempt(in: store)
            let original = order(1, of: attempt, walletID: profile.walletID)
            try await store.insertOrder(original)
            var submitted = original
            submitted.status = .submitted
            submitted.submittedAt = .fixture + .milliseconds(41)
            submitted.updatedAt = .fixture + .milliseconds(41)
            let first = try await store.updateOrder(submitted, from: .signed, booking: nil)
            var filled = submitted
            filled.status = .filled
            filled.filledShares = original.shares
            filled.filledNotional = Collateral(baseUnits: 9_996_001)
            filled.fee = Collateral(baseUnits: 19_993)
            filled.note = "matched in 2 fills"
            filled.updatedAt = .fixture + .milliseconds(301)
            let second = try await store.updateOrder(filled, from: .submitted, booking: nil)
            let stored = try await store.order(id: original.id)
            let position = try await store.position(profileID: profile.id, tokenID: original.tokenID)
            #expect(first)
            #expect(second)
            #expect(stored == filled)
            #expect(position == nil, "no booking was given")
        },
        .init("updateOrder appends its audit row with the change and the booking, none when stale") { store async throws in
            let (attempt, profile, _) = try await Seed.attempt(in: store)
            let original = order(1, of: attempt, walletID: profile.walletID)
            try await store.insertOrder(original)
            var filled = original
            filled.status = .filled
            filled.filledShares = original.shares
            filled.updatedAt = .fixture + .seconds(90)
            let booking = Position.fixture(profileID: profile.id, tokenID: original.tokenID)
            let stale = try await store.updateOrder(filled, from: .unknown, booking: booking,
                                                    audit: .fixture(1, action: "admin.reconcile", subjectType: "order"))
            #expect(!stale)
            let taken = AuditEntry.fixture(2)
            try await store.appendAudit(taken)
            await expectDuplicate("a taken audit id") {
                _ = try await store.updateOrder(filled, from: .signed, booking: booking, audit: .fixture(3, id: taken.id))
            }
            let untouched = try await store.order(id: original.id)
            let noBooking = try await store.position(profileID: profile.id, tokenID: original.tokenID)
            #expect(untouched == original, "a failed audit insert rolls the order back")
            #expect(noBooking == nil, "and the booking")
            let entry = AuditEntry.fixture(4, action: "admin.reconcile", subjectType: "order", subjectID: original.id.rawValue,
                                           createdAt: .fixture + .seconds(90))
            let written = try await store.updateOrder(filled, from: .signed, booking: booking, audit: entry)
            #expect(written)
            let stored = try await store.order(id: original.id)
            let booked = try await store.position(profileID: profile.id, tokenID: original.tokenID)
            #expect(stored == filled)
            #expect(booked == booking)
            let trail = try await store.recentAudit(limit: 10)
            #expect(trail.map(\.id) == [entry.id, taken.id])
        },
        .init("updateOrder from a stale status returns false and changes nothing") { store async throws in
            let (attempt, profile, _) = try await Seed.attempt(in: store)
            let original = order(1, of: attempt, walletID: profile.walletID, status: .live)
            try await store.insertOrder(original)
            var canceled = original
            canceled.status = .canceled
            canceled.updatedAt = .fixture + .seconds(1)
            let written = try await store.updateOrder(canceled, from: .submitted, booking: nil)
            let stored = try await store.order(id: original.id)
            let unknown = try await store.updateOrder(order(2, of: attempt, walletID: profile.walletID), from: .signed, booking: nil)
            #expect(!written)
            #expect(stored == original)
            #expect(!unknown)
        },
        .init("updateOrder with a booking writes the order and the position together") { store async throws in
            let (attempt, profile, _) = try await Seed.attempt(in: store)
            let original = order(1, of: attempt, walletID: profile.walletID, status: .live)
            try await store.insertOrder(original)
            var filled = original
            filled.status = .filled
            filled.filledShares = original.shares
            filled.filledNotional = Collateral(baseUnits: 9_996_001)
            let booked = Position.fixture(
                profileID: profile.id, tokenID: original.tokenID, shares: original.shares,
                costBasis: Collateral(baseUnits: 10_015_994), realizedPnL: .zero, updatedAt: .fixture + .milliseconds(5))
            let written = try await store.updateOrder(filled, from: .live, booking: booked)
            let storedOrder = try await store.order(id: original.id)
            let storedPosition = try await store.position(profileID: profile.id, tokenID: original.tokenID)
            #expect(written)
            #expect(storedOrder == filled)
            #expect(storedPosition == booked)

            // A second booking replaces the row for (profile, token).
            var sold = Order.fixture(
                2, attemptID: attempt.id, profileID: profile.id, walletID: profile.walletID, side: .sell, type: .fak,
                status: .live, createdAt: .fixture + .seconds(1))
            try await store.insertOrder(sold)
            sold.status = .filled
            var flat = booked
            flat.shares = .zero
            flat.costBasis = .zero
            flat.realizedPnL = Collateral(baseUnits: 2_000_003)
            flat.redeemable = true
            let soldWritten = try await store.updateOrder(sold, from: .live, booking: flat)
            let afterSale = try await store.positions(profileID: profile.id)
            #expect(soldWritten)
            #expect(afterSale == [flat])
        },
        .init("updateOrder whose compare-and-set fails writes neither the order nor the position") { store async throws in
            let (attempt, profile, _) = try await Seed.attempt(in: store)
            let original = order(1, of: attempt, walletID: profile.walletID, status: .filled)
            try await store.insertOrder(original)
            let existing = Position.fixture(profileID: profile.id, tokenID: original.tokenID)
            try await store.savePosition(existing)
            var refilled = original
            refilled.status = .filled
            refilled.filledShares = Shares(baseUnits: 1)
            var doubleBooked = existing
            doubleBooked.shares = existing.shares + existing.shares
            let written = try await store.updateOrder(refilled, from: .live, booking: doubleBooked)
            var otherToken = existing
            otherToken.tokenID = .fixture(2)
            let writtenOther = try await store.updateOrder(refilled, from: .live, booking: otherToken)
            let storedOrder = try await store.order(id: original.id)
            let storedPositions = try await store.positions(profileID: profile.id)
            #expect(!written)
            #expect(!writtenOther)
            #expect(storedOrder == original)
            #expect(storedPositions == [existing])
        },
        .init("16 racing order updates: exactly one wins, with its booking") { store async throws in
            let (attempt, profile, _) = try await Seed.attempt(in: store)
            let original = order(1, of: attempt, walletID: profile.walletID, status: .unknown)
            try await store.insertOrder(original)
            let winners = try await race { index in
                var next = original
                next.status = index.isMultiple(of: 2) ? .filled : .killed
                next.note = "racer \(index)"
                let booking = Position.fixture(
                    profileID: profile.id, tokenID: original.tokenID, shares: Shares(baseUnits: Int64(index + 1)))
                return try await store.updateOrder(next, from: .unknown, booking: booking)
            }
            #expect(winners.count == 1)
            let winner = try #require(winners.first)
            let stored = try await store.order(id: original.id)
            let position = try await store.position(profileID: profile.id, tokenID: original.tokenID)
            #expect(stored?.note == "racer \(winner)")
            #expect(position?.shares == Shares(baseUnits: Int64(winner + 1)))
        },
    ] }

    static var positions: [OrderStoreContract] { [
        .init("a position round-trips; savePosition replaces the row for (profile, token)") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let profile = try await Seed.follower(1, of: leader, in: store)
            let position = Position.fixture(profileID: profile.id, tokenID: .fixture(1))
            try await store.savePosition(position)
            let stored = try await store.position(profileID: profile.id, tokenID: .fixture(1))
            #expect(stored == position)

            var replaced = position
            replaced.shares = Shares(baseUnits: 1)
            replaced.costBasis = Collateral(baseUnits: 3)
            replaced.realizedPnL = Collateral(baseUnits: -7_000_000_000_001)
            replaced.redeemable = true
            replaced.updatedAt = .fixture + .milliseconds(999)
            try await store.savePosition(replaced)
            let afterReplace = try await store.positions(profileID: profile.id)
            let missing = try await store.position(profileID: profile.id, tokenID: .fixture(2))
            #expect(afterReplace == [replaced])
            #expect(missing == nil)
        },
        .init("redeemablePositions(limit:) is redeemable positions holding shares, by profile then token") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let first = try await Seed.follower(1, of: leader, in: store)
            let second = try await Seed.follower(2, of: leader, in: store)
            let a = Position.fixture(profileID: second.id, tokenID: .fixture(decimal: "10"), redeemable: true)
            let b = Position.fixture(profileID: first.id, tokenID: .fixture(decimal: "10"), redeemable: true)
            let c = Position.fixture(profileID: first.id, tokenID: .fixture(decimal: "9"), redeemable: true)
            let flat = Position.fixture(profileID: first.id, tokenID: .fixture(decimal: "8"), shares: .zero, redeemable: true)
            let open = Position.fixture(profileID: second.id, tokenID: .fixture(decimal: "7"), redeemable: false)
            for position in [a, b, c, flat, open] { try await store.savePosition(position) }
            let all = try await store.redeemablePositions(limit: 10)
            #expect(all == [c, b, a], "a claimed (flat) or unresolved position is no work")
            let two = try await store.redeemablePositions(limit: 2)
            #expect(two == [c, b])
        },
        .init("positions(profileID:) is one profile's positions ordered numerically by token id") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let profile = try await Seed.follower(1, of: leader, in: store)
            let other = try await Seed.follower(2, of: leader, in: store)
            let tokens = ["10", "9", "100", "71321045679252212594626385532706912750332728571942532289631379312455583992", "11"]
            for token in tokens {
                try await store.savePosition(Position.fixture(profileID: profile.id, tokenID: .fixture(decimal: token)))
            }
            try await store.savePosition(Position.fixture(profileID: other.id, tokenID: .fixture(decimal: "1")))
            let listed = try await store.positions(profileID: profile.id)
            #expect(listed.map(\.tokenID.decimal) == [
                "9", "10", "11", "100", "71321045679252212594626385532706912750332728571942532289631379312455583992",
            ])
            #expect(listed.allSatisfy { $0.profileID == profile.id })
        },
    ] }
}
