import Kernel
import Testing

extension StoreContract where Port == WatchListStorePort {
    public static var cases: [WatchListStoreContract] { [
        .init("a watch is added once, labels stay per user, and the limit counts watches and live follows") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let second = try await Seed.leader(2, in: store)
            let third = try await Seed.leader(3, in: store)
            // User 1 follows leader 1 (a profile), user 2 only watches.
            let profile = try await Seed.follower(1, of: leader, in: store)
            let bob = try await Seed.user(2, in: store)
            let mine = LeaderWatch(userID: profile.userID, leaderID: leader.id, label: "mine", createdAt: .fixture)
            #expect(try await store.watchLeader(mine, limit: 2) == .added(mine), "a followed leader is already counted")
            var relabel = mine
            relabel.label = "changed"
            #expect(try await store.watchLeader(relabel, limit: 2) == .existing(mine))
            let secondWatch = LeaderWatch(userID: profile.userID, leaderID: second.id, createdAt: .fixture)
            #expect(try await store.watchLeader(secondWatch, limit: 2) == .added(secondWatch))
            let thirdWatch = LeaderWatch(userID: profile.userID, leaderID: third.id, createdAt: .fixture)
            #expect(try await store.watchLeader(thirdWatch, limit: 2) == .overLimit(limit: 2))
            let bobs = LeaderWatch(userID: bob.id, leaderID: leader.id, label: "bob's", createdAt: .fixture)
            #expect(try await store.watchLeader(bobs, limit: 2) == .added(bobs))
            #expect(try await store.leaderWatches(userID: profile.userID) == [mine, secondWatch])
            #expect(try await store.leaderWatches(userID: bob.id) == [bobs])
        },
        .init("interests: a live follow or held shares call for the full cadence, a watch for the slow one, nobody for none") { store async throws in
            let followed = try await Seed.leader(1, in: store)
            let watched = try await Seed.leader(2, in: store)
            let forgotten = try await Seed.leader(3, in: store)
            let profile = try await Seed.follower(1, of: followed, in: store)
            let watch = LeaderWatch(userID: profile.userID, leaderID: watched.id, createdAt: .fixture)
            _ = try await store.watchLeader(watch, limit: 10)
            let interests = try await store.leaderInterests()
            #expect(interests[followed.id] == LeaderInterest(followed: true))
            #expect(interests[watched.id] == LeaderInterest(watched: true))
            #expect(interests[forgotten.id] == nil)
            #expect(interests.mapValues(LeaderCadence.init) == [followed.id: .full, watched.id: .slow])
        },
    ] }
}
