import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import InMemoryAdapter
import KernelTesting
import KeyVaultAdapter
import Logging
import Synchronization
import Testing

@testable import App

/// An independent Standard Webhooks verifier, written from the specification's text
/// (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md,
/// "Verifying webhook authenticity"), not from Mirror's signer: the signed content is
/// `msg_id.timestamp.payload`, the key is the base64 part of `whsec_…`, the header holds
/// space-delimited `v1,<base64 HMAC-SHA256>` signatures of which one must match, and a timestamp
/// more than 5 minutes away from now is refused.
enum StandardWebhooksVerifier {
    static func verify(secret: String, headers: [String: String], body: String, now: Int64) -> Bool {
        guard let id = headers["webhook-id"], let stamp = headers["webhook-timestamp"], let timestamp = Int64(stamp),
              let signatures = headers["webhook-signature"], secret.hasPrefix("whsec_"),
              let key = Data(base64Encoded: String(secret.dropFirst(6))), abs(now - timestamp) <= 300
        else { return false }
        let expected = HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).\(body)".utf8),
                                                       using: SymmetricKey(data: key))
        for signature in signatures.split(separator: " ") {
            let parts = signature.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let bytes = Data(base64Encoded: String(parts[1])) else { continue }
            if bytes == Data(expected) { return true }
        }
        return false
    }
}

/// A webhook receiver on loopback: answers each request with the next scripted status (then 200)
/// and records what came.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var headers: [String: String]
        var body: String
    }

    private let state = Mutex<(script: [Int], received: [Received])>(([], []))

    init(answering script: [Int] = []) {
        self.state.withLock { $0.script = script }
    }

    var received: [Received] { self.state.withLock { $0.received } }

    var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            let body = try await String(buffer: request.body.collect(upTo: 1_000_000))
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let status = self.state.withLock { state -> Int in
                state.received.append(Received(headers: headers, body: body))
                return state.script.isEmpty ? 200 : state.script.removeFirst()
            }
            return HTTPResponse.Status(code: status)
        }
        return router
    }

    /// Runs `body` with the receiver listening on a free loopback port.
    func serve(_ body: @Sendable (Int) async throws -> Void) async throws {
        let app = Application(router: self.router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(try #require(client.port)) }
    }
}

@Suite struct WebhookSignatureTests {
    /// The example of the Standard Webhooks reference libraries (their test suites sign exactly this).
    @Test func theSignatureIsTheReferenceLibrariesOnTheirOwnExample() throws {
        let key = try #require(WebhookSignature.keyBytes(of: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        #expect(WebhookSignature.sign(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
                                      body: #"{"test": 2432232314}"#, key: key)
            == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func aNewSecretIsWhsecWith24RandomBytesAndBothKeysSignDuringARotation() throws {
        let first = WebhookSignature.newSecret()
        let second = WebhookSignature.newSecret()
        #expect(first.hasPrefix("whsec_") && first != second)
        #expect(WebhookSignature.keyBytes(of: first)?.count == 24)
        let keys = [try #require(WebhookSignature.keyBytes(of: first)), try #require(WebhookSignature.keyBytes(of: second))]
        let header = WebhookSignature.header(id: "msg_1", timestamp: 1_700_000_000, body: "{}", keys: keys)
        for secret in [first, second] {
            #expect(StandardWebhooksVerifier.verify(secret: secret, headers: [
                "webhook-id": "msg_1", "webhook-timestamp": "1700000000", "webhook-signature": header,
            ], body: "{}", now: 1_700_000_000))
        }
        #expect(!StandardWebhooksVerifier.verify(secret: first, headers: [
            "webhook-id": "msg_1", "webhook-timestamp": "1700000000", "webhook-signature": header,
        ], body: "{ }", now: 1_700_000_000), "a changed body fails")
    }
}

@Suite struct WebhookDestinationTests {
    static let names: @Sendable (String) -> [String] = { host in
        switch host {
        case "internal.example.com": ["10.1.2.3"]
        case "mixed.example.com": ["93.184.215.14", "192.168.0.7"]
        case "metadata.example.com": ["169.254.169.254"]
        case "localhost": ["127.0.0.1", "::1"]
        case "public.example.com": ["93.184.215.14"]
        default: []
        }
    }

    static func check(_ url: String, local: Bool) -> String? {
        do {
            let destination = try WebhookDestination.parse(url, allowLocal: local)
            _ = try destination.resolveAllowed(allowLocal: local, resolve: Self.names)
            return nil
        } catch {
            return error.description
        }
    }

    /// The SSRF table of issue #23: every row refused in production, at registration and delivery alike.
    @Test(arguments: [
        ("https://127.0.0.1/hook", "loopback"),
        ("https://localhost/hook", "loopback"),
        ("https://[::1]/hook", "loopback"),
        ("https://10.0.0.5/hook", "private"),
        ("https://10.255.255.255:8443/hook", "private"),
        ("https://172.16.0.1/hook", "private"),
        ("https://192.168.1.1/hook", "private"),
        ("https://[fd00::1]/hook", "private"),
        ("https://[::ffff:10.0.0.1]/hook", "private"),
        ("https://169.254.169.254/latest/meta-data/", "link-local"),
        ("https://metadata.example.com/hook", "link-local"),
        ("https://[fe80::1]/hook", "link-local"),
        ("https://internal.example.com/hook", "private"),
        ("https://mixed.example.com/hook", "private"),
        ("https://100.64.0.1/hook", "carrier-grade NAT"),
        ("https://0.0.0.0/hook", "unspecified"),
        ("http://public.example.com/hook", "must use https"),
        ("https://user:pass@public.example.com/hook", "user name or password"),
        ("https://nowhere.example.com/hook", "does not resolve"),
        ("not a url", "absolute"),
    ])
    func refusedInProduction(url: String, reason: String) {
        let refusal = Self.check(url, local: false)
        #expect(refusal?.contains(reason) == true, "\(url): \(refusal ?? "accepted")")
    }

    @Test func publicHTTPSIsAcceptedAndLocalModeAllowsLoopbackAndHTTPOnly() {
        #expect(Self.check("https://public.example.com/hook", local: false) == nil)
        #expect(Self.check("https://93.184.215.14/hook", local: false) == nil)
        #expect(Self.check("http://127.0.0.1:9999/hook", local: true) == nil)
        #expect(Self.check("http://localhost:9999/hook", local: true) == nil)
        #expect(Self.check("http://10.0.0.5/hook", local: true)?.contains("private") == true)
        #expect(Self.check("http://169.254.169.254/", local: true)?.contains("link-local") == true)
    }

    /// Checked again at delivery, against the address connected to: a name that resolved to a
    /// public address at registration and to a private one now (DNS rebinding) is not sent to.
    @Test func deliveryChecksTheAddressItConnectsTo() async throws {
        let world = try await APIWorld.make()
        let store = world.backends.store
        let user = User.fixture(1)
        try await store.insertUser(user)
        let clock = ManualWallClock()
        let endpoints = WebhookEndpoints(store: store, vault: world.backends.vault, wallClock: clock.wallClock,
                                         ids: world.backends.ids, limit: 5, allowLocal: false, resolve: Self.names)
        let (endpoint, _) = try await endpoints.register(userID: user.id, url: "https://public.example.com/hook", events: nil)
        let sent = Mutex(0)
        let rebound: @Sendable (String) -> [String] = { _ in ["10.9.9.9"] }
        let deliverer = WebhookDeliverer(
            store: store, vault: world.backends.vault, wallClock: clock.wallClock,
            transport: WebhookTransport { _ in sent.withLock { $0 += 1 }; return .status(200) },
            allowLocal: false, resolve: rebound, owner: "test", logger: Logger(label: "test"))
        try await store.appendOutbox([OutboxEvent(userID: user.id, type: .claimPaid, data: [], at: clock.now())])
        _ = try await store.dispatchOutbox(limit: 10, at: clock.now())
        #expect(try await deliverer.deliverDue() == 1)
        #expect(sent.withLock { $0 } == 0, "nothing sent to a private address")
        let delivery = try #require(try await store.deliveries(endpointID: endpoint.id, limit: 1).first)
        #expect(delivery.status == .pending && delivery.attempts == 1)
        #expect(delivery.lastError?.contains("10.9.9.9, a private address") == true, "\(delivery.lastError ?? "")")
    }
}

@Suite struct WebhookSecretRotationTests {
    /// `mirror keys rotate` reseals webhook secrets too: after it, the new master key alone opens
    /// them and the secret is the same.
    @Test func keyRotationResealsWebhookSecretsUnderTheNewKey() async throws {
        let oldKey = try MasterKey(hex: String(repeating: "ab", count: 32))
        let newKey = try MasterKey(hex: String(repeating: "cd", count: 32))
        let store = InMemoryStore()
        let user = User.fixture(1)
        try await store.insertUser(user)
        let before = WebhookEndpoints(store: store, vault: AESKeyVault(current: oldKey), wallClock: .system,
                                      ids: IDGenerator { "endpoint-1" }, limit: 5, allowLocal: true)
        let (endpoint, secret) = try await before.register(userID: user.id, url: "http://127.0.0.1:9/x", events: nil)
        let rotating = AESKeyVault(current: newKey, previous: [oldKey])
        #expect(try await WebhookSecrets.resealAll(store: store, vault: rotating) == 1)
        #expect(try await WebhookSecrets.resealAll(store: store, vault: rotating) == 0, "done once")
        let stored = try #require(await store.webhookEndpoint(id: endpoint.id))
        let opened = try await WebhookSecrets.open(stored.sealedSecret, of: stored, vault: AESKeyVault(current: newKey))
        #expect(opened == WebhookSignature.keyBytes(of: secret))
    }
}

@Suite struct WebhookDeliveryTests {
    /// A receiver answering 500 three times gets the event on the fourth try, every try with the
    /// same webhook-id and a signature an independent verifier accepts; the backoff is the
    /// schedule's (5 s, 30 s, 2 min), walked on an injected clock.
    @Test func fiveHundredThreeTimesThenDeliveredOnTheFourthTryWithTheSameWebhookID() async throws {
        let receiver = WebhookReceiver(answering: [500, 500, 500])
        try await receiver.serve { port in
            let world = try await APIWorld.make()
            let store = world.backends.store
            let user = User.fixture(1)
            try await store.insertUser(user)
            let clock = ManualWallClock(WallClock.system.now())
            let endpoints = WebhookEndpoints(store: store, vault: world.backends.vault, wallClock: clock.wallClock,
                                             ids: world.backends.ids, limit: 5, allowLocal: true)
            let (endpoint, secret) = try await endpoints.register(userID: user.id, url: "http://127.0.0.1:\(port)/hook",
                                                                  events: nil)
            let deliverer = WebhookDeliverer(
                store: store, vault: world.backends.vault, wallClock: clock.wallClock, transport: .http(), allowLocal: true,
                resolve: WebhookDestination.resolve, owner: "test", logger: Logger(label: "test"))
            try await store.appendOutbox([OutboxEvent(userID: user.id, type: .claimPaid, data: [("claim_id", .string("c1"))],
                                                      at: clock.now())])
            _ = try await store.dispatchOutbox(limit: 10, at: clock.now())
            for (wait, expectedCount) in [(Duration.zero, 1), (.seconds(4), 1), (.seconds(1), 2), (.seconds(30), 3),
                                          (.seconds(119), 3), (.seconds(1), 4)] {
                clock.advance(by: wait)
                try await deliverer.deliverDue()
                #expect(receiver.received.count == expectedCount, "after \(wait)")
            }
            let received = receiver.received
            #expect(Set(received.compactMap { $0.headers["webhook-id"] }).count == 1, "the same webhook-id on every try")
            let now = clock.now().epochMilliseconds / 1000
            for request in received {
                #expect(StandardWebhooksVerifier.verify(secret: secret, headers: request.headers, body: request.body,
                                                        now: now), "\(request.headers)")
                #expect(request.body.hasPrefix(#"{"type":"claim.paid","timestamp":""#))
            }
            let delivery = try #require(try await store.deliveries(endpointID: endpoint.id, limit: 1).first)
            #expect(delivery.status == .delivered && delivery.attempts == 4 && delivery.lastStatusCode == 200)
            #expect(try await store.webhookEndpoint(id: endpoint.id)?.consecutiveFailures == 0, "a success closes the count")
        }
    }

    /// After the whole schedule (about a day) the delivery is FAILED, visible and retryable; five
    /// failures in a row opened the endpoint's breaker, and the user heard about it on another endpoint.
    @Test func theScheduleEndsInFailedTheBreakerOpensAndTheUserIsTold() async throws {
        let world = try await APIWorld.make()
        let store = world.backends.store
        let user = User.fixture(1)
        try await store.insertUser(user)
        let clock = ManualWallClock()
        let endpoints = WebhookEndpoints(store: store, vault: world.backends.vault, wallClock: clock.wallClock,
                                         ids: world.backends.ids, limit: 5, allowLocal: true)
        let (broken, _) = try await endpoints.register(userID: user.id, url: "http://127.0.0.1:9/broken", events: nil)
        let (other, _) = try await endpoints.register(userID: user.id, url: "http://127.0.0.1:9/other",
                                                      events: ["webhook.circuit_opened"])
        let deliverer = WebhookDeliverer(
            store: store, vault: world.backends.vault, wallClock: clock.wallClock,
            transport: WebhookTransport { request in request.destination.url.path == "/other" ? .status(204) : .status(503) },
            allowLocal: true, resolve: WebhookDestination.resolve, owner: "test", logger: Logger(label: "test"))
        try await store.appendOutbox([OutboxEvent(userID: user.id, type: .withdrawalFailed, data: [], at: clock.now())])
        var elapsed = Duration.zero
        for _ in 0..<200 {
            _ = try await store.dispatchOutbox(limit: 10, at: clock.now())
            try await deliverer.deliverDue()
            clock.advance(by: .seconds(5))
            elapsed += .seconds(5)
            if try await store.deliveries(endpointID: broken.id, limit: 1).first?.status == .failed { break }
            clock.advance(by: .seconds(1800))
            elapsed += .seconds(1800)
        }
        let failed = try #require(try await store.deliveries(endpointID: broken.id, limit: 1).first)
        #expect(failed.status == .failed)
        #expect(failed.attempts == DeliveryPolicy.backoff.count + 1)
        #expect(elapsed > .seconds(80_000) && elapsed < .seconds(2 * 86_400), "about a day: \(elapsed)")
        let told = try await store.deliveries(endpointID: other.id, limit: 10)
        #expect(told.map(\.type) == [.webhookCircuitOpened], "told once, on the other endpoint")
        #expect(told.first?.status == .delivered)
        #expect(try await store.webhookEndpoint(id: broken.id)?.consecutiveFailures == DeliveryPolicy.backoff.count + 1)
        try await endpoints.retry(broken.id.rawValue, deliveryID: String(failed.id), userID: user.id)
        let retried = try #require(try await store.deliveries(endpointID: broken.id, limit: 1).first)
        #expect(retried.status == .pending && retried.webhookID == failed.webhookID)
    }
}

@Suite struct WebhookAPITests {
    /// Registration answers the secret once; no later answer, log line or stored column holds it;
    /// the per-user limit, rotation, the delivery log, test sends, retries and deletion work; and
    /// another user's endpoint is 404 on every route.
    @Test func theWebhookRoutesFromRegistrationToDeletionNeverShowTheSecretAgain() async throws {
        let world = try await APIWorld.make(["WEBHOOK_ENDPOINT_LIMIT": "2"])
        let alice = try await APIWorld.token("dynamic|hook-alice")
        let bob = try await APIWorld.token("dynamic|hook-bob")
        try await world.run { client in
            let bad = try await client.call(.post, "/webhooks", token: alice, json: #"{"url":"http://10.0.0.1/x"}"#)
            #expect(bad.status == 422 && bad.body.contains(#""field":"url""#), "\(bad.body)")
            let unknown = try await client.call(.post, "/webhooks", token: alice,
                                                json: #"{"url":"http://127.0.0.1:9/x","events":["copy.nothing"]}"#)
            #expect(unknown.status == 422 && unknown.body.contains(#""field":"events""#))
            let created = try await client.call(.post, "/webhooks", token: alice,
                                                json: #"{"url":"http://127.0.0.1:9/x","events":["copy.digest","claim.paid"]}"#)
            #expect(created.status == 201, "\(created.body)")
            let secret = try decode(WebhookSecretView.self, created.body)
            #expect(secret.secret.hasPrefix("whsec_"))
            #expect(try await client.call(.post, "/webhooks", token: alice, json: #"{"url":"http://127.0.0.1:9/y"}"#).status == 201)
            #expect(try await client.call(.post, "/webhooks", token: alice, json: #"{"url":"http://127.0.0.1:9/z"}"#).status == 409)

            let listed = try await client.call(.get, "/webhooks", token: alice)
            let list = try decode(WebhookEndpointList.self, listed.body)
            #expect(list.webhooks.count == 2)
            #expect(list.webhooks.first?.events == ["claim.paid", "copy.digest"])
            let id = secret.id
            for (method, path) in [(HTTPRequest.Method.post, "/webhooks/\(id)/test"), (.get, "/webhooks/\(id)/deliveries"),
                                   (.post, "/webhooks/\(id)/rotate-secret"), (.post, "/webhooks/\(id)/deliveries/1/retry"),
                                   (.delete, "/webhooks/\(id)")] {
                let asBob = try await client.call(method, path, token: bob)
                #expect(asBob.status == 404, "\(method) \(path) as another user: \(asBob.body)")
            }
            #expect(try await client.call(.post, "/webhooks/\(id)/test", token: alice).status == 202)
            _ = try await world.backends.store.dispatchOutbox(limit: 10, at: WallClock.system.now())
            let log = try decode(WebhookDeliveryList.self, try await client.call(.get, "/webhooks/\(id)/deliveries", token: alice).body)
            #expect(log.deliveries.map(\.type) == ["webhook.test"])
            #expect(try await client.call(.post, "/webhooks/\(id)/deliveries/\(log.deliveries[0].id)/retry", token: alice).status == 404,
                    "only a FAILED delivery is retried")
            let rotated = try await client.call(.post, "/webhooks/\(id)/rotate-secret", token: alice)
            let newSecret = try decode(WebhookSecretView.self, rotated.body)
            #expect(rotated.status == 200 && newSecret.secret != secret.secret && newSecret.previousSecretValidUntil != nil)

            let everything = [listed.body, try await client.call(.get, "/webhooks", token: alice).body,
                              try await client.call(.get, "/webhooks/\(id)/deliveries", token: alice).body,
                              world.logs.text].joined(separator: "\n")
            for canary in [secret.secret, newSecret.secret] {
                #expect(!everything.contains(canary), "a secret leaked after creation")
                #expect(!everything.contains(String(canary.dropFirst(6))))
            }
            let stored = try #require(try await world.backends.store.webhookEndpoint(id: WebhookEndpointID(id)))
            #expect(!String(decoding: stored.sealedSecret.ciphertext, as: UTF8.self).contains(String(newSecret.secret.dropFirst(6))),
                    "sealed, not plain text")
            #expect(try await client.call(.delete, "/webhooks/\(id)", token: alice).status == 204)
            #expect(try await client.call(.delete, "/webhooks/\(id)", token: alice).status == 404)
        }
    }

    @Test func theDigestIntervalIsPerUser() async throws {
        let world = try await APIWorld.make()
        let alice = try await APIWorld.token("dynamic|digest-alice")
        try await world.run { client in
            let bad = try await client.call(.put, "/notifications/settings", token: alice, json: #"{"digestIntervalSeconds":5}"#)
            #expect(bad.status == 422 && bad.body.contains(#""field":"digestIntervalSeconds""#))
            let set = try await client.call(.put, "/notifications/settings", token: alice, json: #"{"digestIntervalSeconds":300}"#)
            #expect(set.status == 200 && set.body.contains("300"), "\(set.body)")
            let cleared = try await client.call(.put, "/notifications/settings", token: alice, json: #"{"digestIntervalSeconds":null}"#)
            #expect(cleared.status == 200)
        }
    }

    @Test func productionRefusesPlainHTTPAndPrivateDestinationsAtRegistration() async throws {
        let world = try await APIWorld.make(["MIRROR_MODE": "production", "TRADING_KEY_ENCRYPTION_KEY": validKey,
                                             "ADMIN_TOKEN": validToken])
        let alice = try await APIWorld.token("dynamic|hook-prod")
        try await world.run { client in
            for url in ["http://example.com/hook", "https://127.0.0.1/hook", "https://10.1.1.1/hook",
                        "https://169.254.169.254/latest/meta-data/", "https://[::1]/hook"] {
                let answer = try await client.call(.post, "/webhooks", token: alice, json: #"{"url":"\#(url)"}"#)
                #expect(answer.status == 422 && answer.body.contains(#""field":"url""#), "\(url): \(answer.body)")
            }
        }
    }
}

@Suite struct NotificationWorkerTests {
    @Test func aStartingProcessIsNotDegradedButADownDependencyOrAStaleWorkerIs() throws {
        func report(exchangeUp: Bool, lastPing: String, workerUp: Bool) throws -> HealthReport {
            let status = exchangeUp && workerUp ? "ok" : "degraded"
            let json = """
                {"status":"\(status)","checkedAt":"\(Timestamp.fixture)","components":[{"name":"database","up":true},
                {"name":"exchange","up":\(exchangeUp)}],"workers":[{"name":"copy-trading","lastPing":\(lastPing),"up":\(workerUp)}]}
                """
            return try JSONDecoder().decode(HealthReport.self, from: Data(json.utf8))
        }
        #expect(try !NotificationWorker.isDegraded(report(exchangeUp: true, lastPing: "null", workerUp: false)), "starting")
        #expect(try NotificationWorker.isDegraded(report(exchangeUp: true, lastPing: "1", workerUp: false)), "a stale worker")
        #expect(try NotificationWorker.isDegraded(report(exchangeUp: false, lastPing: "null", workerUp: false)))
        #expect(try !NotificationWorker.isDegraded(report(exchangeUp: true, lastPing: "1", workerUp: true)))
    }

    /// A pause through the API reaches the user's endpoint through the worker (outbox → delivery),
    /// signed, once.
    @Test func aPauseThroughTheAPIReachesTheEndpointSigned() async throws {
        let receiver = WebhookReceiver()
        try await receiver.serve { port in
            let world = try await APIWorld.make()
            let alice = try await APIWorld.token("dynamic|worker-alice")
            let leader = try await APITests.leaderAddress(world)
            try await world.run { client in
                let created = try await client.call(.post, "/webhooks", token: alice,
                                                    json: #"{"url":"http://127.0.0.1:\#(port)/hook","events":["follow.paused","follow.resumed"]}"#)
                let secret = try decode(WebhookSecretView.self, created.body).secret
                let profile = try await APITests.follow(client, token: alice, leader: leader)
                #expect(try await client.call(.post, "/copy-profiles/\(profile.id)/pause", token: alice).status == 200)
                let worker = world.backends.notificationWorker(configuration: world.configuration, wallClock: .system,
                                                               logger: Logger(label: "test"))
                try await worker.tick()
                let received = receiver.received
                #expect(received.count == 1)
                let first = try #require(received.first)
                #expect(first.body.contains(#""type":"follow.paused""#) && first.body.contains(#""by":"user""#), "\(first.body)")
                #expect(StandardWebhooksVerifier.verify(secret: secret, headers: first.headers, body: first.body,
                                                        now: WallClock.system.now().epochMilliseconds / 1000))
                try await worker.tick()
                #expect(receiver.received.count == 1, "delivered once")
            }
        }
    }
}

/// A stand-in for the Telegram Bot API on loopback: serves queued updates to getUpdates and
/// answers sendMessage with the scripted statuses (then 200), recording every message.
final class TelegramStandIn: Sendable {
    static let token = "123456789:AAHcanaryTokenSecretPart_0123456789xyz"

    struct Update: Sendable {
        var id: Int64
        var chat: Int64
        var text: String
    }

    private let state = Mutex<(updates: [Update], script: [Int], sent: [(chat: Int64, text: String)], paths: [String])>(
        ([], [], [], []))

    init(answering script: [Int] = []) {
        self.state.withLock { $0.script = script }
    }

    var sent: [(chat: Int64, text: String)] { self.state.withLock { $0.sent } }
    var paths: [String] { self.state.withLock { $0.paths } }

    func queue(updateID: Int64, chat: Int64, text: String) {
        self.state.withLock { $0.updates.append(Update(id: updateID, chat: chat, text: text)) }
    }

    func serve(_ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.post("/:bot/:method") { request, context -> Response in
            let method = try context.parameters.require("method")
            let json = try JSONSerialization.jsonObject(with: Data(try await request.body.collect(upTo: 100_000).readableBytesView))
                as? [String: Any] ?? [:]
            let chat = (json["chat_id"] as? NSNumber)?.int64Value ?? 0
            let text = json["text"] as? String ?? ""
            let path = request.uri.path
            let (status, updates) = self.state.withLock { state -> (Int, [Update]) in
                state.paths.append(path)
                if method == "getUpdates" {
                    defer { state.updates = [] }
                    return (200, state.updates)
                }
                let status = state.script.isEmpty ? 200 : state.script.removeFirst()
                if status == 200 { state.sent.append((chat: chat, text: text)) }
                return (status, [])
            }
            let answer: [String: Any] = if method == "getUpdates" {
                ["ok": true, "result": updates.map { ["update_id": $0.id, "message": ["chat": ["id": $0.chat], "text": $0.text]] }]
            } else if status == 200 {
                ["ok": true, "result": [:] as [String: Any]]
            } else {
                ["ok": false, "error_code": status, "description": "Too Many Requests: retry after 7",
                 "parameters": ["retry_after": 7]]
            }
            return Response(status: .init(code: status), headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: answer))))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(try #require(client.port)) }
    }
}

@Suite struct TelegramTests {
    /// `/start CODE` links the chat; messages reach the stand-in as short plain text with a link
    /// on PUBLIC_BASE_URL; a 429 holds every send until its retry_after; the token is never logged.
    @Test func aCodeLinksTheChatMessagesArriveAndA429IsHonoured() async throws {
        let telegram = TelegramStandIn(answering: [200, 429])
        try await telegram.serve { port in
            let world = try await APIWorld.make([
                "TELEGRAM_BOT_TOKEN": TelegramStandIn.token, "TELEGRAM_API_URL": "http://127.0.0.1:\(port)",
                "PUBLIC_BASE_URL": "https://mirror.example.com",
            ])
            let alice = try await APIWorld.token("dynamic|tg-alice")
            try await world.run { client in
                let me = try decode(MeView.self, try await client.call(.get, "/me", token: alice).body)
                let answer = try await client.call(.post, "/telegram/link", token: alice)
                #expect(answer.status == 201, "\(answer.body)")
                let code = try decode(TelegramLinkCodeView.self, answer.body)
                telegram.queue(updateID: 500, chat: 777, text: "/start \(code.code.lowercased())")
                let poller = try #require(world.backends.telegramPoller(configuration: world.configuration, wallClock: .system,
                                                                        logger: world.logs.logger()))
                #expect(try await poller.tick())
                let link = try #require(try await world.backends.store.telegramLink(userID: UserID(me.id)))
                #expect(link.chatID == 777)
                #expect(telegram.sent.map(\.chat) == [777], "the confirmation")
                telegram.queue(updateID: 501, chat: 999, text: "/start \(code.code)")
                try await poller.tick()
                #expect(try await world.backends.store.telegramLink(userID: UserID(me.id))?.chatID == 777, "a code links once")

                let clock = ManualWallClock(WallClock.system.now())
                let sender = TelegramSender(store: world.backends.store,
                                            client: try #require(world.backends.telegramClient(configuration: world.configuration)),
                                            wallClock: clock.wallClock, owner: "test", logger: world.logs.logger())
                try await world.backends.store.appendOutbox([
                    OutboxEvent(userID: UserID(me.id), type: .claimPaid, data: [("amount", .string("12.5"))], at: clock.now()),
                    OutboxEvent(userID: UserID(me.id), type: .withdrawalFailed, data: [("amount", .string("3"))], at: clock.now()),
                ])
                _ = try await world.backends.store.dispatchOutbox(limit: 10, at: clock.now())
                try await sender.sendDue()
                #expect(telegram.sent.count == 1, "the 429 held the first message and the one behind it")
                clock.advance(by: .seconds(6))
                try await sender.sendDue()
                #expect(telegram.sent.count == 1, "not before retry_after")
                clock.advance(by: .seconds(1))
                try await sender.sendDue()
                #expect(telegram.sent.map(\.text) == [
                    telegram.sent[0].text,
                    "Mirror: Winnings claimed: 12.5 pUSD.\nhttps://mirror.example.com/claims",
                    "Mirror: Withdrawal of 3 pUSD FAILED.\nhttps://mirror.example.com/withdrawals",
                ])
                #expect(telegram.paths.allSatisfy { $0.hasPrefix("/bot\(TelegramStandIn.token)/") })
                #expect(!world.logs.text.contains("AAHcanaryTokenSecretPart"), "the bot token is never logged")

                let shown = try decode(TelegramView.self, try await client.call(.get, "/telegram", token: alice).body)
                #expect(shown.linked && shown.configured && shown.events == nil)
                let patched = try await client.call(.patch, "/telegram", token: alice,
                                                    json: #"{"events":["copy.digest","withdrawal.failed"],"quietStart":"22:00","quietEnd":"07:30"}"#)
                #expect(patched.status == 200, "\(patched.body)")
                let view = try decode(TelegramView.self, patched.body)
                #expect(view.events == ["copy.digest", "withdrawal.failed"] && view.quietStart == "22:00" && view.quietEnd == "07:30")
                let bad = try await client.call(.patch, "/telegram", token: alice, json: #"{"quietStart":"25:00","quietEnd":"07:00"}"#)
                #expect(bad.status == 422 && bad.body.contains(#""field":"quietStart""#))
                #expect(try await client.call(.delete, "/telegram", token: alice).status == 204)
                #expect(try await client.call(.delete, "/telegram", token: alice).status == 404)
            }
        }
    }

    /// With an https PUBLIC_BASE_URL, Telegram pushes to POST /telegram/updates (setWebhook with a
    /// secret token): an update without the token is refused; with it, /start CODE links the chat.
    @Test func setWebhookModeTakesPushedUpdatesOnlyWithTheSecretToken() async throws {
        let telegram = TelegramStandIn()
        try await telegram.serve { port in
            let world = try await APIWorld.make([
                "TELEGRAM_BOT_TOKEN": TelegramStandIn.token, "TELEGRAM_API_URL": "http://127.0.0.1:\(port)",
                "PUBLIC_BASE_URL": "https://mirror.example.com",
            ])
            let settings = try #require(world.configuration.notifications.telegram)
            #expect(settings.usesWebhook && settings.webhookURL == "https://mirror.example.com/telegram/updates")
            #expect(!settings.webhookSecret.contains("AAHcanary") && settings.webhookSecret.count == 64)
            try await world.backends.telegramClient(configuration: world.configuration)?.setWebhook()
            #expect(telegram.paths.last?.hasSuffix("/setWebhook") == true)
            let alice = try await APIWorld.token("dynamic|tg-push")
            try await world.run { client in
                let me = try decode(MeView.self, try await client.call(.get, "/me", token: alice).body)
                let code = try decode(TelegramLinkCodeView.self, try await client.call(.post, "/telegram/link", token: alice).body)
                let update = #"{"update_id":9,"message":{"chat":{"id":4242},"text":"/start \#(code.code)"}}"#
                for secret in [nil, "wrong"] as [String?] {
                    var headers: HTTPFields = [.contentType: "application/json"]
                    if let secret { headers[TelegramSettings.secretHeader] = secret }
                    let status = try await client.execute(uri: "/telegram/updates", method: .post, headers: headers,
                                                          body: ByteBuffer(string: update)) { Int($0.status.code) }
                    #expect(status == 401)
                }
                #expect(try await world.backends.store.telegramLink(userID: UserID(me.id)) == nil)
                let status = try await client.execute(
                    uri: "/telegram/updates", method: .post,
                    headers: [.contentType: "application/json", TelegramSettings.secretHeader: settings.webhookSecret],
                    body: ByteBuffer(string: update)) { Int($0.status.code) }
                #expect(status == 200)
                #expect(try await world.backends.store.telegramLink(userID: UserID(me.id))?.chatID == 4242)
            }
        }
    }

    @Test func quietHoursHoldDigestsOnlyUntilTheyEndOvernightToo() {
        let link = TelegramLink(userID: "user-1", chatID: 1, quietStartMinute: 22 * 60, quietEndMinute: 7 * 60,
                                createdAt: .fixture, updatedAt: .fixture)
        let day: Int64 = 86_400_000
        let midnight = Timestamp(epochMilliseconds: (Timestamp.fixture.epochMilliseconds / day + 1) * day)
        let late = midnight - .seconds(3600)  // 23:00
        #expect(link.heldUntil(.copyDigest, now: late) == midnight + .seconds(7 * 3600))
        #expect(link.heldUntil(.copyDigest, now: midnight + .seconds(3600)) == midnight + .seconds(7 * 3600))
        #expect(link.heldUntil(.copyDigest, now: midnight + .seconds(7 * 3600)) == nil, "quiet hours end at 07:00")
        #expect(link.heldUntil(.copyDigest, now: midnight + .seconds(12 * 3600)) == nil)
        for type in [NotificationType.withdrawalAccepted, .withdrawalFailed, .withdrawalAddressAdded, .followPaused] {
            #expect(link.heldUntil(type, now: late) == nil, "\(type) is never held")
        }
    }

    @Test func withoutABotTokenLinkingIsRefusedAndABadTokenFailsClosed() async throws {
        let world = try await APIWorld.make()
        let alice = try await APIWorld.token("dynamic|tg-off")
        try await world.run { client in
            let refused = try await client.call(.post, "/telegram/link", token: alice)
            #expect(refused.status == 409)
            let shown = try await client.call(.get, "/telegram", token: alice)
            #expect(try decode(TelegramView.self, shown.body).configured == false)
        }
        for (environment, variable) in [
            (["MIRROR_MODE": "local", "TELEGRAM_BOT_TOKEN": "not-a-token"], ConfigVariable.telegramBotToken),
            (["MIRROR_MODE": "production", "TRADING_KEY_ENCRYPTION_KEY": validKey, "ADMIN_TOKEN": validToken,
              "DATABASE_URL": "memory:", "TELEGRAM_BOT_TOKEN": TelegramStandIn.token], .publicBaseURL),
            (["MIRROR_MODE": "production", "TRADING_KEY_ENCRYPTION_KEY": validKey, "ADMIN_TOKEN": validToken,
              "DATABASE_URL": "memory:", "TELEGRAM_BOT_TOKEN": TelegramStandIn.token, "PUBLIC_BASE_URL": "http://mirror.example.com"],
             .publicBaseURL),
        ] {
            do {
                _ = try parseConfiguration(environment)
                Issue.record("accepted \(environment)")
            } catch let error as ConfigurationError {
                #expect(error.variable == variable.rawValue, "\(error)")
                #expect(!error.description.contains("AAHcanary"), "the token is not echoed")
            }
        }
    }
}
