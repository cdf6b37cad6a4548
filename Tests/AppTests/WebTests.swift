import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import KernelTesting
import Testing

@testable import App

/// A browser's view of one answer: status, headers, body, and the cookies it set.
struct PageAnswer {
    var status: Int
    var headers: HTTPFields
    var body: String

    var location: String? { self.headers[.location] }
    var setCookies: [String] { self.headers[values: .setCookie] }

    func cookie(_ name: String) -> String? {
        self.setCookies.first { $0.hasPrefix("\(name)=") }
    }

    func cookieValue(_ name: String) -> String? {
        self.cookie(name).map { String($0.dropFirst(name.count + 1).prefix { $0 != ";" }) }
    }

    /// The first `_csrf` hidden input's value.
    var csrf: String? {
        guard let range = self.body.range(of: #"name="_csrf" value=""#) else { return nil }
        return String(self.body[range.upperBound...].prefix { $0 != "\"" })
    }
}

extension TestClientProtocol {
    func page(_ method: HTTPRequest.Method, _ uri: String, cookies: [String: String] = [:], form: [String: String]? = nil,
              bearer: String? = nil) async throws -> PageAnswer {
        var headers: HTTPFields = [:]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            var components = URLComponents()
            components.queryItems = form.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
            body = ByteBuffer(string: components.percentEncodedQuery ?? "")
        }
        return try await self.execute(uri: uri, method: method, headers: headers, body: body) { response in
            PageAnswer(status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
        }
    }

    /// Signs in with the local dev form as `name`; returns the session cookie's value.
    func signInLocally(_ name: String = "demo") async throws -> String {
        let signIn = try await self.page(.get, "/sign-in")
        let token = try #require(signIn.csrf)
        let signInCookie = try #require(signIn.cookieValue(WebSessions.signInCookie))
        let answer = try await self.page(.post, "/sign-in/dev", cookies: [WebSessions.signInCookie: signInCookie],
                                         form: ["_csrf": token, "name": name])
        #expect(answer.status == 303)
        return try #require(answer.cookieValue(WebSessions.userCookie))
    }
}

extension APIWorld {
    /// The application serving both the API and the pages, as `mirror serve` does.
    func runServe(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = try await buildApplication(configuration: self.configuration, backends: self.backends, role: .serve,
                                             jwksFetcher: self.jwks, logger: self.logs.logger())
        try await app.test(.router, body)
    }
}

@Suite struct WebPageTests {
    static let adminToken = "admin-" + String(repeating: "w", count: 40)

    @Test func rootRedirectsToTheAppAndSignedOutPagesToSignInWithACSPOfSelfOnly() async throws {
        let world = try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken])
        try await world.runServe { client in
            let root = try await client.page(.get, "/")
            #expect(root.status == 303 && root.location == "/app")
            for path in ["/app", "/app/leaders", "/app/activity", "/app/withdrawals", "/app/follows/x/edit"] {
                let answer = try await client.page(.get, path)
                #expect(answer.status == 303 && answer.location == "/sign-in", "\(path)")
            }
            let signIn = try await client.page(.get, "/sign-in")
            let policy = try #require(signIn.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self';"))
            #expect(!policy.contains("unsafe-inline") && !policy.contains("esm.sh"))
            #expect(signIn.body.contains("Sign in as the demo user"))
            #expect(!Self.hasInlineScript(signIn.body))
        }
    }

    @Test func mirrorWebServesThePagesButNotTheJSONAPI() async throws {
        let world = try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken])
        let app = try await buildApplication(configuration: world.configuration, backends: world.backends, role: .web,
                                             jwksFetcher: world.jwks, logger: world.logs.logger())
        let bearer = try await APIWorld.token("dynamic|frank")
        try await app.test(.router) { client in
            #expect(try await client.page(.get, "/health").status == 200)
            #expect(try await client.page(.get, "/app").location == "/sign-in")
            let session = try await client.signInLocally()
            #expect(try await client.page(.get, "/app/activity", cookies: [WebSessions.userCookie: session]).status == 200)
            #expect(try await client.page(.get, "/me", bearer: bearer).status == 404)
            #expect(try await client.page(.get, "/openapi.json").status == 404)
        }
        #expect(!ProcessRole.web.runsWorkers && !ProcessRole.web.runsAPI && ProcessRole.serve.runsWeb && !ProcessRole.api.runsWeb)
    }

    @Test func theDevSignInOpensAnHttpOnlyLaxSessionKeptInTheCacheAndSignOutEndsIt() async throws {
        let world = try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken])
        try await world.runServe { client in
            let signIn = try await client.page(.get, "/sign-in")
            let token = try #require(signIn.csrf)
            let preCookie = try #require(signIn.cookieValue(WebSessions.signInCookie))
            let answer = try await client.page(.post, "/sign-in/dev", cookies: [WebSessions.signInCookie: preCookie],
                                               form: ["_csrf": token, "name": "demo"])
            #expect(answer.status == 303 && answer.location == "/app?done=signed-in")
            let cookie = try #require(answer.cookie(WebSessions.userCookie))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"))
            let session = try #require(answer.cookieValue(WebSessions.userCookie))
            let stored = try await world.backends.cache.value(forKey: WebSessions.key(session))
            #expect(stored?.contains("\"kind\":\"user\"") == true)

            let overview = try await client.page(.get, "/app", cookies: [WebSessions.userCookie: session])
            #expect(overview.status == 200 && overview.body.contains("<h1>Overview</h1>"))
            #expect(overview.body.contains("Deposit address") && overview.body.contains("<svg"))
            #expect(overview.body.contains("<h2>Available</h2>") && overview.body.contains("as read from the exchange at 20"))
            let csrf = try #require(overview.csrf)

            let out = try await client.page(.post, "/sign-out", cookies: [WebSessions.userCookie: session], form: ["_csrf": csrf])
            #expect(out.status == 303 && out.location == "/sign-in")
            #expect(try await world.backends.cache.value(forKey: WebSessions.key(session)) == nil)
            let after = try await client.page(.get, "/app", cookies: [WebSessions.userCookie: session])
            #expect(after.status == 303 && after.location == "/sign-in")
        }
    }

    @Test func theBalanceNoteSaysWhatAvailableRestsOnOrWhyThereIsNoReading() {
        var wallet = WalletView(id: "wallet-1", type: "DEPOSIT_WALLET", signerAddress: "0x1", depositAddress: "0x2",
                                onboarding: "READY", ready: true, apiKeyIssued: true, balance: nil, balanceReadAt: nil,
                                available: nil, heldForWithdrawals: "0", heldForOpenOrders: "0", transactions: [])
        #expect(WebPage.balanceNote(wallet) == "Not read from the exchange yet: copies wait for the first reading.")
        wallet.ready = false
        #expect(WebPage.balanceNote(wallet) == "Read from the exchange once the wallet is READY.")
        wallet.ready = true
        wallet.balance = "100"
        wallet.balanceReadAt = "2026-12-07T22:13:45.520Z"
        #expect(WebPage.balanceNote(wallet) == "Balance 100 pUSD as read from the exchange at 2026-12-07 22:13:45 UTC.")
        wallet.heldForWithdrawals = "20"
        wallet.heldForOpenOrders = "5.3"
        #expect(WebPage.balanceNote(wallet)
            == "Balance 100 pUSD as read from the exchange at 2026-12-07 22:13:45 UTC; 20 held for withdrawals, 5.3 held by open orders.")
    }

    @Test func aSignInFormWithoutItsDoubleSubmitTokenIsRefused() async throws {
        let world = try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken])
        try await world.runServe { client in
            let missing = try await client.page(.post, "/sign-in/dev", form: ["name": "demo"])
            let mismatched = try await client.page(.post, "/sign-in/dev", cookies: [WebSessions.signInCookie: String(repeating: "a", count: 64)],
                                                   form: ["_csrf": String(repeating: "b", count: 64), "name": "demo"])
            #expect(missing.status == 403 && mismatched.status == 403)
            #expect(missing.cookie(WebSessions.userCookie) == nil && mismatched.cookie(WebSessions.userCookie) == nil)
        }
    }

    @Test func everyPagePostWithoutTheSessionsCSRFTokenIsRefusedAndChangesNothing() async throws {
        let world = try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken])
        try await world.runServe { client in
            let session = try await client.signInLocally()
            let cookies = [WebSessions.userCookie: session]
            let demo = try #require(try await world.backends.store.user(externalID: Demo.externalID))
            let profile = try #require(try await world.backends.store.profiles(userID: demo.id).first)
            let leadersBefore = try await world.backends.store.leaders().count
            for path in ["/app/kill-switch", "/app/follows/\(profile.id.rawValue)/pause", "/app/leaders", "/app/withdrawals",
                         "/sign-out"] {
                let none = try await client.page(.post, path, cookies: cookies, form: ["address": "0x" + String(repeating: "1", count: 40)])
                let wrong = try await client.page(.post, path, cookies: cookies, form: ["_csrf": String(repeating: "0", count: 64)])
                #expect(none.status == 403 && wrong.status == 403, "\(path): \(none.status) \(wrong.status)")
            }
            #expect(try await world.backends.store.profile(id: profile.id)?.status == .enabled)
            #expect(try await world.backends.store.leaders().count == leadersBefore, "no leader was added")
        }
    }

    @Test func theAPIRefusesTheCookieAndThePagesRefuseABearerToken() async throws {
        let world = try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken])
        let bearer = try await APIWorld.token("dynamic|carol")
        try await world.runServe { client in
            let session = try await client.signInLocally()
            let me = try await client.page(.get, "/me", cookies: [WebSessions.userCookie: session])
            #expect(me.status == 401)
            let page = try await client.page(.get, "/app", bearer: bearer)
            #expect(page.status == 303 && page.location == "/sign-in")
        }
    }

    @Test func theDynamicSignInPageLoadsThePinnedSDKFromTheCDNNamedInTheCSPWithNoInlineScript() async throws {
        let world = try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken, "DYNAMIC_ENVIRONMENT_ID": "env-1234"])
        try await world.runServe { client in
            let page = try await client.page(.get, "/sign-in")
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self' https://esm.sh;"))
            #expect(page.body.contains(#"<script type="module" src="/app/assets/dynamic-sign-in.js"></script>"#))
            #expect(page.body.contains(#"data-environment-id="env-1234""#))
            #expect(page.body.contains(#"data-sdk-url="https://esm.sh/@dynamic-labs-sdk/client@"#))
            #expect(page.body.contains(#"action="/sign-in/dynamic""#))
            #expect(!Self.hasInlineScript(page.body))
            let script = try await client.page(.get, "/app/assets/dynamic-sign-in.js")
            #expect(script.status == 200 && script.body.contains("createDynamicClient") && script.body.contains("sendEmailOTP"))
        }
    }

    @Test func aDynamicTokenIsVerifiedAsTheAPIDoesBeforeASessionOpens() async throws {
        let world = try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken, "DYNAMIC_ENVIRONMENT_ID": "env-1234"])
        let good = try await APIWorld.token("dynamic|dana")
        let now = WallClock.system.now()
        let forged = try await TestTokens.rs256(
            TestTokens.claims(sub: "dynamic|dana", iss: testIssuer, aud: [testAudience], exp: now + .seconds(600)),
            privateKeyPEM: testRSAKeyB, kid: "key-a")
        let expired = try await TestTokens.rs256(
            TestTokens.claims(sub: "dynamic|dana", iss: testIssuer, aud: [testAudience], exp: now - .seconds(600)),
            privateKeyPEM: testRSAKeyA, kid: "key-a")
        try await world.runServe { client in
            for token in [forged, expired, "not-a-jwt"] {
                let signIn = try await client.page(.get, "/sign-in")
                let answer = try await client.page(
                    .post, "/sign-in/dynamic", cookies: [WebSessions.signInCookie: try #require(signIn.cookieValue(WebSessions.signInCookie))],
                    form: ["_csrf": try #require(signIn.csrf), "token": token])
                #expect(answer.status == 401 && answer.cookie(WebSessions.userCookie) == nil)
                #expect(!answer.body.contains(token), "the token is never echoed")
            }
            #expect(try await world.backends.store.user(externalID: "dynamic|dana") == nil)
            let signIn = try await client.page(.get, "/sign-in")
            let answer = try await client.page(
                .post, "/sign-in/dynamic", cookies: [WebSessions.signInCookie: try #require(signIn.cookieValue(WebSessions.signInCookie))],
                form: ["_csrf": try #require(signIn.csrf), "token": good])
            #expect(answer.status == 303 && answer.location == "/app?done=signed-in")
            let session = try #require(answer.cookieValue(WebSessions.userCookie))
            let user = try #require(try await world.backends.store.user(externalID: "dynamic|dana"))
            let stored = try #require(try await world.backends.cache.value(forKey: WebSessions.key(session)))
            #expect(stored.contains(user.id.rawValue))
        }
    }

    @Test func sessionCookiesAreSecureOutsideLocalMode() async throws {
        let world = try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken])
        let sessions = WebSessions(cache: world.backends.cache, wallClock: .system, secureCookies: true)
        for kind in [WebSession.Kind.user, .operator] {
            let cookie = sessions.cookie(kind, id: String(repeating: "a", count: 64))
            #expect(cookie.secure && cookie.httpOnly && cookie.sameSite == .lax)
        }
        #expect(sessions.cookie(.operator, id: "x").maxAge == 900)
        #expect(sessions.cookie(.operator, id: "x").path == "/app/operator")
    }

    @Test func aFollowFormWithABadAmountShowsTheMessageBesideTheFieldThenAFixedOneFollows() async throws {
        let world = try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken])
        try await world.runServe { client in
            let session = try await client.signInLocally()
            let cookies = [WebSessions.userCookie: session]
            let demo = try #require(try await world.backends.store.user(externalID: Demo.externalID))
            let followed = Set(try await world.backends.store.profiles(userID: demo.id).map(\.leaderID))
            let leader = try #require(try await world.backends.store.leaders().first { !followed.contains($0.id) })
            let form = try await client.page(.get, "/app/follows/new?leader=\(leader.id.rawValue)", cookies: cookies)
            #expect(form.status == 200)
            #expect(!form.body.contains("has-error") && !form.body.contains("error-box"), "a fresh form shows no error")
            for label in ["How much to copy", "Amount", "Most per copy (pUSD)", "Most per day (pUSD)", "Oldest fill to copy (seconds)"] {
                #expect(form.body.contains(">\(label)</label>"), "label \(label)")
            }
            let csrf = try #require(form.csrf)
            let bad = try await client.page(.post, "/app/follows", cookies: cookies, form: [
                "_csrf": csrf, "leader": leader.id.rawValue, "preset": "BALANCED", "sizing.mode": "FIXED_USD", "sizing.amount": "lots",
            ])
            #expect(bad.status == 422)
            #expect(bad.body.contains(#"<p class="error" id="sizing-amount-error">sizing.amount must be a non-negative decimal number</p>"#))
            #expect(bad.body.contains(#"value="lots""#), "the entered value is kept")
            #expect(bad.body.components(separatedBy: "has-error").count == 2, "only the amount is marked")
            #expect(try await world.backends.store.profiles(userID: demo.id).count == 1)
            let good = try await client.page(.post, "/app/follows", cookies: cookies, form: [
                "_csrf": csrf, "leader": leader.id.rawValue, "preset": "BALANCED", "sizing.mode": "FIXED_USD", "sizing.amount": "3",
                "limits.dailySpend": "40",
            ])
            #expect(good.status == 303 && good.location == "/app/follows?done=followed")
            let created = try #require(try await world.backends.store.profiles(userID: demo.id).first { $0.leaderID == leader.id })
            #expect(created.sizing == .fixedUSD(.dollars(3)) && created.limits.dailySpend == .dollars(40))
            #expect(created.limits.maxPerTrade == .dollars(50), "the rest comes from the BALANCED preset")
        }
    }

    @Test func perFollowControlsAskFirstThenExitOnlyEditAndStopWithSellNow() async throws {
        let world = try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken])
        let store = world.backends.store
        try await world.runServe { client in
            let session = try await client.signInLocally()
            let cookies = [WebSessions.userCookie: session]
            let demo = try #require(try await store.user(externalID: Demo.externalID))
            let profile = try #require(try await store.profiles(userID: demo.id).first)
            let id = profile.id.rawValue
            let confirm = try await client.page(.get, "/app/follows/\(id)/confirm/stop", cookies: cookies)
            #expect(confirm.status == 200 && confirm.body.contains(#"value="SELL""#) && confirm.body.contains(#"value="HOLD""#))
            #expect(try await store.profile(id: profile.id)?.status == .enabled, "asking changes nothing")
            let csrf = try #require(confirm.csrf)
            let exitOnly = try await client.page(.post, "/app/follows/\(id)/exit-only", cookies: cookies, form: ["_csrf": csrf])
            #expect(exitOnly.status == 303 && exitOnly.location == "/app/follows?done=exit-only")
            #expect(try await store.profile(id: profile.id)?.status == .exitOnly)

            let edited = try await client.page(.post, "/app/follows/\(id)/edit", cookies: cookies, form: [
                "_csrf": csrf, "sizing.mode": "PERCENT_OF_BALANCE", "sizing.amount": "0.02", "limits.maxPerMarket": "30",
                "stopBehavior": "SELL",
            ])
            #expect(edited.status == 303 && edited.location == "/app/follows?done=saved")
            let after = try #require(try await store.profile(id: profile.id))
            #expect(after.sizing == .percentOfBalance(Ratio(baseUnits: 20_000)) && after.limits.maxPerMarket == .dollars(30))
            #expect(try await store.recentAudit(limit: 10).contains { $0.action == "profile.settings_changed" && $0.subjectID == id })

            let badStop = try await client.page(.post, "/app/follows/\(id)/stop", cookies: cookies, form: ["_csrf": csrf, "behavior": "LATER"])
            #expect(badStop.status == 422 && badStop.body.contains("behavior must be one of"))
            let stop = try await client.page(.post, "/app/follows/\(id)/stop", cookies: cookies, form: ["_csrf": csrf, "behavior": "SELL"])
            #expect(stop.status == 303 && stop.location == "/app/follows?done=stop")
            #expect(try await store.profile(id: profile.id)?.status == .stopped)
            let resume = try await client.page(.post, "/app/follows/\(id)/resume", cookies: cookies, form: ["_csrf": csrf])
            #expect(resume.status == 409, "a stopped follow cannot resume: \(resume.body)")
        }
    }

    @Test func aWithdrawalFormShowsItsErrorsBesideTheFieldsAndAsksBeforeSending() async throws {
        let world = try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken])
        try await world.runServe { client in
            let session = try await client.signInLocally()
            let cookies = [WebSessions.userCookie: session]
            let page = try await client.page(.get, "/app/withdrawals", cookies: cookies)
            let csrf = try #require(page.csrf)
            let bad = try await client.page(.post, "/app/withdrawals/confirm", cookies: cookies,
                                            form: ["_csrf": csrf, "amount": "5", "destination": "nowhere"])
            #expect(bad.status == 422)
            #expect(bad.body.contains(#"id="withdraw-destination-error">destination must be 0x followed by 40 hex digits</p>"#))
            let review = try await client.page(.post, "/app/withdrawals/confirm", cookies: cookies,
                                               form: ["_csrf": csrf, "amount": "5", "destination": "0x" + String(repeating: "d", count: 40)])
            #expect(review.status == 200 && review.body.contains("Withdraw 5 pUSD"))
            let demo = try #require(try await world.backends.store.user(externalID: Demo.externalID))
            #expect(try await world.backends.store.relayerTxs(userID: demo.id, limit: 10).isEmpty, "reviewing sends nothing")
        }
    }

    @Test func aLeaderLabelWithMarkupIsEscapedOnThePage() async throws {
        let world = try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken])
        try await world.runServe { client in
            let session = try await client.signInLocally()
            let cookies = [WebSessions.userCookie: session]
            let leaders = try await client.page(.get, "/app/leaders", cookies: cookies)
            let added = try await client.page(.post, "/app/leaders", cookies: cookies, form: [
                "_csrf": try #require(leaders.csrf), "address": "0x" + String(repeating: "ab", count: 20),
                "label": "<script>alert(1)</script>",
            ])
            #expect(added.status == 303)
            let page = try await client.page(.get, "/app/leaders", cookies: cookies)
            #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!page.body.contains("<script>alert(1)"))
        }
    }

    @Test func theKillSwitchRoutePutsEveryFollowInTheUsersPauseWhichResumeAllLeaves() async throws {
        let world = try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken])
        let store = world.backends.store
        let bearer = try await APIWorld.token("dynamic|erin")
        try await world.run { client in
            _ = try await client.call(.get, "/me", token: bearer)
            let user = try #require(try await store.user(externalID: "dynamic|erin"))
            let wallet = try #require(try await store.wallets(userID: user.id).first)
            let statuses: [ProfileStatus] = [.enabled, .paused, .exitOnly, .stopped]
            for (index, status) in statuses.enumerated() {
                let leader = Leader.fixture(700 + index)
                try await store.insertLeader(leader)
                try await store.insertProfile(CopyProfile.fixture(700 + index, userID: user.id, leaderID: leader.id,
                                                                  walletID: wallet.id, status: status))
            }
            let answer = try await client.call(.post, "/me/pause-copying", token: bearer)
            #expect(answer.status == 200)
            let after = try await store.profiles(userID: user.id).map(\.status).sorted { $0.rawValue < $1.rawValue }
            #expect(after == [.stopped, .userPaused, .userPaused, .userPaused])
            let resumed = try await client.call(.post, "/admin/resume-all", token: Self.adminToken)
            #expect(resumed.status == 200)
            #expect(try await store.profiles(userID: user.id).filter { $0.status == .userPaused }.count == 3)
            let audit = try await store.recentAudit(limit: 50).filter { $0.actor == "user:\(user.id.rawValue)" }
            #expect(audit.count == 3)
        }
    }

    @Test func operatorPagesNeedTheAdminTokenOnTheirFormAndOpenAnAuditedSeparateSession() async throws {
        let world = try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken])
        try await world.runServe { client in
            let userSession = try await client.signInLocally()
            for path in ["/app/operator", "/app/operator/audit"] {
                let answer = try await client.page(.get, path, cookies: [WebSessions.userCookie: userSession])
                #expect(answer.status == 303 && answer.location == "/app/operator/sign-in", "\(path)")
            }
            let form = try await client.page(.get, "/app/operator/sign-in")
            let cookie = try #require(form.cookieValue(WebSessions.signInCookie))
            let wrong = try await client.page(.post, "/app/operator/sign-in", cookies: [WebSessions.signInCookie: cookie],
                                              form: ["_csrf": try #require(form.csrf), "token": Self.adminToken + "x"])
            #expect(wrong.status == 401 && wrong.cookie(WebSessions.operatorCookie) == nil)
            let right = try await client.page(.post, "/app/operator/sign-in", cookies: [WebSessions.signInCookie: cookie],
                                              form: ["_csrf": try #require(form.csrf), "token": Self.adminToken])
            #expect(right.status == 303)
            let operatorCookie = try #require(right.cookie(WebSessions.operatorCookie))
            #expect(operatorCookie.contains("Max-Age=900") && operatorCookie.contains("Path=/app/operator"))
            let session = try #require(right.cookieValue(WebSessions.operatorCookie))
            let status = try await client.page(.get, "/app/operator", cookies: [WebSessions.operatorCookie: session])
            #expect(status.status == 200 && status.body.contains("copy-trading") && !status.body.contains(Self.adminToken))
            let audit = try await world.backends.store.recentAudit(limit: 10)
            #expect(audit.contains { $0.action == "operator.signed_in" })
            #expect(!audit.contains { $0.details.contains(Self.adminToken) })
            let pause = try await client.page(.post, "/app/operator/pause-all", cookies: [WebSessions.operatorCookie: session],
                                              form: ["_csrf": try #require(status.csrf)])
            #expect(pause.status == 303 && pause.location == "/app/operator?done=pause-all&n=1")
            let asUser = try await client.page(.get, "/app/operator", cookies: [WebSessions.userCookie: session])
            #expect(asUser.status == 303, "an operator session is not a user session, nor the other way round")
        }
    }

    @Test func anotherUsersFollowAnswersTheSameNotFoundPageAsOneThatDoesNotExist() async throws {
        let world = try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken])
        try await world.runServe { client in
            let demo = try #require(try await world.backends.store.user(externalID: Demo.externalID))
            let profile = try #require(try await world.backends.store.profiles(userID: demo.id).first)
            let session = try await client.signInLocally("mallory")
            let cookies = [WebSessions.userCookie: session]
            let theirs = try await client.page(.get, "/app/follows/\(profile.id.rawValue)/edit", cookies: cookies)
            let missing = try await client.page(.get, "/app/follows/nope/edit", cookies: cookies)
            #expect(theirs.status == 404 && missing.status == 404)
            #expect(theirs.body.contains("copy profile not found") && theirs.headers[.contentType]?.hasPrefix("text/html") == true)
        }
    }

    @Test func liveEventsResumeFromTheLastEventIDAndKeepAliveWellWithin15Seconds() async throws {
        #expect(LiveEvents.keepAliveEvery <= .seconds(15))
        #expect(LiveEvents.frame(id: 42) == "id: 42\nevent: change\ndata: {\"at\":42}\n\n")
        let world = try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken])
        let store = world.backends.store
        let demo = try #require(try await store.user(externalID: Demo.externalID))
        let profile = try #require(try await store.profiles(userID: demo.id).first)
        let attempt = CopyAttempt(id: AttemptID("live-1"), profileID: profile.id, userID: demo.id, leaderEventID: nil, kind: .closeOut,
                                  tokenID: try TokenID("7"), dueAt: Timestamp(epochMilliseconds: 5_000),
                                  detectedAt: Timestamp(epochMilliseconds: 5_000), leaderPrice: nil,
                                  createdAt: Timestamp(epochMilliseconds: 5_000), updatedAt: Timestamp(epochMilliseconds: 5_000))
        // Stopping with "sell now" is how a store takes an attempt that no leader fill fanned out.
        #expect(try await store.stopProfile(profile.id, from: .enabled, behavior: .sellNow, closeOuts: [attempt],
                                            at: Timestamp(epochMilliseconds: 5_000)))
        #expect(try await LiveEvents.newestChange(store: store, userID: demo.id, since: 4_999) == 5_000)
        #expect(try await LiveEvents.newestChange(store: store, userID: demo.id, since: 5_000) == 5_000)
        #expect(try await LiveEvents.newestChange(store: store, userID: demo.id, since: 5_001) == nil)
    }

    @Test func domainErrorsMapToTheSameStatusForJSONAndPages() {
        let logger = CapturedLogs().logger()
        #expect(ErrorMapping.clientError(for: StoreError.notFound(entity: "x", key: "1"), logger: logger)?.status == .notFound)
        #expect(ErrorMapping.clientError(for: StoreError.duplicate(entity: "x", key: "1"), logger: logger)?.status == .conflict)
        #expect(ErrorMapping.clientError(for: ProfileCommands.Failure.contended(ProfileID("p")), logger: logger)?.status == .conflict)
        #expect(ErrorMapping.clientError(for: ProfileCommands.Failure.notFound(ProfileID("p")), logger: logger)?.status == .notFound)
        #expect(ErrorMapping.clientError(for: Administration.Failure.notFound, logger: logger)?.status == .notFound)
        #expect(ErrorMapping.clientError(for: Administration.Failure.notRetryable(status: .confirmed), logger: logger)?.status == .conflict)
        #expect(ErrorMapping.clientError(for: CancellationError(), logger: logger) == nil)
        #expect(ErrorMapping.clientError(for: APIError.csrfRefused, logger: logger)?.status == .forbidden)
    }

    static func hasInlineScript(_ html: String) -> Bool {
        html.components(separatedBy: "<script").dropFirst().contains { !$0.prefix { $0 != ">" }.contains("src=") }
    }
}
