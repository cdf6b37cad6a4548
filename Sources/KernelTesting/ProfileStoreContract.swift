import Kernel
import Testing


extension StoreContract where Port == ProfileStorePort {
    public static var cases: [ProfileStoreContract] { [
        .init("a leader round-trips and is found by id and by address") { store async throws in
            let plain = Leader.fixture(1)
            let labelled = Leader.fixture(
                2, label: "Théo — the whale 🐋", positionsSeededAt: .fixture + .milliseconds(3_333),
                createdAt: .fixture + .milliseconds(1))
            try await store.insertLeader(plain)
            try await store.insertLeader(labelled)
            let byID = try await store.leader(id: labelled.id)
            let byAddress = try await store.leader(address: plain.address)
            let unknownID = try await store.leader(id: LeaderID("leader-9999"))
            let unknownAddress = try await store.leader(address: .fixture(0xdead))
            #expect(byID == labelled)
            #expect(byAddress == plain)
            #expect(unknownID == nil)
            #expect(unknownAddress == nil)
        },
        .init("a leader with a taken id or address throws duplicate") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            await expectDuplicate("same leader id") {
                try await store.insertLeader(Leader.fixture(2, id: leader.id))
            }
            let sameAddress = Leader.fixture(3, address: leader.address)
            await expectDuplicate("same leader address") { try await store.insertLeader(sameAddress) }
            let all = try await store.leaders()
            #expect(all == [leader])
        },
        .init("leaders() lists oldest first, ties by id") { store async throws in
            let late = Leader.fixture(1, createdAt: .fixture + .seconds(2))
            let tiedHigh = Leader.fixture(3, createdAt: .fixture + .seconds(1))
            let tiedLow = Leader.fixture(2, createdAt: .fixture + .seconds(1))
            let early = Leader.fixture(4, createdAt: .fixture)
            for leader in [late, tiedHigh, early, tiedLow] { try await store.insertLeader(leader) }
            let listed = try await store.leaders()
            #expect(listed == [early, tiedLow, tiedHigh, late])
        },
        .init("seedLeaderPositions seeds once: sets the snapshot's tokens, keeps others, marks the leader") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let other = try await Seed.leader(2, in: store)
            // A fill recorded before the seed moved token 2; the snapshot does not name it.
            let early = LeaderEvent.fixture(
                1, leader: leader, fill: .fixture(1, leaderAddress: leader.address, tokenID: .fixture(2), side: .buy,
                                                  size: Shares(baseUnits: 4_000_000)))
            _ = try await Seed.record(early, in: store, ids: SequentialIDs(prefix: "attempt"))
            let time = Timestamp.fixture + .milliseconds(12_345)
            let snapshot: [TokenID: Shares] = [.fixture(1): Shares(baseUnits: 100_000_001), .fixture(3): .whole(7)]

            let seeded = try await store.seedLeaderPositions(leader.id, snapshot: snapshot, at: time)
            let again = try await store.seedLeaderPositions(leader.id, snapshot: [.fixture(1): .whole(1)], at: time + .seconds(1))

            #expect(seeded)
            #expect(!again, "a leader is seeded once; a second snapshot changes nothing")
            var expected = leader
            expected.positionsSeededAt = time
            let stored = try await store.leader(id: leader.id)
            #expect(stored == expected)
            let one = try await store.leaderPosition(leaderID: leader.id, tokenID: .fixture(1))
            let two = try await store.leaderPosition(leaderID: leader.id, tokenID: .fixture(2))
            let three = try await store.leaderPosition(leaderID: leader.id, tokenID: .fixture(3))
            let othersOne = try await store.leaderPosition(leaderID: other.id, tokenID: .fixture(1))
            #expect(one == Shares(baseUnits: 100_000_001))
            #expect(two == .whole(4), "a token the snapshot does not name keeps its tracked position")
            #expect(three == .whole(7))
            #expect(othersOne == .zero, "positions are per leader")
            await expectNotFound("unknown leader") {
                _ = try await store.seedLeaderPositions(LeaderID("leader-9999"), snapshot: [:], at: time)
            }
        },
        .init("stopProfile sets STOPPED and the behaviour and inserts the close-outs, or nothing if the status moved") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let profile = try await Seed.follower(1, of: leader, status: .exitOnly, in: store)
            let time = Timestamp.fixture + .seconds(60)
            let positions = [
                Position(profileID: profile.id, tokenID: .fixture(1), conditionID: "0xc1", shares: Shares(baseUnits: 10_500_001),
                         costBasis: .dollars(5), updatedAt: time),
                Position(profileID: profile.id, tokenID: .fixture(2), conditionID: "0xc2", shares: .whole(3),
                         costBasis: .dollars(1), updatedAt: time),
            ]
            let closeOuts = positions.enumerated().map { index, position in
                CopyAttempt.closingOut(position, of: profile, id: AttemptID("close-\(index)"), at: time)
            }
            let stale = try await store.stopProfile(profile.id, from: .enabled, behavior: .sellNow, closeOuts: closeOuts, at: time)
            let afterStale = try await store.profile(id: profile.id)
            let staleAttempt = try await store.attempt(id: closeOuts[0].id)
            #expect(!stale)
            #expect(afterStale == profile)
            #expect(staleAttempt == nil, "a refused stop inserts no close-out")

            let stopped = try await store.stopProfile(profile.id, from: .exitOnly, behavior: .sellNow, closeOuts: closeOuts, at: time)
            #expect(stopped)
            var expected = profile
            expected.status = .stopped
            expected.stopBehavior = .sellNow
            expected.updatedAt = time
            let stored = try await store.profile(id: profile.id)
            #expect(stored == expected)
            for closeOut in closeOuts {
                let storedAttempt = try await store.attempt(id: closeOut.id)
                #expect(storedAttempt == closeOut)
                #expect(storedAttempt?.leaderEventID == nil)
                #expect(storedAttempt?.kind == .closeOut)
                #expect(storedAttempt?.leaderPrice == nil)
            }
            let claimed = try await store.claimAttempts(owner: "w", now: time, leaseDuration: .seconds(30), limit: 10)
            #expect(Set(claimed.map(\.id)) == Set(closeOuts.map(\.id)), "close-outs are claimed like any attempt")
            let active = try await store.activeProfiles(followingLeader: leader.id)
            #expect(active.isEmpty)
        },
        .init("every profile write appends its audit row in the same step, and none when the write does not apply") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let user = try await Seed.user(1, in: store)
            let wallet = try await Seed.wallet(1, of: user, in: store)
            let time = Timestamp.fixture + .seconds(5)
            func audit(_ n: Int, _ action: String, _ profile: ProfileID) -> AuditEntry {
                AuditEntry.fixture(n, actor: "user:\(user.id.rawValue)", action: action, subjectType: "copy_profile",
                                   subjectID: profile.rawValue, details: "step \(n)", createdAt: time + .milliseconds(Int64(n)))
            }
            let profile = CopyProfile.fixture(1, userID: user.id, leaderID: leader.id, walletID: wallet.id)
            let created = audit(1, "profile.created", profile.id)
            try await store.insertProfile(profile, audit: created)

            let staleMove = try await store.transitionProfile(profile.id, from: .paused, to: .enabled, at: time,
                                                              audit: audit(2, "profile.status_changed", profile.id))
            #expect(!staleMove)
            let paused = audit(3, "profile.status_changed", profile.id)
            let moved = try await store.transitionProfile(profile.id, from: .enabled, to: .userPaused, at: time,
                                                          audit: paused)
            #expect(moved)

            var edited = try #require(try await store.profile(id: profile.id))
            edited.sizing = .proportional(Ratio(baseUnits: 250_000))
            edited.updatedAt = time + .seconds(1)
            let settings = audit(4, "profile.settings_changed", profile.id)
            try await store.updateProfileSettings(edited, audit: settings)

            let staleStop = try await store.stopProfile(profile.id, from: .enabled, behavior: .sellNow, closeOuts: [],
                                                        at: time, audit: audit(5, "profile.status_changed", profile.id))
            #expect(!staleStop)
            let stoppedEntry = audit(6, "profile.status_changed", profile.id)
            let stopped = try await store.stopProfile(profile.id, from: .userPaused, behavior: .holdToResolution,
                                                      closeOuts: [], at: time, audit: stoppedEntry)
            #expect(stopped)

            let trail = try await store.recentAudit(limit: 10)
            #expect(trail == [stoppedEntry, settings, paused, created],
                    "a compare-and-set that does not apply appends nothing")
            let stored = try await store.profile(id: profile.id)
            #expect(stored?.status == .stopped)
            #expect(stored?.sizing == .proportional(Ratio(baseUnits: 250_000)))
        },
        .init("transitionAllProfiles moves exactly the expected status, with one audit row in the same step") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let statuses: [ProfileStatus] = [.enabled, .enabled, .userPaused, .paused, .exitOnly, .stopped]
            var profiles: [CopyProfile] = []
            for (index, status) in statuses.enumerated() {
                profiles.append(try await Seed.follower(index + 1, of: leader, status: status, in: store))
            }
            let time = Timestamp.fixture + .seconds(7)
            let pauseAll = AuditEntry.fixture(1, actor: "admin", action: "admin.pause_all", createdAt: time)
            let paused = try await store.transitionAllProfiles(from: .enabled, to: .paused, at: time, audit: pauseAll)
            #expect(paused == 2)
            var after: [ProfileStatus] = []
            for profile in profiles { after.append(try #require(try await store.profile(id: profile.id)).status) }
            #expect(after == [.paused, .paused, .userPaused, .paused, .exitOnly, .stopped])
            let movedRow = try await store.profile(id: profiles[0].id)
            #expect(movedRow?.updatedAt == time)
            let untouched = try await store.profile(id: profiles[2].id)
            #expect(untouched == profiles[2], "USER_PAUSED is the user's choice and stays")

            let resumeAll = AuditEntry.fixture(2, actor: "admin", action: "admin.resume_all", createdAt: time + .seconds(1))
            let resumed = try await store.transitionAllProfiles(from: .paused, to: .enabled, at: time + .seconds(1), audit: resumeAll)
            #expect(resumed == 3, "the runbook's resume SQL also resumes a profile paused before the pause-all")
            let clash = AuditEntry.fixture(3, id: pauseAll.id, action: "admin.pause_all")
            await expectDuplicate("a taken audit id") {
                _ = try await store.transitionAllProfiles(from: .enabled, to: .paused, at: time, audit: clash)
            }
            let stillEnabled = try await store.profile(id: profiles[0].id)
            #expect(stillEnabled?.status == .enabled, "a failed audit insert rolls the bulk update back")
            let trail = try await store.recentAudit(limit: 10)
            #expect(trail == [resumeAll, pauseAll])
            let none = try await store.transitionAllProfiles(
                from: .paused, to: .enabled, at: time + .seconds(2),
                audit: .fixture(4, actor: "admin", action: "admin.resume_all", createdAt: time + .seconds(2)))
            #expect(none == 0)
            let audited = try await store.recentAudit(limit: 10)
            #expect(audited.count == 3, "the admin acted, so it is audited even when nothing moved")
        },
        .init("a profile write whose audit id is taken throws duplicate and changes nothing") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let profile = try await Seed.follower(1, of: leader, in: store)
            let taken = AuditEntry.fixture(1)
            try await store.appendAudit(taken)
            let clash = AuditEntry.fixture(2, id: taken.id, action: "profile.status_changed")
            let time = Timestamp.fixture + .seconds(9)

            let newProfile = CopyProfile.fixture(2, id: ProfileID("profile-0002"), userID: profile.userID,
                                                 leaderID: leader.id, walletID: profile.walletID)
            await expectDuplicate("insert with a taken audit id") {
                try await store.insertProfile(newProfile, audit: clash)
            }
            await expectDuplicate("transition with a taken audit id") {
                _ = try await store.transitionProfile(profile.id, from: .enabled, to: .userPaused, at: time, audit: clash)
            }
            var edited = profile
            edited.mode = .paper
            edited.updatedAt = time
            await expectDuplicate("settings with a taken audit id") {
                try await store.updateProfileSettings(edited, audit: clash)
            }
            let position = Position(profileID: profile.id, tokenID: .fixture(1), conditionID: "0xc1", shares: .whole(2),
                                    costBasis: .dollars(1), updatedAt: time)
            let closeOut = CopyAttempt.closingOut(position, of: profile, id: AttemptID("close-1"), at: time)
            await expectDuplicate("stop with a taken audit id") {
                _ = try await store.stopProfile(profile.id, from: .enabled, behavior: .sellNow, closeOuts: [closeOut],
                                                at: time, audit: clash)
            }

            let inserted = try await store.profile(id: newProfile.id)
            let stored = try await store.profile(id: profile.id)
            let closeOutStored = try await store.attempt(id: closeOut.id)
            let trail = try await store.recentAudit(limit: 10)
            #expect(inserted == nil)
            #expect(stored == profile, "status, settings and stop all rolled back")
            #expect(closeOutStored == nil)
            #expect(trail == [taken])
        },
        .init("a profile round-trips with every sizing mode and every limit") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let user = try await Seed.user(1, in: store)
            let wallet = try await Seed.wallet(1, of: user, in: store)
            let limits = CopyLimits(
                maxFillAge: .milliseconds(45_500), minPrice: Price(baseUnits: 10_001),
                maxPrice: Price(baseUnits: 990_001), maxSlippage: Price(baseUnits: 25_001),
                maxSellSlippage: Price(baseUnits: 40_001), minTimeToResolution: .seconds(901),
                minLeaderNotional: Collateral(baseUnits: 2_500_001), maxPerTrade: Collateral(baseUnits: 50_000_001),
                maxPerMarket: Collateral(baseUnits: 150_000_001), totalBudget: Collateral(baseUnits: 1_000_000_001),
                dailySpend: Collateral(baseUnits: 250_000_001))
            let profiles = [
                CopyProfile.fixture(
                    1, userID: user.id, leaderID: leader.id, walletID: wallet.id, status: .enabled, mode: .live,
                    sizing: .fixedUSD(Collateral(baseUnits: 12_500_001)), limits: limits,
                    stopBehavior: .holdToResolution),
                CopyProfile.fixture(
                    2, userID: user.id, leaderID: leader.id, walletID: wallet.id, status: .userPaused, mode: .paper,
                    sizing: .proportional(Ratio(baseUnits: 100_001)), stopBehavior: .sellNow,
                    createdAt: .fixture + .milliseconds(1), updatedAt: .fixture + .milliseconds(2)),
                CopyProfile.fixture(
                    3, userID: user.id, leaderID: leader.id, walletID: wallet.id, status: .exitOnly,
                    sizing: .percentOfBalance(Ratio(baseUnits: 50_001)), createdAt: .fixture + .milliseconds(3)),
            ]
            for profile in profiles { try await store.insertProfile(profile) }
            for profile in profiles {
                let stored = try await store.profile(id: profile.id)
                #expect(stored == profile)
            }
            let unknown = try await store.profile(id: ProfileID("profile-9999"))
            #expect(unknown == nil)
        },
        .init("a profile with a taken id throws duplicate") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let profile = try await Seed.follower(1, of: leader, in: store)
            var clash = profile
            clash.sizing = .proportional(Ratio(baseUnits: 1))
            await expectDuplicate("same profile id") { try await store.insertProfile(clash) }
            let stored = try await store.profile(id: profile.id)
            #expect(stored == profile)
        },
        .init("profiles(userID:) lists one user's profiles oldest first, ties by id") { store async throws in
            let leaders = [try await Seed.leader(1, in: store), try await Seed.leader(2, in: store)]
            let alice = try await Seed.user(1, in: store)
            let wallet = try await Seed.wallet(1, of: alice, in: store)
            func profile(_ n: Int, leader: Leader, at offset: Duration) -> CopyProfile {
                .fixture(n, userID: alice.id, leaderID: leader.id, walletID: wallet.id, createdAt: .fixture + offset)
            }
            let late = profile(1, leader: leaders[0], at: .seconds(2))
            let tiedHigh = profile(3, leader: leaders[1], at: .seconds(1))
            let tiedLow = profile(2, leader: leaders[0], at: .seconds(1))
            let bobs = try await Seed.follower(4, of: leaders[0], in: store)
            for p in [late, tiedHigh, tiedLow] { try await store.insertProfile(p) }
            let listed = try await store.profiles(userID: alice.id)
            let listedForBob = try await store.profiles(userID: bobs.userID)
            #expect(listed == [tiedLow, tiedHigh, late])
            #expect(listedForBob == [bobs])
        },
        .init("activeProfiles(followingLeader:) is every non-STOPPED follower of that leader, oldest first") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let other = try await Seed.leader(2, in: store)
            var followers: [CopyProfile] = []
            for (index, status) in [ProfileStatus.exitOnly, .stopped, .enabled, .paused, .userPaused].enumerated() {
                let createdAt = Timestamp.fixture + .seconds(Int64(5 - index))
                followers.append(try await Seed.follower(index + 1, of: leader, status: status, createdAt: createdAt, in: store))
            }
            _ = try await Seed.follower(10, of: other, in: store)
            let active = try await store.activeProfiles(followingLeader: leader.id)
            let expected = followers.filter { $0.status != .stopped }.sorted { $0.createdAt < $1.createdAt }
            #expect(active == expected)
        },
        .init("transitionProfile moves the status and updatedAt only from the expected status") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let profile = try await Seed.follower(1, of: leader, in: store)
            let time = Timestamp.fixture + .milliseconds(777)
            let paused = try await store.transitionProfile(profile.id, from: .enabled, to: .paused, at: time)
            var expected = profile
            expected.status = .paused
            expected.updatedAt = time
            let afterPause = try await store.profile(id: profile.id)
            #expect(paused)
            #expect(afterPause == expected)

            let stale = try await store.transitionProfile(profile.id, from: .enabled, to: .stopped, at: time + .seconds(1))
            let afterStale = try await store.profile(id: profile.id)
            #expect(!stale)
            #expect(afterStale == expected)

            let unknown = try await store.transitionProfile(ProfileID("profile-9999"), from: .enabled, to: .paused, at: time)
            #expect(!unknown)
        },
        .init("16 racing profile transitions: exactly one wins") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let profile = try await Seed.follower(1, of: leader, in: store)
            let targets: [ProfileStatus] = [.paused, .userPaused, .exitOnly, .stopped]
            let winners = try await race { index in
                try await store.transitionProfile(
                    profile.id, from: .enabled, to: targets[index % targets.count], at: .fixture + .milliseconds(index + 1))
            }
            #expect(winners.count == 1)
            let winner = try #require(winners.first)
            let stored = try await store.profile(id: profile.id)
            #expect(stored?.status == targets[winner % targets.count])
            #expect(stored?.updatedAt == .fixture + .milliseconds(winner + 1))
        },
        .init("updateProfileSettings replaces the settings and updatedAt, never the status") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let profile = try await Seed.follower(1, of: leader, in: store)
            var edited = profile
            edited.status = .stopped
            edited.mode = .paper
            edited.sizing = .percentOfBalance(Ratio(baseUnits: 333_333))
            edited.limits = CopyLimits(maxFillAge: .seconds(30), maxPerTrade: Collateral(baseUnits: 5_000_001))
            edited.stopBehavior = .sellNow
            edited.updatedAt = .fixture + .milliseconds(4_321)
            try await store.updateProfileSettings(edited)
            var expected = edited
            expected.status = profile.status
            let stored = try await store.profile(id: profile.id)
            #expect(stored == expected)
            await expectNotFound("unknown profile") {
                try await store.updateProfileSettings(CopyProfile.fixture(99))
            }
        },
    ] }
}
