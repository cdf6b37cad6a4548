import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import Testing

@testable import App

/// Copy quality's routes (issue #22): the answer's shape, the window parameter, twins and the
/// auto-pause setting, through HTTP.
@Suite struct CopyQualityAPITests {
    @Test func copyQualityAnswersItsShapeAndRefusesABadWindowByName() async throws {
        let world = try await APIWorld.make()
        let alice = try await APIWorld.token("dynamic|alice")
        let leader = try await APITests.leaderAddress(world)
        try await world.run { client in
            let profile = try await APITests.follow(client, token: alice, leader: leader)
            let answer = try await client.call(.get, "/copy-profiles/\(profile.id)/quality?days=7", token: alice)
            #expect(answer.status == 200, "\(answer.body)")
            let quality = try JSONDecoder().decode(QualityView.self, from: Data(answer.body.utf8))
            #expect(quality.ideal == "0" && quality.actual == "0" && quality.unmarked == 0)
            #expect(quality.skipsByReason.map(\.reason) == SkipReason.allCases.map(\.rawValue) + ["NOT_FILLED", "FAILED"])
            #expect(quality.slippageBps == QualityView.Percentiles(p50: nil, p90: nil))
            #expect(quality.twins == [])
            for days in ["30", "all"] {
                #expect(try await client.call(.get, "/copy-profiles/\(profile.id)/quality?days=\(days)", token: alice).status == 200)
            }
            let bad = try await client.call(.get, "/copy-profiles/\(profile.id)/quality?days=5", token: alice)
            #expect(bad.status == 400)
            #expect(bad.body.contains(#""field":"days""#) && bad.body.contains("days must be 7, 30 or all"))
            let byLeader = try await client.call(.get, "/leaders/\(leader)/quality?days=all", token: alice)
            #expect(byLeader.status == 200, "\(byLeader.body)")
            #expect(!byLeader.body.contains("twins"))
            let notAddress = try await client.call(.get, "/leaders/nope/quality", token: alice)
            #expect(notAddress.status == 400 && notAddress.body.contains(#""field":"address""#))
        }
    }

    @Test func copyQualityTwinsArePaperAtMostThreeAndListedWithTheirQuality() async throws {
        let world = try await APIWorld.make()
        let alice = try await APIWorld.token("dynamic|alice")
        let leader = try await APITests.leaderAddress(world)
        try await world.run { client in
            let profile = try await APITests.follow(client, token: alice, leader: leader)
            let live = try await client.call(.post, "/copy-profiles/\(profile.id)/twins", token: alice, json: #"{"mode":"LIVE"}"#)
            #expect(live.status == 422 && live.body.contains(#""field":"mode""#))
            for _ in 0..<3 {
                let made = try await client.call(.post, "/copy-profiles/\(profile.id)/twins", token: alice,
                                                 json: #"{"limits":{"maxSlippage":"0.05"}}"#)
                #expect(made.status == 201, "\(made.body)")
                let twin = try JSONDecoder().decode(ProfileView.self, from: Data(made.body.utf8))
                #expect(twin.mode == "PAPER" && twin.twinOf == profile.id && twin.limits.maxSlippage == "0.05")
            }
            let fourth = try await client.call(.post, "/copy-profiles/\(profile.id)/twins", token: alice, json: "{}")
            #expect(fourth.status == 409 && fourth.body.contains("at most 3 twins"))
            let answer = try await client.call(.get, "/copy-profiles/\(profile.id)/quality", token: alice)
            let quality = try JSONDecoder().decode(QualityView.self, from: Data(answer.body.utf8))
            #expect(quality.twins?.count == 3)
            #expect(quality.twins?.allSatisfy { $0.profile.twinOf == profile.id && $0.quality.twins == nil } == true)
        }
    }

    @Test func copyQualityAutoPauseIsASettingTheAPIValidatesAndShows() async throws {
        let world = try await APIWorld.make()
        let alice = try await APIWorld.token("dynamic|alice")
        let leader = try await APITests.leaderAddress(world)
        try await world.run { client in
            let profile = try await APITests.follow(client, token: alice, leader: leader)
            let noLimit = try await client.call(.patch, "/copy-profiles/\(profile.id)", token: alice, json: #"{"autoPause":{"window":10}}"#)
            #expect(noLimit.status == 422 && noLimit.body.contains(#""field":"autoPause""#))
            let badWindow = try await client.call(.patch, "/copy-profiles/\(profile.id)", token: alice,
                                                  json: #"{"autoPause":{"window":5000,"maxSlippageBpsP90":100}}"#)
            #expect(badWindow.status == 422 && badWindow.body.contains(#""field":"autoPause.window""#))
            let set = try await client.call(.patch, "/copy-profiles/\(profile.id)", token: alice,
                                            json: #"{"autoPause":{"maxDragPercent":"5.5","maxSlippageBpsP90":150,"window":20}}"#)
            #expect(set.status == 200, "\(set.body)")
            let view = try JSONDecoder().decode(ProfileView.self, from: Data(set.body.utf8))
            #expect(view.autoPause == ProfileView.AutoPauseView(maxDragPercent: "5.5", maxSlippageBpsP90: 150, window: 20))
            let off = try await client.call(.patch, "/copy-profiles/\(profile.id)", token: alice, json: #"{"autoPause":{"window":0}}"#)
            #expect(try JSONDecoder().decode(ProfileView.self, from: Data(off.body.utf8)).autoPause == nil)
            let paused = try await client.call(.post, "/copy-profiles/\(profile.id)/pause", token: alice)
            #expect(try JSONDecoder().decode(ProfileView.self, from: Data(paused.body.utf8)).pausedBy == "user")
        }
    }
}
