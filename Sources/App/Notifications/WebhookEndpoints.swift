import Foundation
import Kernel

/// A user's webhook endpoints, for the API and the web pages alike: registration (destination
/// checked, secret made and sealed, the per-user limit checked with the insert), listing,
/// deletion, test sends, secret rotation and the delivery log.
struct WebhookEndpoints: Sendable {
    let store: any Store
    let vault: any KeyVault
    let wallClock: WallClock
    let ids: IDGenerator
    let limit: Int
    /// Local mode: `http` and loopback receivers allowed.
    let allowLocal: Bool
    var resolve: @Sendable (String) -> [String] = WebhookDestination.resolve

    /// How long a rotated-out secret keeps signing beside the new one.
    static let rotationOverlap: Duration = .seconds(86_400)

    enum Failure: Error, Hashable, Sendable {
        case destination(WebhookDestination.Refusal)
        case unknownEventType(UnknownNotificationType)
        case noEventTypes
        case limitReached(Int)
        case notFound
    }

    /// Registers `url` for `events` (`nil`: every type); returns the endpoint and its secret,
    /// which is shown this once.
    func register(userID: UserID, url: String, events: [String]?) async throws -> (WebhookEndpoint, String) {
        let types: Set<NotificationType>?
        if let events {
            guard !events.isEmpty else { throw Failure.noEventTypes }
            do {
                types = try WebhookEndpoint.events(fromText: events.joined(separator: " "))
            } catch {
                throw Failure.unknownEventType(error)
            }
            if types?.contains(.webhookTest) == true { throw Failure.unknownEventType(UnknownNotificationType(name: "webhook.test")) }
        } else {
            types = nil
        }
        let destination: WebhookDestination
        do {
            destination = try WebhookDestination.parse(url, allowLocal: self.allowLocal)
            _ = try destination.resolveAllowed(allowLocal: self.allowLocal, resolve: self.resolve)
        } catch {
            throw Failure.destination(error)
        }
        let id: WebhookEndpointID = self.ids.next()
        let secret = WebhookSignature.newSecret()
        let now = self.wallClock.now()
        let endpoint = WebhookEndpoint(
            id: id, userID: userID, url: destination.url.absoluteString, events: types,
            sealedSecret: try await WebhookSecrets.seal(secret, endpointID: id, userID: userID, vault: self.vault),
            createdAt: now, updatedAt: now)
        guard try await self.store.insertWebhookEndpoint(endpoint, limit: self.limit) else {
            throw Failure.limitReached(self.limit)
        }
        return (endpoint, secret)
    }

    func list(userID: UserID) async throws -> [WebhookEndpoint] {
        try await self.store.webhookEndpoints(userID: userID)
    }

    /// The user's own endpoint, or ``Failure/notFound`` (another user's is not found either).
    func owned(_ id: String, userID: UserID) async throws -> WebhookEndpoint {
        guard let endpoint = try await self.store.webhookEndpoint(id: WebhookEndpointID(id)), endpoint.userID == userID
        else { throw Failure.notFound }
        return endpoint
    }

    func delete(_ id: String, userID: UserID) async throws {
        guard try await self.store.deleteWebhookEndpoint(id: WebhookEndpointID(id), userID: userID) else {
            throw Failure.notFound
        }
    }

    /// Queues a `webhook.test` event for this endpoint only.
    func sendTest(_ id: String, userID: UserID) async throws {
        let endpoint = try await self.owned(id, userID: userID)
        try await self.store.appendOutbox([OutboxEvent(
            userID: userID, type: .webhookTest, data: [("endpoint_id", .string(endpoint.id.rawValue))],
            at: self.wallClock.now(), target: .only(endpoint.id))])
    }

    /// A new secret (shown this once); the old one keeps signing for 24 hours.
    func rotateSecret(_ id: String, userID: UserID) async throws -> (secret: String, previousValidUntil: Timestamp) {
        let endpoint = try await self.owned(id, userID: userID)
        let secret = WebhookSignature.newSecret()
        let now = self.wallClock.now()
        let until = now + Self.rotationOverlap
        let sealed = try await WebhookSecrets.seal(secret, endpointID: endpoint.id, userID: userID, vault: self.vault)
        guard try await self.store.rotateWebhookSecret(id: endpoint.id, userID: userID, sealed: sealed,
                                                       previous: endpoint.sealedSecret, previousUntil: until, at: now)
        else { throw Failure.notFound }
        return (secret, until)
    }

    func deliveries(_ id: String, userID: UserID, limit: Int = 100) async throws -> [WebhookDelivery] {
        let endpoint = try await self.owned(id, userID: userID)
        return try await self.store.deliveries(endpointID: endpoint.id, limit: limit)
    }

    /// Sends a FAILED delivery again (same webhook id), now.
    func retry(_ id: String, deliveryID: String, userID: UserID) async throws {
        let endpoint = try await self.owned(id, userID: userID)
        guard let number = Int64(deliveryID),
              try await self.store.retryDelivery(id: number, endpointID: endpoint.id, at: self.wallClock.now())
        else { throw Failure.notFound }
    }
}
