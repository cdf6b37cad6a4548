import AsyncHTTPClient
import Foundation
import Kernel
import Logging
import Metrics
import NIOCore
import NIOHTTP1

/// One signed webhook request, ready to go to one checked address.
struct WebhookRequest: Sendable {
    var destination: WebhookDestination
    /// The numeric address the connection must go to: the one that was checked.
    var connectTo: String
    var headers: [(String, String)]
    var body: String
}

/// What came back: a status code, or why nothing did (a transport failure's kind, never a secret).
enum WebhookResponse: Hashable, Sendable {
    case status(Int)
    case transportFailure(String)
}

/// Sends webhook requests. The production one connects to exactly the checked address (the
/// host name keeps naming the TLS certificate to verify), follows no redirects, and bounds the
/// whole call.
struct WebhookTransport: Sendable {
    let send: @Sendable (WebhookRequest) async -> WebhookResponse

    static func http(timeout: Duration = .seconds(10)) -> WebhookTransport {
        WebhookTransport { request in
            var configuration = HTTPClient.Configuration()
            configuration.redirectConfiguration = .disallow
            configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
            // The checked address, not a second lookup that could answer differently (DNS rebinding).
            configuration.dnsOverride = [request.destination.host: request.connectTo]
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            var http = HTTPClientRequest(url: request.destination.url.absoluteString)
            http.method = .POST
            for (name, value) in request.headers { http.headers.add(name: name, value: value) }
            http.body = .bytes(ByteBuffer(string: request.body))
            do {
                let response = try await client.execute(http, timeout: .seconds(timeout.components.seconds))
                // Drain at most 64 KiB: the status is the answer; a huge body must not hold us.
                _ = try? await response.body.collect(upTo: 65_536)
                try? await client.shutdown()
                return .status(Int(response.status.code))
            } catch {
                try? await client.shutdown()
                return .transportFailure(Self.kind(of: error))
            }
        }
    }

    /// A short, secret-free name for a transport error.
    static func kind(of error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timeout"
            default: return "connection failed (\(String(describing: error).prefix(80)))"
            }
        }
        return "connection failed (\(type(of: error)))"
    }
}

/// Delivers due webhook deliveries: claims them, signs each with the endpoint's secret (and the
/// rotated-out one while it still signs), checks the destination again against the address it
/// connects to, sends, and records the outcome with the retry schedule and the endpoint's breaker.
struct WebhookDeliverer: Sendable {
    let store: any Store
    let vault: any KeyVault
    let wallClock: WallClock
    let transport: WebhookTransport
    /// Local mode: `http` and loopback destinations allowed.
    let allowLocal: Bool
    let resolve: @Sendable (String) -> [String]
    let owner: String
    let logger: Logger
    var batch: Int = 20
    var leaseDuration: Duration = .seconds(60)

    /// Claims and delivers what is due now; returns how many were tried.
    @discardableResult
    func deliverDue() async throws -> Int {
        let claimed = try await self.store.claimDeliveries(owner: self.owner, now: self.wallClock.now(),
                                                           leaseDuration: self.leaseDuration, limit: self.batch)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for delivery in claimed { group.addTask { try await self.deliver(delivery) } }
            try await group.waitForAll()
        }
        return claimed.count
    }

    private func deliver(_ delivery: WebhookDelivery) async throws {
        guard let endpoint = try await self.store.webhookEndpoint(id: delivery.endpointID) else { return }
        let response: WebhookResponse
        do {
            let request = try await self.request(for: delivery, to: endpoint)
            response = await self.transport.send(request)
        } catch let refusal as WebhookDestination.Refusal {
            response = .transportFailure("refused: \(refusal)")
        } catch let error as KeyVaultError {
            // A secret that no longer opens (sealed under a dropped master key): a failed try, not a stuck lease.
            response = .transportFailure("cannot sign: \(error)")
        }
        let now = self.wallClock.now()
        var finished = delivery
        finished.attempts += 1
        finished.updatedAt = now
        let success: Bool
        switch response {
        case .status(let code):
            finished.lastStatusCode = code
            success = (200..<300).contains(code)
            finished.lastError = success ? nil : "HTTP \(code)"
        case .transportFailure(let reason):
            finished.lastStatusCode = nil
            finished.lastError = reason
            success = false
        }
        let outcome: String
        if success {
            finished.status = .delivered
            finished.deliveredAt = now
            outcome = "delivered"
        } else if let retryAt = DeliveryPolicy.retryAt(afterAttempts: finished.attempts, now: now) {
            finished.nextAttemptAt = retryAt
            outcome = "retry"
        } else {
            finished.status = .failed
            outcome = "failed"
        }
        guard try await self.store.finishDelivery(finished, owner: self.owner) else { return }
        Counter(label: "mirror_webhook_deliveries_total", dimensions: [("outcome", outcome)]).increment()
        if !success {
            self.logger.warning("webhook delivery failed", metadata: [
                "webhook.delivery": "\(delivery.webhookID)", "webhook.endpoint": "\(endpoint.id.rawValue)",
                "webhook.attempts": "\(finished.attempts)", "webhook.outcome": "\(outcome)",
                "webhook.error": "\(finished.lastError ?? "")",
            ])
        }
        try await self.recordBreaker(endpoint, success: success, at: now)
    }

    private func recordBreaker(_ endpoint: WebhookEndpoint, success: Bool, at now: Timestamp) async throws {
        guard !(success && endpoint.consecutiveFailures == 0) else { return }
        let next = DeliveryPolicy.endpointAfter(success: success, consecutiveFailures: endpoint.consecutiveFailures, now: now)
        let opened = next.opened ? OutboxEvent(userID: endpoint.userID, type: .webhookCircuitOpened, data: [
            ("endpoint_id", .string(endpoint.id.rawValue)), ("url", .string(endpoint.url)),
            ("consecutive_failures", .integer(Int64(next.consecutiveFailures))),
            ("paused_until", .optional(next.breakerOpenUntil?.description)),
        ], at: now, target: .allBut(endpoint.id)) : nil
        try await self.store.recordEndpointHealth(id: endpoint.id, consecutiveFailures: next.consecutiveFailures,
                                                  breakerOpenUntil: next.breakerOpenUntil, opened: opened, at: now)
    }

    /// The signed request, its destination checked against the address it will connect to.
    func request(for delivery: WebhookDelivery, to endpoint: WebhookEndpoint) async throws -> WebhookRequest {
        let destination = try WebhookDestination.parse(endpoint.url, allowLocal: self.allowLocal)
        let address = try destination.resolveAllowed(allowLocal: self.allowLocal, resolve: self.resolve)
        let now = self.wallClock.now()
        let keys = try await WebhookSecrets.signingKeys(of: endpoint, vault: self.vault, at: now)
        let timestamp = now.epochMilliseconds / 1000
        return WebhookRequest(destination: destination, connectTo: address, headers: [
            ("content-type", "application/json"),
            ("user-agent", "Mirror-Webhooks/1"),
            ("webhook-id", delivery.webhookID),
            ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", WebhookSignature.header(id: delivery.webhookID, timestamp: timestamp,
                                                          body: delivery.payload, keys: keys)),
        ], body: delivery.payload)
    }
}

/// Sealing and opening endpoint secrets: sealed like every other secret, bound to their row.
enum WebhookSecrets {
    static func seal(_ secret: String, endpointID: WebhookEndpointID, userID: UserID, vault: any KeyVault) async throws
        -> SealedSecret {
        try await vault.seal(Array(secret.utf8), binding: WebhookEndpoint.secretBinding(userID: userID, endpointID: endpointID))
    }

    static func open(_ sealed: SealedSecret, of endpoint: WebhookEndpoint, vault: any KeyVault) async throws -> [UInt8] {
        let text = try await vault.open(sealed, binding: WebhookEndpoint.secretBinding(userID: endpoint.userID,
                                                                                     endpointID: endpoint.id))
        guard let key = WebhookSignature.keyBytes(of: String(decoding: text, as: UTF8.self)) else {
            throw KeyVaultError.cannotOpen(WebhookEndpoint.secretBinding(userID: endpoint.userID, endpointID: endpoint.id))
        }
        return key
    }

    /// The keys that sign now: the current secret, and the rotated-out one until its deadline.
    static func signingKeys(of endpoint: WebhookEndpoint, vault: any KeyVault, at now: Timestamp) async throws -> [[UInt8]] {
        var keys = [try await Self.open(endpoint.sealedSecret, of: endpoint, vault: vault)]
        if let previous = endpoint.previousSealedSecret, let until = endpoint.previousSecretUntil, now < until {
            keys.append(try await Self.open(previous, of: endpoint, vault: vault))
        }
        return keys
    }
}

extension WebhookSecrets {
    /// `mirror keys rotate`'s part for webhook secrets: every endpoint sealed under another master
    /// key is resealed under the current one, by compare-and-set (a user's rotation meanwhile
    /// wins). Returns how many endpoints it resealed.
    static func resealAll(store: any Store, vault: any KeyVault, batchSize: Int = 100) async throws -> Int {
        let target = vault.currentKeyVersion
        var resealed = 0
        while true {
            let batch = try await store.webhookEndpoints(sealedUnderOtherThan: target, limit: batchSize)
            var progressed = false
            for endpoint in batch {
                let binding = WebhookEndpoint.secretBinding(userID: endpoint.userID, endpointID: endpoint.id)
                let sealed = endpoint.sealedSecret.keyVersion == target ? endpoint.sealedSecret
                    : try await vault.reseal(endpoint.sealedSecret, binding: binding)
                let previous = try await endpoint.previousSealedSecret.asyncMap { old in
                    old.keyVersion == target ? old : try await vault.reseal(old, binding: binding)
                }
                if try await store.resealWebhookSecrets(id: endpoint.id, expected: endpoint.sealedSecret, sealed: sealed,
                                                        previous: previous) {
                    resealed += 1
                    progressed = true
                }
            }
            if !progressed { return resealed }
        }
    }
}
