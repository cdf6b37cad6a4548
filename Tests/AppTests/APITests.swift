import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import Testing

@testable import App

@Suite struct APITests {
    /// Every route that takes an object id, with a request that would succeed for the owner.
    /// A documented id route missing here fails ``anotherUsersObjectsAre404OnEveryIDRoute``.
    static let ownershipCases: [String: (method: HTTPRequest.Method, body: String?)] = [
        "GET /copy-profiles/{id}": (.get, nil),
        "PATCH /copy-profiles/{id}": (.patch, #"{"mode":"PAPER"}"#),
        "POST /copy-profiles/{id}/pause": (.post, nil),
        "POST /copy-profiles/{id}/resume": (.post, nil),
        "POST /copy-profiles/{id}/exit-only": (.post, nil),
        "POST /copy-profiles/{id}/stop": (.post, #"{"behavior":"HOLD"}"#),
        "GET /copy-profiles/{id}/positions": (.get, nil),
        "GET /copy-profiles/{id}/quality": (.get, nil),
        "POST /copy-profiles/{id}/twins": (.post, #"{"limits":{"maxSlippage":"0.05"}}"#),
    ]

    static func leaderAddress(_ world: APIWorld) async throws -> String {
        // Local mode seeds the simulated venue's leaders as leader rows.
        try #require(try await world.backends.store.leaders().first).address.lowercased
    }

    /// Adds the venue's first simulated leader and follows it; returns the profile.
    static func follow(_ client: some TestClientProtocol, token: String, leader: String,
                       preset: String = "CONSERVATIVE") async throws -> ProfileView {
        let added = try await client.call(.post, "/leaders", token: token, json: #"{"address":"\#(leader)","label":"sim"}"#)
        #expect([200, 201].contains(added.status))
        let created = try await client.call(.post, "/copy-profiles", token: token,
                                            json: #"{"leaderAddress":"\#(leader)","preset":"\#(preset)"}"#)
        #expect(created.status == 201, "\(created.body)")
        return try decode(ProfileView.self, created.body)
    }

    @Test func anotherUsersObjectsAre404OnEveryIDRoute() async throws {
        let idRoutes = APIDocument.routes(mode: .local).filter(\.takesObjectID).map { "\($0.method) \($0.path)" }
        #expect(Set(idRoutes) == Set(Self.ownershipCases.keys), "every route with an id needs an ownership case")
        let world = try await APIWorld.make()
        let alice = try await APIWorld.token("dynamic|alice")
        let bob = try await APIWorld.token("dynamic|bob")
        let leader = try await Self.leaderAddress(world)
        try await world.run { client in
            // Stop goes last: it is the one change a later case cannot undo.
            for route in idRoutes.sorted(by: { a, _ in !a.hasSuffix("/stop") }) {
                let profile = try await Self.follow(client, token: alice, leader: leader)
                let (method, body) = try #require(Self.ownershipCases[route])
                let uri = route.split(separator: " ")[1].replacingOccurrences(of: "{id}", with: profile.id)
                let before = try await client.call(.get, "/copy-profiles/\(profile.id)", token: alice)
                let asBob = try await client.call(method, uri, token: bob, json: body)
                #expect(asBob.status == 404, "\(route) as another user")
                #expect(asBob.body == #"{"error":{"message":"copy profile not found"}}"#)
                let after = try await client.call(.get, "/copy-profiles/\(profile.id)", token: alice)
                #expect(try decode(ProfileView.self, after.body) == decode(ProfileView.self, before.body),
                        "\(route): another user's request changed nothing")
                let unknown = try await client.call(method, route.split(separator: " ")[1]
                    .replacingOccurrences(of: "{id}", with: "no-such-profile"), token: alice, json: body)
                #expect(unknown.status == 404, "\(route) with an unknown id")
                let asAlice = try await client.call(method, uri, token: alice, json: body)
                #expect([200, 201].contains(asAlice.status), "\(route) as the owner: \(asAlice.body)")
            }
        }
    }

    @Test func theOpenAPIDocumentAndTheRouterAgreeBothWays() async throws {
        for mode in MirrorConfiguration.Mode.allCases {
            let world = try await APIWorld.make(mode == .production ? [
                "MIRROR_MODE": "production", "TRADING_KEY_ENCRYPTION_KEY": validKey,
                "ADMIN_TOKEN": validToken,
            ] : [:])
            let router = try await buildRouter(configuration: world.configuration, backends: world.backends, role: .api)
            let routed = Set(router.routes.map { route in
                "\(route.method.rawValue) " + route.path.description.split(separator: "/")
                    .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.reduce("") { $0 + "/" + $1 }
            })
            let documented = Set(APIDocument.routes(mode: mode).map { "\($0.method) \($0.path)" })
            #expect(routed.subtracting(documented).isEmpty, "routed but not documented in \(mode)")
            #expect(documented.subtracting(routed).isEmpty, "documented but not routed in \(mode)")

            let json = try JSONSerialization.jsonObject(with: try APIDocument.json(mode: mode)) as? [String: Any]
            #expect(json?["openapi"] as? String == "3.1.0")
            let paths = try #require(json?["paths"] as? [String: [String: Any]])
            let operations = Set(paths.flatMap { path, methods in methods.keys.map { "\($0.uppercased()) \(path)" } })
            #expect(operations == documented)
            for route in APIDocument.routes(mode: mode) where route.requiresAuth {
                #expect(route.responses[401] != nil, "\(route.path) documents its 401")
                #expect(route.pathParameters.isEmpty || route.responses[404] != nil, "\(route.path) documents its 404")
            }
            // Every `{name}` in a path is declared as a path parameter (schemathesis refuses the document otherwise).
            for (path, methods) in paths {
                let expected = Set(path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
                for (method, operation) in methods {
                    let declared = ((operation as? [String: Any])?["parameters"] as? [[String: Any]] ?? [])
                        .filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String }
                    #expect(Set(declared) == expected, "\(method.uppercased()) \(path) declares its path parameters")
                }
            }
        }
    }

    @Test func parametersAreDocumentedWithTheValuesTheRoutesAccept() throws {
        let json = try JSONSerialization.jsonObject(with: try APIDocument.json(mode: .local)) as? [String: Any]
        let paths = try #require(json?["paths"] as? [String: [String: [String: Any]]])
        func schema(_ method: String, _ path: String, _ name: String) -> [String: Any]? {
            let parameters = paths[path]?[method]?["parameters"] as? [[String: Any]] ?? []
            return parameters.first { $0["name"] as? String == name }?["schema"] as? [String: Any]
        }
        #expect(schema("get", "/leaders/{address}/quality", "address")?["pattern"] as? String == "^0x[0-9a-fA-F]{40}$")
        #expect(schema("delete", "/withdrawal-addresses/{address}", "address")?["pattern"] as? String == "^0x[0-9a-fA-F]{40}$")
        #expect(schema("get", "/copy-attempts", "limit")?["maximum"] as? Int == 200)
        #expect(schema("get", "/admin/audit-logs", "limit")?["maximum"] as? Int == 500)
        #expect(schema("get", "/leaders/{address}/quality", "days")?["enum"] as? [String] == ["7", "30", "all"])
        #expect(schema("get", "/copy-attempts", "status")?["enum"] as? [String] == CopyAttempt.Status.allCases.map(\.rawValue))
        #expect(schema("get", "/copy-attempts", "kind")?["enum"] as? [String] == CopyAttempt.Kind.allCases.map(\.rawValue))
        #expect(schema("get", "/copy-attempts", "cursor")?["type"] as? String == "string")
    }

    @Test(arguments: StoreSelection.allCases)
    func aUserFollowsALeaderEditsPausesAndStopsAndEveryChangeIsAudited(_ selection: StoreSelection) async throws {
        try await withTemporaryFolder { folder in
            let store = selection == .memory ? "memory:" : folder.appendingPathComponent("data/mirror.sqlite").path
            let world = try await APIWorld.make(store: store)
            let alice = try await APIWorld.token("dynamic|alice")
            let leader = try await Self.leaderAddress(world)
            try await world.run { client in
                let profile = try await Self.follow(client, token: alice, leader: leader, preset: "BALANCED")
                #expect(profile.status == "ENABLED")
                #expect(profile.sizing == SizingView(.fixedUSD(.dollars(25))))
                #expect(profile.leaderAddress?.lowercased() == leader)

                let leaders = try decode(LeaderList.self, try await client.call(.get, "/leaders", token: alice).body)
                #expect(leaders.leaders.map { $0.address.lowercased() }.contains(leader))

                let edited = try await client.call(.patch, "/copy-profiles/\(profile.id)", token: alice,
                                                   json: #"{"sizing":{"mode":"PROPORTIONAL","amount":"0.25"},"limits":{"dailySpend":"40"}}"#)
                #expect(edited.status == 200)
                let editedView = try decode(ProfileView.self, edited.body)
                #expect(editedView.sizing == SizingView(.proportional(Ratio(baseUnits: 250_000))))
                #expect(editedView.limits.dailySpend == "40")

                // Client mistakes: 400 or 422 naming the field, never a 500.
                struct Mistake {
                    var method: HTTPRequest.Method
                    var uri: String
                    var body: String?
                    var status: Int
                    var field: String?
                    init(_ method: HTTPRequest.Method, _ uri: String, _ body: String?, _ status: Int, _ field: String?) {
                        (self.method, self.uri, self.body, self.status, self.field) = (method, uri, body, status, field)
                    }
                }
                let profilePath = "/copy-profiles/\(profile.id)"
                let mistakes: [Mistake] = [
                    Mistake(.patch, profilePath, #"{"sizing":{"mode":"FIXED_USD","amount":"-3"}}"#, 422, "sizing.amount"),
                    Mistake(.patch, profilePath, #"{"sizing":{"mode":"LOTS","amount":"3"}}"#, 422, "sizing.mode"),
                    Mistake(.patch, profilePath, #"{"limits":{"maxPrice":"1.5"}}"#, 422, "limits.maxPrice"),
                    Mistake(.patch, profilePath, #"{"mode":7}"#, 400, "mode"),
                    Mistake(.patch, profilePath, "{not json", 400, nil),
                    Mistake(.post, "/copy-profiles/\(profile.id)/stop", #"{}"#, 422, "behavior"),
                    Mistake(.post, "/copy-profiles/\(profile.id)/stop", #"{"behavior":"PANIC"}"#, 422, "behavior"),
                    Mistake(.post, "/copy-profiles", #"{"leaderAddress":"0x12"}"#, 422, "leaderAddress"),
                    Mistake(.post, "/copy-profiles", #"{"leaderAddress":"\#(leader)","preset":"YOLO"}"#, 422, "preset"),
                    Mistake(.post, "/copy-profiles", #"{}"#, 422, "leaderId"),
                    Mistake(.post, "/leaders", #"{"address":"bob"}"#, 422, "address"),
                    Mistake(.post, "/leaders", #"{"label":"x"}"#, 400, "address"),
                    Mistake(.get, "/copy-attempts?status=NOPE", nil, 422, "status"),
                    Mistake(.get, "/copy-attempts?limit=0", nil, 400, "limit"),
                    Mistake(.get, "/copy-attempts?cursor=%%%", nil, 400, "cursor"),
                ]
                for mistake in mistakes {
                    let response = try await client.call(mistake.method, mistake.uri, token: alice, json: mistake.body)
                    #expect(response.status == mistake.status, "\(mistake.uri) \(mistake.body ?? ""): \(response.body)")
                    if let field = mistake.field {
                        #expect(response.body.contains(#""field":"\#(field)""#), "\(mistake.uri): \(response.body)")
                    }
                }

                let paused = try await client.call(.post, "/copy-profiles/\(profile.id)/pause", token: alice)
                #expect(try decode(ProfileView.self, paused.body).status == "USER_PAUSED")
                let exitOnly = try await client.call(.post, "/copy-profiles/\(profile.id)/exit-only", token: alice)
                #expect(try decode(ProfileView.self, exitOnly.body).status == "EXIT_ONLY")
                let resumed = try await client.call(.post, "/copy-profiles/\(profile.id)/resume", token: alice)
                #expect(try decode(ProfileView.self, resumed.body).status == "ENABLED")
                let stopped = try await client.call(.post, "/copy-profiles/\(profile.id)/stop", token: alice,
                                                    json: #"{"behavior":"SELL"}"#)
                let stoppedView = try decode(ProfileView.self, stopped.body)
                #expect(stoppedView.status == "STOPPED")
                #expect(stoppedView.stopBehavior == "SELL")
                let resumeStopped = try await client.call(.post, "/copy-profiles/\(profile.id)/resume", token: alice)
                #expect(resumeStopped.status == 409)

                let audit = try await world.backends.store.recentAudit(limit: 20).filter { $0.subjectID == profile.id }
                #expect(audit.map(\.action) == [
                    "profile.status_changed", "profile.status_changed", "profile.status_changed", "profile.status_changed",
                    "profile.settings_changed", "profile.created",
                ])
                #expect(audit.allSatisfy { $0.actor.hasPrefix("user:") })
                #expect(audit.first?.details.hasPrefix("ENABLED -> STOPPED") == true)

                let positions = try await client.call(.get, "/copy-profiles/\(profile.id)/positions", token: alice)
                #expect(positions.status == 200)
                #expect(try decode(PositionsView.self, positions.body).realizedPnL == "0")
            }
        }
    }

    @Test func walletOnboardingReachesReadyAndTheDemoUsersAttemptsPageWithoutGaps() async throws {
        let world = try await APIWorld.make()
        let alice = try await APIWorld.token("dynamic|alice")
        try await world.run { client in
            var wallet = try decode(WalletView.self, try await client.call(.get, "/wallet", token: alice).body)
            for _ in 0..<20 where !wallet.ready {
                await world.backends.venue.stepSimulation()
                wallet = try decode(WalletView.self, try await client.call(.get, "/wallet", token: alice).body)
            }
            #expect(wallet.onboarding == "READY")
            #expect(wallet.apiKeyIssued)
            #expect(wallet.transactions.map(\.kind) == ["DEPLOY", "APPROVE"])
            #expect(wallet.depositAddress != wallet.signerAddress)
            #expect(wallet.balance == "0")
            let stored = try #require(try await world.backends.store.wallet(id: WalletID(wallet.id)))
            #expect(stored.sealedAPISecret != nil)
            // Idempotent: asking again changes nothing and submits nothing new.
            let again = try decode(WalletView.self, try await client.call(.get, "/wallet", token: alice).body)
            #expect(again == wallet)
            let user = try #require(try await world.backends.store.user(externalID: "dynamic|alice"))
            #expect(try await world.backends.store.relayerTxs(userID: user.id, limit: 10).count == 2)
        }
    }
}
