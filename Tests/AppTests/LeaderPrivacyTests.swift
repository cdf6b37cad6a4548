import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import Testing

@testable import App

/// Issue #21 item 6: a leader's label belongs to the user who wrote it, `GET /leaders` lists the
/// user's own leaders a page at a time, and `MAX_LEADERS_PER_USER` bounds each list.
@Suite struct LeaderPrivacyTests {
    static func world() async throws -> APIWorld {
        try await APIWorld.make([
            "MIRROR_MODE": "production", "TRADING_KEY_ENCRYPTION_KEY": validKey, "ADMIN_TOKEN": validToken,
            "MAX_LEADERS_PER_USER": "3",
        ])
    }

    static func address(_ n: Int) -> String { "0x" + String(repeating: "0", count: 38) + String(format: "%02x", n) }

    @Test func aSecondUserNeverSeesTheFirstUsersLabelAndListsArePagedAndBounded() async throws {
        let world = try await Self.world()
        let alice = try await APIWorld.token("dynamic|leaders-alice")
        let bob = try await APIWorld.token("dynamic|leaders-bob")
        try await world.run { client in
            let added = try await client.call(.post, "/leaders", token: alice,
                                              json: #"{"address":"\#(Self.address(1))","label":"alice's private note"}"#)
            #expect(added.status == 201, "\(added.body)")
            #expect(added.body.contains("alice's private note"))
            // Bob adds the same leader without a label, then lists: no trace of Alice's note.
            let bobAdds = try await client.call(.post, "/leaders", token: bob, json: #"{"address":"\#(Self.address(1))"}"#)
            #expect(bobAdds.status == 201)
            #expect(!bobAdds.body.contains("private note"))
            let bobsList = try await client.call(.get, "/leaders", token: bob)
            #expect(!bobsList.body.contains("private note"), "\(bobsList.body)")
            #expect(try decode(LeaderList.self, bobsList.body).leaders.count == 1)
            let again = try await client.call(.post, "/leaders", token: alice, json: #"{"address":"\#(Self.address(1))"}"#)
            #expect(again.status == 200, "already on Alice's list")
            #expect(again.body.contains("alice's private note"), "her label stays hers")

            // Alice's list: up to 3 leaders, then 422; pages of 2.
            for n in 2...3 {
                #expect(try await client.call(.post, "/leaders", token: alice, json: #"{"address":"\#(Self.address(n))"}"#).status == 201)
            }
            let fourth = try await client.call(.post, "/leaders", token: alice, json: #"{"address":"\#(Self.address(4))"}"#)
            #expect(fourth.status == 422)
            #expect(fourth.body.contains("MAX_LEADERS_PER_USER"))
            let first = try decode(LeaderList.self, try await client.call(.get, "/leaders?limit=2", token: alice).body)
            #expect(first.leaders.count == 2)
            let cursor = try #require(first.nextCursor)
            let second = try decode(LeaderList.self, try await client.call(.get, "/leaders?limit=2&cursor=\(cursor)", token: alice).body)
            #expect(second.leaders.count == 1 && second.nextCursor == nil)
            #expect(Set((first.leaders + second.leaders).map(\.id)).count == 3)
            #expect(try decode(LeaderList.self, try await client.call(.get, "/leaders", token: bob).body).leaders.count == 1,
                    "Bob's list is his own")
            #expect(try await client.call(.get, "/leaders?limit=0", token: bob).status == 400)
        }
        // The shared leader row carries no user's label.
        let shared = try #require(try await world.backends.store.leader(address: try WalletAddress(Self.address(1))))
        #expect(shared.label == nil)
    }
}
