import Kernel
import Synchronization
import Testing


extension StoreContract where Port == CopyEventStorePort {
    public static var cases: [CopyEventStoreContract] { fanOut + events + claims + updates }

    static var fanOut: [CopyEventStoreContract] { [
        .init("recording with a claim leases the new attempts to the recorder until it expires") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let follower = try await Seed.follower(1, of: leader, in: store)
            let event = LeaderEvent.fixture(1, leader: leader, side: .buy, leaderPositionBefore: .zero)
            let claim = AttemptClaim(owner: "recorder", expiresAt: event.detectedAt + .seconds(30))
            let outcome = try await store.recordLeaderEvent(
                event, newAttemptID: SequentialIDs(prefix: "attempt").attemptIDs, claim: claim)
            let expected = CopyAttempt.fixture(1, profile: follower, event: event).claimed(by: claim)
            #expect(expected.fencingToken == 1 && expected.leaseOwner == "recorder")
            #expect(outcome == .recorded(event, attempts: [expected]))
            #expect(try await store.attempt(id: expected.id) == expected)
            // Held: nobody else claims it while the lease runs; after it expires anyone may.
            #expect(try await store.claimAttempts(owner: "other", now: event.detectedAt + .seconds(29),
                                                  leaseDuration: .seconds(30), limit: 10).isEmpty)
            let later = try await store.claimAttempts(owner: "other", now: event.detectedAt + .seconds(30),
                                                      leaseDuration: .seconds(30), limit: 10)
            #expect(later.map(\.fencingToken) == [2])
        },
        .init("recording a BUY inserts the event and one PENDING ENTRY per non-STOPPED follower") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let other = try await Seed.leader(2, in: store)
            var followers: [CopyProfile] = []
            for (index, status) in [ProfileStatus.enabled, .paused, .userPaused, .exitOnly, .stopped].enumerated() {
                followers.append(try await Seed.follower(
                    index + 1, of: leader, status: status, createdAt: .fixture + .seconds(Int64(index)), in: store))
            }
            _ = try await Seed.follower(10, of: other, in: store)
            // The store stamps the leader's tracked position before the fill: none yet.
            let event = LeaderEvent.fixture(1, leader: leader, side: .buy, leaderPositionBefore: .zero)
            let ids = SequentialIDs(prefix: "attempt")

            let outcome = try await store.recordLeaderEvent(event, newAttemptID: ids.attemptIDs)

            let expected = followers.filter { $0.status != .stopped }.enumerated().map { index, profile in
                CopyAttempt.fixture(index + 1, profile: profile, event: event)
            }
            #expect(expected.allSatisfy { $0.kind == .entry && $0.status == .pending && $0.fencingToken == 0 })
            #expect(outcome == .recorded(event, attempts: expected))
            let storedEvent = try await store.leaderEvent(id: event.id)
            let storedAttempts = try await store.attempts(leaderEventID: event.id)
            #expect(storedEvent == event)
            #expect(storedAttempts == expected)
            for attempt in expected {
                let stored = try await store.attempt(id: attempt.id)
                #expect(stored == attempt)
            }
        },
        .init("recording a SELL fans out EXIT attempts with the profile's user and the leader's price") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let profile = try await Seed.follower(1, of: leader, in: store)
            let fill = LeaderFill.fixture(
                1, leaderAddress: leader.address, side: .sell, size: Shares(baseUnits: 3_000_001),
                price: Price(baseUnits: 987_654), occurredAt: .fixture + .milliseconds(11))
            let event = LeaderEvent.fixture(1, leader: leader, fill: fill)
            let attempts = try await Seed.record(event, in: store, ids: SequentialIDs(prefix: "attempt"))
            let attempt = try #require(attempts.first)
            #expect(attempts.count == 1)
            #expect(attempt.kind == .exit)
            #expect(attempt.userID == profile.userID)
            #expect(attempt.profileID == profile.id)
            #expect(attempt.leaderPrice == Price(baseUnits: 987_654))
            #expect(attempt.dueAt == event.detectedAt)
            #expect(attempt.detectedAt == event.detectedAt)
            #expect(attempt.createdAt == event.createdAt)
        },
        .init("recording moves the leader's tracked position and stamps the position before on the event") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            _ = try await Seed.follower(1, of: leader, in: store)
            let ids = SequentialIDs(prefix: "attempt")
            let token = TokenID.fixture(1)
            let fills: [(Side, Int64)] = [(.buy, 10_000_000), (.buy, 5_500_001), (.sell, 3_000_000), (.sell, 99_000_000)]
            var befores: [Shares?] = []
            for (index, (side, units)) in fills.enumerated() {
                let event = LeaderEvent.fixture(
                    index + 1, leader: leader,
                    fill: .fixture(index + 1, leaderAddress: leader.address, tokenID: token, side: side,
                                   size: Shares(baseUnits: units)))
                let outcome = try await store.recordLeaderEvent(event, newAttemptID: ids.attemptIDs)
                guard case .recorded(let recorded, _) = outcome else {
                    Issue.record("fill \(index + 1) was not recorded: \(outcome)")
                    return
                }
                let stored = try await store.leaderEvent(id: event.id)
                #expect(stored == recorded, "the stored event is the one returned")
                befores.append(recorded.leaderPositionBefore)
            }
            #expect(befores == [.zero, Shares(baseUnits: 10_000_000), Shares(baseUnits: 15_500_001), Shares(baseUnits: 12_500_001)])
            let after = try await store.leaderPosition(leaderID: leader.id, tokenID: token)
            #expect(after == .zero, "selling more than tracked floors at zero")

            // A duplicate moves nothing.
            let buy = LeaderEvent.fixture(
                9, leader: leader, fill: .fixture(9, leaderAddress: leader.address, tokenID: token, size: .whole(2)))
            _ = try await store.recordLeaderEvent(buy, newAttemptID: ids.attemptIDs)
            var twin = buy
            twin.id = LeaderEventID("event-twin")
            let duplicate = try await store.recordLeaderEvent(twin, newAttemptID: ids.attemptIDs)
            let afterDuplicate = try await store.leaderPosition(leaderID: leader.id, tokenID: token)
            #expect(duplicate == .duplicate)
            #expect(afterDuplicate == .whole(2))
        },
        .init("a fill at or before the seeding snapshot does not move the tracked position; a later one does") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let token = TokenID.fixture(1)
            let seededAt = Timestamp.fixture + .seconds(10)
            _ = try await store.seedLeaderPositions(leader.id, snapshot: [token: .whole(50)], at: seededAt)
            let ids = SequentialIDs(prefix: "attempt")
            let counted = LeaderEvent.fixture(
                1, leader: leader, fill: .fixture(1, leaderAddress: leader.address, tokenID: token, size: .whole(5),
                                                  occurredAt: seededAt))
            let later = LeaderEvent.fixture(
                2, leader: leader, fill: .fixture(2, leaderAddress: leader.address, tokenID: token, side: .sell,
                                                  size: .whole(20), occurredAt: seededAt + .milliseconds(1)))
            guard case .recorded(let first, _) = try await store.recordLeaderEvent(counted, newAttemptID: ids.attemptIDs),
                  case .recorded(let second, _) = try await store.recordLeaderEvent(later, newAttemptID: ids.attemptIDs)
            else {
                Issue.record("both fills should be new")
                return
            }
            let after = try await store.leaderPosition(leaderID: leader.id, tokenID: token)
            #expect(first.leaderPositionBefore == .whole(50))
            #expect(second.leaderPositionBefore == .whole(50), "the fill at the snapshot's time was already in it")
            #expect(after == .whole(30))
        },
        .init("a fill with no followers is recorded with no attempts") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            _ = try await Seed.follower(1, of: leader, status: .stopped, in: store)
            let event = LeaderEvent.fixture(1, leader: leader, leaderPositionBefore: .zero)
            let outcome = try await store.recordLeaderEvent(event, newAttemptID: SequentialIDs(prefix: "a").attemptIDs)
            let stored = try await store.leaderEvent(id: event.id)
            #expect(outcome == .recorded(event, attempts: []))
            #expect(stored == event)
        },
        .init("a fill seen again returns duplicate and adds nothing, even for a new follower") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            _ = try await Seed.follower(1, of: leader, in: store)
            let event = LeaderEvent.fixture(1, leader: leader, leaderPositionBefore: .zero)
            let ids = SequentialIDs(prefix: "attempt")
            let first = try await Seed.record(event, in: store, ids: ids)
            _ = try await Seed.follower(2, of: leader, in: store)
            // The same fill from another feed: another id and times, the same identity.
            var seenAgain = LeaderEvent.fixture(
                2, leader: leader, identity: event.identity, detectedAt: event.detectedAt + .seconds(3))
            seenAgain.fill.source = .rtds

            let outcome = try await store.recordLeaderEvent(seenAgain, newAttemptID: ids.attemptIDs)

            let stored = try await store.leaderEvent(identity: event.identity)
            let attempts = try await store.attempts(leaderEventID: event.id)
            let otherEvent = try await store.leaderEvent(id: seenAgain.id)
            let otherAttempts = try await store.attempts(leaderEventID: seenAgain.id)
            #expect(outcome == .duplicate)
            #expect(stored == event)
            #expect(attempts == first)
            #expect(otherEvent == nil)
            #expect(otherAttempts.isEmpty)
        },
        .init("a new identity under a taken event id throws duplicate and adds nothing") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            _ = try await Seed.follower(1, of: leader, in: store)
            let event = LeaderEvent.fixture(1, leader: leader, leaderPositionBefore: .zero)
            let ids = SequentialIDs(prefix: "attempt")
            let first = try await Seed.record(event, in: store, ids: ids)
            _ = try await Seed.follower(2, of: leader, in: store)
            let clash = LeaderEvent.fixture(2, id: event.id, leader: leader)
            await expectDuplicate("same event id") {
                _ = try await store.recordLeaderEvent(clash, newAttemptID: ids.attemptIDs)
            }
            let byNewIdentity = try await store.leaderEvent(identity: clash.identity)
            let stored = try await store.leaderEvent(id: event.id)
            let attempts = try await store.attempts(leaderEventID: event.id)
            #expect(byNewIdentity == nil)
            #expect(stored == event)
            #expect(attempts == first)
        },
        .init("a taken attempt id fails the whole record: no event, no attempts") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            _ = try await Seed.follower(1, of: leader, in: store)
            _ = try await Seed.follower(2, of: leader, createdAt: .fixture + .seconds(1), in: store)
            let first = LeaderEvent.fixture(1, leader: leader)
            _ = try await Seed.record(first, in: store, ids: SequentialIDs(prefix: "attempt"))
            // The first new attempt id is free, the second is taken.
            let second = LeaderEvent.fixture(2, leader: leader)
            let scripted = ScriptedIDs(["attempt-new", "attempt-0001"])
            await expectDuplicate("attempt id taken") {
                _ = try await store.recordLeaderEvent(second, newAttemptID: { scripted.next() })
            }
            let event = try await store.leaderEvent(id: second.id)
            let byIdentity = try await store.leaderEvent(identity: second.identity)
            let attempts = try await store.attempts(leaderEventID: second.id)
            let freeOne = try await store.attempt(id: AttemptID("attempt-new"))
            let takenOne = try await store.attempt(id: AttemptID("attempt-0001"))
            #expect(event == nil)
            #expect(byIdentity == nil)
            #expect(attempts.isEmpty)
            #expect(freeOne == nil)
            #expect(takenOne?.leaderEventID == first.id)
        },
        .init("16 racing records of one fill: one recorded, the rest duplicates, one attempt per follower") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            for n in 1...3 { _ = try await Seed.follower(n, of: leader, createdAt: .fixture + .seconds(Int64(n)), in: store) }
            let winners = try await race { index in
                let event = LeaderEvent.fixture(
                    1, id: LeaderEventID("event-racer-\(Fixtures.padded(index))"), leader: leader)
                let outcome = try await store.recordLeaderEvent(
                    event, newAttemptID: SequentialIDs(prefix: "attempt-racer-\(Fixtures.padded(index))").attemptIDs)
                return outcome != .duplicate
            }
            #expect(winners.count == 1)
            let winner = try #require(winners.first)
            let stored = try #require(try await store.leaderEvent(identity: LeaderEvent.fixture(1, leader: leader).identity))
            let attempts = try await store.attempts(leaderEventID: stored.id)
            #expect(stored.id == LeaderEventID("event-racer-\(Fixtures.padded(winner))"))
            #expect(attempts.count == 3)
            #expect(Set(attempts.map(\.profileID)).count == 3)
        },
    ] }

    static var events: [CopyEventStoreContract] { [
        .init("leaderEvent(id:) and (identity:) find the event; unknown ones read nil") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let event = LeaderEvent.fixture(1, leader: leader, occurredAt: Timestamp(epochMilliseconds: 1_700_000_000_001),
                                            leaderPositionBefore: .zero)
            _ = try await Seed.record(event, in: store, ids: SequentialIDs(prefix: "attempt"))
            let byID = try await store.leaderEvent(id: event.id)
            let byIdentity = try await store.leaderEvent(identity: event.identity)
            let unknownID = try await store.leaderEvent(id: LeaderEventID("event-9999"))
            let unknownIdentity = try await store.leaderEvent(identity: event.identity + "x")
            let unknownAttempt = try await store.attempt(id: AttemptID("attempt-9999"))
            #expect(byID == event)
            #expect(byIdentity == event)
            #expect(unknownID == nil)
            #expect(unknownIdentity == nil)
            #expect(unknownAttempt == nil)
        },
        .init("leaderEvents(ids:) reads the known events among the ids in one call") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let ids = SequentialIDs(prefix: "attempt")
            let first = LeaderEvent.fixture(1, leader: leader, occurredAt: .fixture + .seconds(1), leaderPositionBefore: .zero)
            let second = LeaderEvent.fixture(2, leader: leader, occurredAt: .fixture + .seconds(2),
                                             leaderPositionBefore: Shares(baseUnits: 25_500_000))
            let third = LeaderEvent.fixture(3, leader: leader, occurredAt: .fixture + .seconds(3),
                                            leaderPositionBefore: Shares(baseUnits: 51_000_000))
            for event in [first, second, third] { _ = try await Seed.record(event, in: store, ids: ids) }
            let found = try await store.leaderEvents(ids: [first.id, third.id, LeaderEventID("event-9999")])
            #expect(found == [first.id: first, third.id: third])
            let none = try await store.leaderEvents(ids: [])
            #expect(none.isEmpty)
        },
        .init("leaderEvents(leaderID:limit:) is newest first by occurredAt, then id, one leader only") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let other = try await Seed.leader(2, in: store)
            let ids = SequentialIDs(prefix: "attempt")
            // Each buys 25.5 of one token; the position before follows the order of recording.
            let oldest = LeaderEvent.fixture(1, leader: leader, occurredAt: .fixture + .seconds(1),
                                             leaderPositionBefore: Shares(baseUnits: 25_500_000))
            let tiedLow = LeaderEvent.fixture(2, leader: leader, occurredAt: .fixture + .seconds(3),
                                              leaderPositionBefore: Shares(baseUnits: 76_500_000))
            let tiedHigh = LeaderEvent.fixture(3, leader: leader, occurredAt: .fixture + .seconds(3), leaderPositionBefore: .zero)
            let middle = LeaderEvent.fixture(4, leader: leader, occurredAt: .fixture + .seconds(2),
                                             leaderPositionBefore: Shares(baseUnits: 51_000_000))
            let others = LeaderEvent.fixture(5, leader: other, occurredAt: .fixture + .seconds(9), leaderPositionBefore: .zero)
            for event in [tiedHigh, oldest, others, middle, tiedLow] { _ = try await Seed.record(event, in: store, ids: ids) }
            let all = try await store.leaderEvents(leaderID: leader.id, limit: 10)
            let firstTwo = try await store.leaderEvents(leaderID: leader.id, limit: 2)
            #expect(all == [tiedHigh, tiedLow, middle, oldest])
            #expect(firstTwo == [tiedHigh, tiedLow])
        },
        .init("attempts(userID:limit:) is newest first by createdAt, then id, one user only") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let alice = try await Seed.user(1, in: store)
            let wallet = try await Seed.wallet(1, of: alice, in: store)
            for n in 1...2 {
                try await store.insertProfile(.fixture(
                    n, userID: alice.id, leaderID: leader.id, walletID: wallet.id, createdAt: .fixture + .seconds(Int64(n))))
            }
            _ = try await Seed.follower(3, of: leader, in: store)
            let ids = SequentialIDs(prefix: "attempt")
            let early = LeaderEvent.fixture(1, leader: leader, createdAt: .fixture + .seconds(10))
            let late = LeaderEvent.fixture(2, leader: leader, createdAt: .fixture + .seconds(20))
            let earlyAttempts = try await Seed.record(early, in: store, ids: ids)
            let lateAttempts = try await Seed.record(late, in: store, ids: ids)
            let alices = (earlyAttempts + lateAttempts).filter { $0.userID == alice.id }
            let expected = alices.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
            let listed = try await store.attempts(userID: alice.id, limit: 10)
            let limited = try await store.attempts(userID: alice.id, limit: 3)
            #expect(alices.count == 4)
            #expect(listed == expected)
            #expect(limited == Array(expected.prefix(3)))
        },
        .init("attempts(userID:matching:limit:) filters by profile, status and kind and pages without gaps or repeats") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let alice = try await Seed.user(1, in: store)
            let wallet = try await Seed.wallet(1, of: alice, in: store)
            let profiles = [CopyProfile.fixture(1, userID: alice.id, leaderID: leader.id, walletID: wallet.id),
                            CopyProfile.fixture(2, userID: alice.id, leaderID: leader.id, walletID: wallet.id,
                                                createdAt: .fixture + .seconds(1))]
            for profile in profiles { try await store.insertProfile(profile) }
            _ = try await Seed.follower(3, of: leader, in: store)
            let ids = SequentialIDs(prefix: "attempt")
            var recorded: [CopyAttempt] = []
            for (n, side) in [(1, Side.buy), (2, .sell), (3, .buy)] {
                let event = LeaderEvent.fixture(n, leader: leader, side: side, createdAt: .fixture + .seconds(Int64(10 * n)))
                recorded += try await Seed.record(event, in: store, ids: ids)
            }
            // Two of alice's attempts end SKIPPED.
            let alices = recorded.filter { $0.userID == alice.id }
            for var attempt in alices.prefix(2) {
                attempt.status = .skipped
                attempt.skipReason = .fillTooOld
                #expect(try await store.updateAttempt(attempt, from: .pending))
            }
            var stored: [CopyAttempt] = []
            for attempt in alices { stored.append(try #require(try await store.attempt(id: attempt.id))) }
            let newestFirst = stored.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
            #expect(newestFirst.count == 6)

            let everything = try await store.attempts(userID: alice.id, matching: AttemptQuery(), limit: 100)
            #expect(everything == newestFirst, "no filter: every attempt of the user, none of another's")
            let ofProfile = try await store.attempts(userID: alice.id, matching: AttemptQuery(profileID: profiles[1].id), limit: 100)
            #expect(ofProfile == newestFirst.filter { $0.profileID == profiles[1].id })
            let skipped = try await store.attempts(userID: alice.id, matching: AttemptQuery(status: .skipped), limit: 100)
            #expect(skipped == newestFirst.filter { $0.status == .skipped })
            #expect(skipped.count == 2)
            let exits = try await store.attempts(userID: alice.id, matching: AttemptQuery(kind: .exit), limit: 100)
            #expect(exits == newestFirst.filter { $0.kind == .exit })
            #expect(exits.count == 2)
            let combined = try await store.attempts(
                userID: alice.id, matching: AttemptQuery(profileID: profiles[0].id, status: .pending, kind: .entry), limit: 100)
            #expect(combined == newestFirst.filter {
                $0.profileID == profiles[0].id && $0.status == .pending && $0.kind == .entry
            })
            let othersProfile = try await store.attempts(userID: alice.id, matching: AttemptQuery(profileID: ProfileID("profile-0003")), limit: 100)
            #expect(othersProfile.isEmpty, "another user's profile lists nothing")

            // Pages of 4 then 2 then none; each event's two attempts share a creation time.
            var pages: [[CopyAttempt]] = []
            var query = AttemptQuery()
            while true {
                let page = try await store.attempts(userID: alice.id, matching: query, limit: 4)
                pages.append(page)
                guard let last = page.last, pages.count < 5 else { break }
                query.after = AttemptCursor(last)
            }
            #expect(pages.map(\.count) == [4, 2, 0])
            #expect(pages.flatMap { $0 } == newestFirst)
            let zero = try await store.attempts(userID: alice.id, matching: AttemptQuery(), limit: 0)
            #expect(zero.isEmpty)
        },
        .init("attempts(leaderEventID:) is that event's attempts, by createdAt then id") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            for n in 1...3 { _ = try await Seed.follower(n, of: leader, createdAt: .fixture + .seconds(Int64(n)), in: store) }
            let event = LeaderEvent.fixture(1, leader: leader)
            // Profiles oldest first get ids that sort the other way.
            let scripted = ScriptedIDs(["attempt-c", "attempt-b", "attempt-a"])
            let outcome = try await store.recordLeaderEvent(event, newAttemptID: { scripted.next() })
            guard case .recorded(_, let attempts) = outcome else {
                Issue.record("expected recorded, got \(outcome)")
                return
            }
            let other = LeaderEvent.fixture(2, leader: leader)
            _ = try await Seed.record(other, in: store, ids: SequentialIDs(prefix: "attempt-other"))
            let listed = try await store.attempts(leaderEventID: event.id)
            #expect(attempts.map(\.id.rawValue) == ["attempt-c", "attempt-b", "attempt-a"])
            #expect(listed.map(\.id.rawValue) == ["attempt-a", "attempt-b", "attempt-c"])
        },
    ] }

    static var claims: [CopyEventStoreContract] { [
        .init("claimAttempts leases due attempts and increments the token, changing nothing else") { store async throws in
            let (attempt, _, _) = try await Seed.attempt(in: store)
            let now = attempt.dueAt + .milliseconds(1)
            let claimed = try await store.claimAttempts(owner: "worker-a", now: now, leaseDuration: .milliseconds(30_001), limit: 10)
            var expected = attempt
            expected.leaseOwner = "worker-a"
            expected.leaseExpiresAt = now + .milliseconds(30_001)
            expected.fencingToken = attempt.fencingToken + 1
            let stored = try await store.attempt(id: attempt.id)
            #expect(claimed == [expected])
            #expect(stored == expected)
        },
        .init("an attempt is claimable from its dueAt, not before") { store async throws in
            let (attempt, _, _) = try await Seed.attempt(in: store)
            let early = try await store.claimAttempts(
                owner: "worker-a", now: attempt.dueAt - .milliseconds(1), leaseDuration: .seconds(30), limit: 10)
            let onTime = try await store.claimAttempts(
                owner: "worker-a", now: attempt.dueAt, leaseDuration: .seconds(30), limit: 10)
            #expect(early.isEmpty)
            #expect(onTime.map(\.id) == [attempt.id])
        },
        .init("claims are oldest due first, then by id, up to the limit") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            _ = try await Seed.follower(1, of: leader, in: store)
            let ids = SequentialIDs(prefix: "attempt")
            // Recorded newest first so insertion order differs from due order.
            let events = [3, 1, 2].map { n in
                LeaderEvent.fixture(n, leader: leader, detectedAt: .fixture + .seconds(Int64(n)))
            }
            var attemptByEvent: [LeaderEventID: CopyAttempt] = [:]
            for event in events {
                let attempt = try #require(try await Seed.record(event, in: store, ids: ids).first)
                attemptByEvent[event.id] = attempt
            }
            let now = Timestamp.fixture + .seconds(10)
            let firstTwo = try await store.claimAttempts(owner: "w", now: now, leaseDuration: .seconds(30), limit: 2)
            let rest = try await store.claimAttempts(owner: "w", now: now, leaseDuration: .seconds(30), limit: 2)
            let none = try await store.claimAttempts(owner: "w", now: now, leaseDuration: .seconds(30), limit: 2)
            let dueOrder = ["event-0001", "event-0002", "event-0003"].compactMap { attemptByEvent[LeaderEventID($0)]?.id }
            #expect(firstTwo.map(\.id) == Array(dueOrder.prefix(2)))
            #expect(rest.map(\.id) == [dueOrder[2]])
            #expect(none.isEmpty)
        },
        .init("terminal attempts are never claimed; DEFERRED and PLACING ones are") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            for n in 1...5 { _ = try await Seed.follower(n, of: leader, createdAt: .fixture + .seconds(Int64(n)), in: store) }
            let event = LeaderEvent.fixture(1, leader: leader)
            let attempts = try await Seed.record(event, in: store, ids: SequentialIDs(prefix: "attempt"))
            #expect(attempts.count == 5)
            // Claim all, then move each to another status and release its lease.
            let now = event.detectedAt
            let claimed = try await store.claimAttempts(owner: "w", now: now, leaseDuration: .seconds(30), limit: 10)
            try #require(claimed.count == 5)
            let moves: [(CopyAttempt.Status, CopyAttempt.Status)] = [
                (.pending, .skipped), (.pending, .failed), (.pending, .placing), (.pending, .deferred), (.pending, .placing),
            ]
            var terminalIDs: Set<AttemptID> = []
            for (index, attempt) in claimed.enumerated() {
                var next = attempt
                next.status = moves[index].1
                next.leaseOwner = nil
                next.leaseExpiresAt = nil
                if next.status == .skipped { next.skipReason = .priceOutOfBand }
                let written = try await store.updateAttempt(next, from: moves[index].0)
                #expect(written)
                if next.status.isTerminal { terminalIDs.insert(next.id) }
            }
            // The last PLACING one completes: DONE is terminal too.
            var done = try #require(try await store.attempt(id: claimed[4].id))
            done.status = .done
            #expect(try await store.updateAttempt(done, from: .placing))
            terminalIDs.insert(done.id)

            let reclaimed = try await store.claimAttempts(
                owner: "w2", now: now + .seconds(60), leaseDuration: .seconds(30), limit: 10)
            #expect(Set(reclaimed.map(\.id)) == Set(claimed.map(\.id)).subtracting(terminalIDs))
            #expect(reclaimed.count == 2)
        },
        .init("a leased attempt is not claimed until its lease expires, then its token increments again") { store async throws in
            let (attempt, _, _) = try await Seed.attempt(in: store)
            let start = attempt.dueAt
            let first = try await store.claimAttempts(owner: "a", now: start, leaseDuration: .seconds(30), limit: 10)
            let whileLeased = try await store.claimAttempts(
                owner: "b", now: start + .milliseconds(29_999), leaseDuration: .seconds(30), limit: 10)
            let afterExpiry = try await store.claimAttempts(
                owner: "b", now: start + .milliseconds(30_001), leaseDuration: .seconds(30), limit: 10)
            #expect(first.map(\.fencingToken) == [1])
            #expect(whileLeased.isEmpty)
            #expect(afterExpiry.map(\.fencingToken) == [2])
            #expect(afterExpiry.map(\.leaseOwner) == ["b"])
            #expect(afterExpiry.map(\.leaseExpiresAt) == [start + .milliseconds(60_001)])
        },
        .init("16 concurrent claimers never get the same attempt twice") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            for n in 1...8 { _ = try await Seed.follower(n, of: leader, createdAt: .fixture + .seconds(Int64(n)), in: store) }
            let event = LeaderEvent.fixture(1, leader: leader)
            let attempts = try await Seed.record(event, in: store, ids: SequentialIDs(prefix: "attempt"))
            let claims = try await withThrowingTaskGroup(of: (String, [CopyAttempt]).self) { group in
                for index in 0..<16 {
                    group.addTask {
                        let owner = "worker-\(Fixtures.padded(index))"
                        return (owner, try await store.claimAttempts(
                            owner: owner, now: event.detectedAt, leaseDuration: .seconds(30), limit: 2))
                    }
                }
                var all: [(String, [CopyAttempt])] = []
                for try await claim in group { all.append(claim) }
                return all
            }
            let claimedIDs = claims.flatMap { $0.1.map(\.id) }
            #expect(claimedIDs.count == Set(claimedIDs).count, "an attempt was claimed twice")
            #expect(Set(claimedIDs) == Set(attempts.map(\.id)))
            for (owner, claimed) in claims {
                for attempt in claimed {
                    let stored = try await store.attempt(id: attempt.id)
                    #expect(stored?.leaseOwner == owner)
                    #expect(stored?.fencingToken == 1)
                }
            }
        },
    ] }

    static var updates: [CopyEventStoreContract] { [
        .init("followerFacts reads a batch's profiles, wallets, positions, open orders, settled spend and funds at once") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            // Only the first has a daily spend limit, so only its day's spend is summed.
            let first = try await Seed.follower(1, of: leader, limits: CopyLimits(dailySpend: .dollars(100)), in: store)
            let second = try await Seed.follower(2, of: leader, in: store)
            let event = LeaderEvent.fixture(1, leader: leader)
            let attempts = try await Seed.record(event, in: store, ids: SequentialIDs(prefix: "attempt"))
            let attemptID = try #require(attempts.first { $0.profileID == first.id }).id
            let secondAttemptID = try #require(attempts.first { $0.profileID == second.id }).id
            let position = Position(profileID: first.id, tokenID: event.fill.tokenID, conditionID: event.fill.conditionID,
                                    shares: .whole(3), costBasis: .dollars(1), updatedAt: event.createdAt)
            try await store.savePosition(position)
            let old = Order.fixture(1, attemptID: attemptID, profileID: first.id, walletID: first.walletID, status: .filled,
                                    createdAt: event.createdAt - .seconds(3_600))
            let open = Order.fixture(2, attemptID: attemptID, profileID: first.id, walletID: first.walletID, status: .submitted,
                                     createdAt: event.createdAt)
            // Final orders since the spend time: two buys count (notional plus fee), a sell does not.
            let filled = Order.fixture(3, attemptID: attemptID, profileID: first.id, walletID: first.walletID, status: .filled,
                                       filledShares: .whole(2), filledNotional: Collateral(baseUnits: 1_120_001),
                                       fee: Collateral(baseUnits: 3), createdAt: event.createdAt - .seconds(30))
            let killed = Order.fixture(4, attemptID: attemptID, profileID: first.id, walletID: first.walletID, status: .killed,
                                       createdAt: event.createdAt - .seconds(20))
            let sold = Order.fixture(5, attemptID: attemptID, profileID: first.id, walletID: first.walletID, side: .sell,
                                     status: .filled, filledShares: .whole(1), filledNotional: .dollars(7),
                                     createdAt: event.createdAt - .seconds(10))
            // The second (no daily limit) has a filled buy too: not summed, as nothing would read it.
            let secondFilled = Order.fixture(6, attemptID: secondAttemptID, profileID: second.id, walletID: second.walletID,
                                             status: .filled, filledShares: .whole(2), filledNotional: .dollars(1),
                                             createdAt: event.createdAt - .seconds(30))
            for order in [old, open, filled, killed, sold, secondFilled] { try await store.insertOrder(order) }
            try await store.recordSyncedBalance(walletID: first.walletID, collateral: .dollars(50), at: event.createdAt)

            let facts = try await store.followerFacts(profileIDs: [first.id, second.id, ProfileID("missing")],
                                                      ordersSince: event.createdAt - .seconds(60),
                                                      spendSince: event.createdAt - .seconds(60))
            #expect(facts.profiles == [first.id: first, second.id: second])
            #expect(Set(facts.wallets.keys) == [first.walletID, second.walletID])
            #expect(facts.positions[first.id] == [position])
            #expect(facts.positions[second.id, default: []].isEmpty)
            #expect(facts.openOrders[first.id] == [open], "only open orders created since the time asked")
            #expect(facts.settledSpend == [first.id: Collateral(baseUnits: 1_120_004)],
                    "final buys since the spend time, of the profile with a daily limit only")
            let later = try await store.followerFacts(profileIDs: [first.id], ordersSince: event.createdAt,
                                                      spendSince: event.createdAt - .seconds(25))
            #expect(later.settledSpend[first.id, default: .zero] == .zero,
                    "the filled buy is older than the spend time; the killed one cost nothing")
            for walletID in [first.walletID, second.walletID] {
                #expect(facts.funds[walletID] == (try await store.walletFunds(walletID: walletID)))
            }
            #expect(facts.funds[first.walletID]?.openBuys.map(\.orderID) == [open.id])
        },
        .init("commitAttemptSteps writes a step whole, or not at all when its claim is gone or its wallet cannot pay") { store async throws in
            let (pending, profile, event) = try await Seed.attempt(in: store)
            let now = event.detectedAt
            var claimed = try #require(try await store.claimAttempts(
                owner: "worker", now: now, leaseDuration: .seconds(30), limit: 1).first)
            claimed.status = .placing
            claimed.fanoutPlace = 3
            claimed.sentAt = now
            // 17.85 shares at 0.56 reserve $9.996 plus at most 17.85 × 0.56 × 0.44 of fee: $14.39.
            let order = Order.fixture(1, attemptID: pending.id, profileID: profile.id, walletID: profile.walletID,
                                      status: .submitted, submittedAt: now, createdAt: now, updatedAt: now)
            let step = AttemptStep(attempt: claimed, expected: .pending, newOrders: [order])
            try await store.recordSyncedBalance(walletID: profile.walletID, collateral: .dollars(14), at: now)
            #expect(try await store.commitAttemptSteps([step]) == [.insufficientFunds])
            #expect(try await store.order(id: order.id) == nil)
            #expect(try await store.attempt(id: pending.id)?.status == .pending)

            try await store.recordSyncedBalance(walletID: profile.walletID, collateral: .dollars(15), at: now)
            var stale = step
            stale.attempt.fencingToken -= 1
            #expect(try await store.commitAttemptSteps([stale, step]) == [.claimLost, .applied])
            #expect(try await store.order(id: order.id) == order)
            #expect(try await store.attempt(id: pending.id) == claimed)
            // Its buy holds $14.39 of the $15: a second one does not fit.
            #expect(try await store.walletFunds(walletID: profile.walletID).available < .dollars(1))

            // The answer: the order fills, the fill is booked and the synced balance pays for it.
            var filled = order
            filled.status = .filled
            filled.filledShares = order.shares
            filled.filledNotional = Collateral(baseUnits: 9_996_000)
            var done = claimed
            done.status = .done
            let booking = Booking(walletID: profile.walletID, profileID: profile.id, tokenID: order.tokenID,
                                  conditionID: event.fill.conditionID, side: .buy, shares: order.shares,
                                  notional: filled.filledNotional, fee: .zero, at: now)
            let answer = AttemptStep(attempt: done, expected: .placing,
                                     orderUpdates: [OrderUpdate(order: filled, from: .submitted)], bookings: [booking])
            #expect(try await store.commitAttemptSteps([answer]) == [.applied])
            #expect(try await store.order(id: order.id)?.status == .filled)
            #expect(try await store.position(profileID: profile.id, tokenID: order.tokenID)?.shares == order.shares)
            #expect(try await store.walletFunds(walletID: profile.walletID).available == Collateral(baseUnits: 5_004_000))
            // Replayed, the order's status no longer matches: nothing is booked twice.
            #expect(try await store.commitAttemptSteps([answer]) == [.claimLost])
            #expect(try await store.position(profileID: profile.id, tokenID: order.tokenID)?.shares == order.shares)
        },
        .init("updateAttempt writes every mutable field when token and status match") { store async throws in
            let (attempt, _, _) = try await Seed.attempt(in: store)
            let claimed = try #require(try await store.claimAttempts(
                owner: "w", now: attempt.dueAt, leaseDuration: .seconds(30), limit: 1).first)
            var placing = claimed
            placing.status = .placing
            placing.note = "order 0x01 signed"
            placing.dueAt = attempt.dueAt + .milliseconds(2_001)
            placing.sentAt = attempt.dueAt + .milliseconds(101)
            placing.acceptedAt = attempt.dueAt + .milliseconds(251)
            placing.filledShares = Shares(baseUnits: 9_000_001)
            placing.fillPrice = Price(baseUnits: 540_001)
            placing.targetShares = Shares(baseUnits: 12_340_001)
            placing.updatedAt = attempt.dueAt + .milliseconds(253)
            let written = try await store.updateAttempt(placing, from: .pending)
            let afterPlacing = try await store.attempt(id: attempt.id)
            #expect(written)
            #expect(afterPlacing == placing)

            var skipped = attempt
            skipped.status = .skipped
            skipped.skipReason = .slippageTooHigh
            skipped.fencingToken = claimed.fencingToken
            skipped.updatedAt = attempt.dueAt + .seconds(1)
            let wrongStatus = try await store.updateAttempt(skipped, from: .pending)
            let afterWrongStatus = try await store.attempt(id: attempt.id)
            #expect(!wrongStatus, "the stored status is PLACING, not PENDING")
            #expect(afterWrongStatus == placing)
            var deferred = placing
            deferred.status = .deferred
            deferred.leaseOwner = nil
            deferred.leaseExpiresAt = nil
            deferred.note = "breaker open"
            let deferredWritten = try await store.updateAttempt(deferred, from: .placing)
            let afterDeferred = try await store.attempt(id: attempt.id)
            #expect(deferredWritten)
            #expect(afterDeferred == deferred)
        },
        .init("a stale fencing token's update returns false and changes nothing") { store async throws in
            let (attempt, _, _) = try await Seed.attempt(in: store)
            let first = try #require(try await store.claimAttempts(
                owner: "slow", now: attempt.dueAt, leaseDuration: .seconds(1), limit: 1).first)
            let second = try #require(try await store.claimAttempts(
                owner: "fast", now: attempt.dueAt + .seconds(2), leaseDuration: .seconds(30), limit: 1).first)
            var stale = first
            stale.status = .skipped
            stale.skipReason = .fillTooOld
            let staleWritten = try await store.updateAttempt(stale, from: .pending)
            let afterStale = try await store.attempt(id: attempt.id)
            #expect(!staleWritten)
            #expect(afterStale == second)

            var current = second
            current.status = .placing
            let currentWritten = try await store.updateAttempt(current, from: .pending)
            let afterCurrent = try await store.attempt(id: attempt.id)
            #expect(currentWritten)
            #expect(afterCurrent == current)
        },
        .init("an update of an unknown attempt returns false") { store async throws in
            let written = try await store.updateAttempt(CopyAttempt.fixture(99), from: .pending)
            #expect(!written)
        },
        .init("16 racing attempt updates: exactly one wins") { store async throws in
            let (attempt, _, _) = try await Seed.attempt(in: store)
            let claimed = try #require(try await store.claimAttempts(
                owner: "w", now: attempt.dueAt, leaseDuration: .seconds(30), limit: 1).first)
            let winners = try await race { index in
                var next = claimed
                next.status = index.isMultiple(of: 2) ? .placing : .skipped
                next.skipReason = index.isMultiple(of: 2) ? nil : .capReached
                next.note = "racer \(index)"
                return try await store.updateAttempt(next, from: .pending)
            }
            #expect(winners.count == 1)
            let winner = try #require(winners.first)
            let stored = try await store.attempt(id: attempt.id)
            #expect(stored?.note == "racer \(winner)")
        },
    ] }
}

/// Hands out the given ids in order, then `attempt-extra` (for fan-out ordering tests).
private final class ScriptedIDs: Sendable {
    private let remaining: Mutex<[String]>

    init(_ ids: [String]) { self.remaining = Mutex(ids) }

    func next() -> AttemptID {
        AttemptID(self.remaining.withLock { ids in ids.isEmpty ? "attempt-extra" : ids.removeFirst() })
    }
}
