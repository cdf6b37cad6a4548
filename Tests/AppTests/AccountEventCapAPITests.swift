import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import Testing

@testable import App

/// The account-wide event cap (issue #22) through HTTP: `PATCH /me {"maxEventExposure"}`.
@Suite struct AccountEventCapAPITests {
    @Test func theAccountEventCapIsSetShownClearedAndAuditedAndBadValuesAreRefusedByName() async throws {
        let world = try await APIWorld.make()
        let alice = try await APIWorld.token("dynamic|alice")
        try await world.run { client in
            let before = try await client.call(.get, "/me", token: alice)
            #expect(before.status == 200)
            let user = try JSONDecoder().decode(MeView.self, from: Data(before.body.utf8))
            #expect(user.maxEventExposure == nil)

            for bad in [#""-1""#, #""lots""#, #""1.0000001""#, #""""#] {
                let refused = try await client.call(.patch, "/me", token: alice, json: #"{"maxEventExposure":\#(bad)}"#)
                #expect(refused.status == 422, "\(bad): \(refused.body)")
                #expect(refused.body.contains(#""field":"maxEventExposure""#), "\(refused.body)")
            }
            let notAString = try await client.call(.patch, "/me", token: alice, json: #"{"maxEventExposure":25.5}"#)
            #expect(notAString.status == 400, "\(notAString.body)")
            #expect(notAString.body.contains(#""field":"maxEventExposure""#), "\(notAString.body)")
            #expect(try await world.backends.store.user(id: UserID(user.id))?.maxEventExposure == nil, "nothing refused was stored")

            let set = try await client.call(.patch, "/me", token: alice, json: #"{"maxEventExposure":"25.5"}"#)
            #expect(set.status == 200, "\(set.body)")
            #expect(try JSONDecoder().decode(MeView.self, from: Data(set.body.utf8)).maxEventExposure == "25.5")
            let read = try await client.call(.get, "/me", token: alice)
            #expect(try JSONDecoder().decode(MeView.self, from: Data(read.body.utf8)).maxEventExposure == "25.5")
            #expect(try await world.backends.store.user(id: UserID(user.id))?.maxEventExposure
                == Collateral(baseUnits: 25_500_000))

            // Leaving the field out keeps the cap; null clears it.
            let kept = try await client.call(.patch, "/me", token: alice, json: #"{}"#)
            #expect(try JSONDecoder().decode(MeView.self, from: Data(kept.body.utf8)).maxEventExposure == "25.5")
            let cleared = try await client.call(.patch, "/me", token: alice, json: #"{"maxEventExposure":null}"#)
            #expect(cleared.status == 200, "\(cleared.body)")
            #expect(try JSONDecoder().decode(MeView.self, from: Data(cleared.body.utf8)).maxEventExposure == nil)
            #expect(try await world.backends.store.user(id: UserID(user.id))?.maxEventExposure == nil)

            let audit = try await world.backends.store.recentAudit(limit: 20).filter { $0.subjectID == user.id }
            #expect(audit.map(\.action) == ["user.settings_changed", "user.settings_changed"], "a change each, no-ops unaudited")
            #expect(audit.map(\.details) == ["maxEventExposure 25.5 -> none", "maxEventExposure none -> 25.5"])
            #expect(audit.allSatisfy { $0.actor == "user:\(user.id)" && $0.subjectType == "user" })

            #expect(try await client.call(.patch, "/me", token: nil, json: #"{"maxEventExposure":"1"}"#).status == 401)
        }
    }
}
