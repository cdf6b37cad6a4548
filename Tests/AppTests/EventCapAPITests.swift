import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import Testing

@testable import App

/// The event exposure cap (issue #22) as a follow's setting, through HTTP.
@Suite struct EventCapAPITests {
    @Test func eventCapIsAFollowLimitTheAPIValidatesByNameAndShows() async throws {
        let world = try await APIWorld.make()
        let alice = try await APIWorld.token("dynamic|alice")
        let leader = try await APITests.leaderAddress(world)
        try await world.run { client in
            let profile = try await APITests.follow(client, token: alice, leader: leader)
            #expect(profile.limits.maxEventExposure == nil)
            for bad in [#""-1""#, #""lots""#] {
                let refused = try await client.call(.patch, "/copy-profiles/\(profile.id)", token: alice,
                                                    json: #"{"limits":{"maxEventExposure":\#(bad)}}"#)
                #expect(refused.status == 422, "\(refused.body)")
                #expect(refused.body.contains(#""field":"limits.maxEventExposure""#), "\(refused.body)")
            }
            let set = try await client.call(.patch, "/copy-profiles/\(profile.id)", token: alice,
                                            json: #"{"limits":{"maxEventExposure":"25.5"}}"#)
            #expect(set.status == 200, "\(set.body)")
            #expect(try JSONDecoder().decode(ProfileView.self, from: Data(set.body.utf8)).limits.maxEventExposure == "25.5")
            let read = try await client.call(.get, "/copy-profiles/\(profile.id)", token: alice)
            #expect(try JSONDecoder().decode(ProfileView.self, from: Data(read.body.utf8)).limits.maxEventExposure == "25.5")
        }
    }
}
