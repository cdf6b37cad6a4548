import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import KernelTesting
import Synchronization
import Testing

@testable import App

@Suite struct AuthTests {
    /// Every way a token can be wrong; each must be a 401 on a protected route.
    static func badTokens() async throws -> [(String, String)] {
        let now = WallClock.system.now()
        let hour = Duration.seconds(3600)
        func signed(_ claims: TokenClaims, key: String = testRSAKeyA, kid: String? = "key-a") async throws -> String {
            try await TestTokens.rs256(claims, privateKeyPEM: key, kid: kid)
        }
        let good = TestTokens.claims(iss: testIssuer, aud: [testAudience], exp: now + hour)
        let header = base64URLEncoded(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let payload = base64URLEncoded(try JSONEncoder().encode(good))
        return [
            ("expired", try await signed(TestTokens.claims(iss: testIssuer, aud: [testAudience], exp: now - hour))),
            ("no expiry", try await signed(TestTokens.claims(iss: testIssuer, aud: [testAudience]))),
            ("not yet valid", try await signed(TestTokens.claims(iss: testIssuer, aud: [testAudience], exp: now + hour * 2,
                                                                 nbf: now + hour))),
            ("wrong issuer", try await signed(TestTokens.claims(iss: "app.dynamicauth.com/other", aud: [testAudience], exp: now + hour))),
            ("wrong audience", try await signed(TestTokens.claims(iss: testIssuer, aud: ["https://elsewhere"], exp: now + hour))),
            ("missing scope", try await signed(TestTokens.claims(iss: testIssuer, aud: [testAudience], exp: now + hour, scope: "wallet:read"))),
            ("no scope claim", try await signed(TestTokens.claims(iss: testIssuer, aud: [testAudience], exp: now + hour, scope: nil))),
            ("no subject", try await signed(TestTokens.claims(sub: nil, iss: testIssuer, aud: [testAudience], exp: now + hour))),
            ("signed by another key", try await signed(good, key: testRSAKeyB)),
            ("alg none", "\(header).\(payload)."),
            ("HS256 with the public key as secret",
             try await TestTokens.hs256(good, secret: try TestTokens.publicKeyPEM(privateKeyPEM: testRSAKeyA), kid: "key-a")),
            ("tampered payload", try await signed(good).split(separator: ".").enumerated()
                .map { $0.offset == 1 ? base64URLEncoded(Array(#"{"sub":"dynamic|admin","scope":"user:basic"}"#.utf8)) : String($0.element) }
                .joined(separator: ".")),
            ("garbage", "not-a-token"),
            ("empty", ""),
            ("three empty parts", ".."),
        ]
    }

    @Test func theJWTTableIsRefusedWith401AndAGoodTokenIsAccepted() async throws {
        let world = try await APIWorld.make()
        let table = try await Self.badTokens()
        let good = try await APIWorld.token("dynamic|alice")
        try await world.run { client in
            for (name, token) in table {
                let response = try await client.call(.get, "/me", token: token)
                #expect(response.status == 401, "\(name)")
                #expect(response.body == #"{"error":{"message":"missing or invalid bearer token"}}"#, "\(name)")
            }
            let missing = try await client.call(.get, "/me", token: nil)
            #expect(missing.status == 401)
            let accepted = try await client.call(.get, "/me", token: good)
            #expect(accepted.status == 200)
            #expect(try decode(MeView.self, accepted.body).externalId == "dynamic|alice")
        }
    }

    @Test func jwksKeysAreCachedRefetchedOnceForAnUnknownKidAndAnUnknownKidIsRefused() async throws {
        let world = try await APIWorld.make(["DYNAMIC_JWKS_URL": "https://keys.example/jwks.json"])
        world.jwks.served.withLock { $0 = (try? TestTokens.jwks([("key-a", testRSAKeyA)])) ?? Data() }
        let now = WallClock.system.now()
        let claims = TestTokens.claims(iss: testIssuer, aud: [testAudience], exp: now + .seconds(600))
        let withA = try await TestTokens.rs256(claims, privateKeyPEM: testRSAKeyA, kid: "key-a")
        let unknownKid = try await TestTokens.rs256(claims, privateKeyPEM: testRSAKeyA, kid: "key-z")
        let noKid = try await TestTokens.rs256(claims, privateKeyPEM: testRSAKeyA, kid: nil)
        try await world.run { client in
            #expect(try await client.call(.get, "/me", token: withA).status == 200)
            #expect(try await client.call(.get, "/me", token: withA).status == 200)
            #expect(world.jwks.fetches.load(ordering: .relaxed) == 1, "the set is cached")
            #expect(try await client.call(.get, "/me", token: unknownKid).status == 401)
            #expect(world.jwks.fetches.load(ordering: .relaxed) == 1, "no refetch within a minute of the last")
            #expect(try await client.call(.get, "/me", token: noKid).status == 401)
            // A token of key B under key A's kid does not verify.
            let mislabelled = try await TestTokens.rs256(claims, privateKeyPEM: testRSAKeyB, kid: "key-a")
            #expect(try await client.call(.get, "/me", token: mislabelled).status == 401)
        }
    }

    /// Issue #21 item 7: made-up kids from unauthenticated callers cost at most one fetch; a real
    /// rotation is found by the first refetch the interval allows.
    @Test func aHundredUnknownKidsCauseAtMostOneFetchAndARotationIsFoundAfterAMinute() async throws {
        let clock = ManualWallClock()
        let jwks = ScriptedJWKS()
        jwks.served.withLock { $0 = (try? TestTokens.jwks([("key-a", testRSAKeyA)])) ?? Data() }
        let verifier = DynamicTokenVerifier(keys: .jwks(jwks), rules: TokenClaimRules(issuer: testIssuer, audience: testAudience),
                                            wallClock: clock.wallClock)
        let now = WallClock.system.now()
        clock.set(to: now)
        let claims = TestTokens.claims(iss: testIssuer, aud: [testAudience], exp: now + .seconds(3_600))
        for n in 0..<100 {
            let token = try await TestTokens.rs256(claims, privateKeyPEM: testRSAKeyA, kid: "made-up-\(n)")
            await #expect(throws: TokenRejection.unknownKey) { try await verifier.verify(token) }
        }
        #expect(jwks.fetches.load(ordering: .relaxed) == 1, "100 unknown kids, one fetch")
        let withB = try await TestTokens.rs256(claims, privateKeyPEM: testRSAKeyB, kid: "key-b")
        jwks.served.withLock { $0 = (try? TestTokens.jwks([("key-a", testRSAKeyA), ("key-b", testRSAKeyB)])) ?? Data() }
        await #expect(throws: TokenRejection.unknownKey, "within the minute: not refetched") { try await verifier.verify(withB) }
        #expect(jwks.fetches.load(ordering: .relaxed) == 1)
        clock.advance(by: .seconds(61))
        _ = try await verifier.verify(withB)
        #expect(jwks.fetches.load(ordering: .relaxed) == 2, "Dynamic rotated: the next allowed refetch finds key B")
        let withA = try await TestTokens.rs256(claims, privateKeyPEM: testRSAKeyA, kid: "key-a")
        _ = try await verifier.verify(withA)
        #expect(jwks.fetches.load(ordering: .relaxed) == 2)
    }

    @Test func devSignInWorksInLocalModeOnly() async throws {
        let local = try await APIWorld.make()
        try await local.run { client in
            let signIn = try await client.call(.post, "/auth/dev-sign-in", token: nil, json: #"{"name":"alice"}"#)
            #expect(signIn.status == 200)
            let token = try decode(DevSignInResponse.self, signIn.body).token
            let me = try await client.call(.get, "/me", token: token)
            #expect(me.status == 200)
            #expect(try decode(MeView.self, me.body).externalId == "local|alice")
            let badName = try await client.call(.post, "/auth/dev-sign-in", token: nil, json: #"{"name":"Robert'); DROP"}"#)
            #expect(badName.status == 422)
            #expect(badName.body.contains(#""field":"name""#))
        }
        let production = try await APIWorld.make([
            "MIRROR_MODE": "production", "TRADING_KEY_ENCRYPTION_KEY": validKey,
            "ADMIN_TOKEN": validToken,
        ])
        try await production.run { client in
            let signIn = try await client.call(.post, "/auth/dev-sign-in", token: nil, json: #"{"name":"alice"}"#)
            #expect(signIn.status == 404)
            let openapi = try await client.call(.get, "/openapi.json", token: nil)
            #expect(!openapi.body.contains("dev-sign-in"))
        }
    }

    @Test func productionWithoutDynamicSettingsRefusesToStart() async throws {
        let world = try await APIWorld.make([
            "MIRROR_MODE": "production", "TRADING_KEY_ENCRYPTION_KEY": validKey,
            "ADMIN_TOKEN": validToken,
        ])
        var configuration = world.configuration
        configuration.dynamic.issuer = nil
        await #expect(throws: ConfigurationError.self) {
            _ = try await buildApplication(configuration: configuration, backends: world.backends, role: .api)
        }
    }
}
