import Foundation
import HTTPTypes
import Hummingbird
import Kernel

/// `POST /webhooks`: where to send and, optionally, which event types (absent: every type).
struct WebhookRequestBody: Decodable {
    var url: String
    var events: [String]?
}

/// An endpoint as listed: never its secret.
struct WebhookEndpointView: Codable, ResponseEncodable {
    var id: String
    var url: String
    /// `nil`: every type.
    var events: [String]?
    /// `closed`, or `open` while deliveries are held back after repeated failures.
    var breaker: String
    var consecutiveFailures: Int
    var breakerOpenUntil: String?
    var previousSecretValidUntil: String?
    var createdAt: String

    init(_ endpoint: WebhookEndpoint, now: Timestamp) {
        self.id = endpoint.id.rawValue
        self.url = endpoint.url
        self.events = endpoint.events.map { $0.map(\.rawValue).sorted() }
        let open = endpoint.breakerOpenUntil.map { $0 > now } ?? false
        self.breaker = open ? "open" : "closed"
        self.consecutiveFailures = endpoint.consecutiveFailures
        self.breakerOpenUntil = open ? endpoint.breakerOpenUntil?.description : nil
        self.previousSecretValidUntil = endpoint.previousSecretUntil.flatMap { $0 > now ? $0.description : nil }
        self.createdAt = endpoint.createdAt.description
    }
}

/// The answer of a registration or rotation: the `whsec_…` secret, shown this once.
struct WebhookSecretView: Codable, ResponseEncodable {
    var id: String
    var secret: String
    var previousSecretValidUntil: String?
}

struct WebhookEndpointList: Codable, ResponseEncodable {
    var webhooks: [WebhookEndpointView]
}

struct WebhookDeliveryView: Codable {
    var id: String
    /// The `webhook-id` header, the same on every retry.
    var webhookId: String
    var type: String
    var status: String
    var attempts: Int
    var nextAttemptAt: String?
    var lastStatusCode: Int?
    var lastError: String?
    var createdAt: String
    var deliveredAt: String?

    init(_ delivery: WebhookDelivery) {
        self.id = String(delivery.id)
        self.webhookId = delivery.webhookID
        self.type = delivery.type.rawValue
        self.status = delivery.status.rawValue
        self.attempts = delivery.attempts
        self.nextAttemptAt = delivery.status == .pending ? delivery.nextAttemptAt.description : nil
        self.lastStatusCode = delivery.lastStatusCode
        self.lastError = delivery.lastError
        self.createdAt = delivery.createdAt.description
        self.deliveredAt = delivery.deliveredAt?.description
    }
}

struct WebhookDeliveryList: Codable, ResponseEncodable {
    var deliveries: [WebhookDeliveryView]
}

extension APIError {
    init(_ failure: WebhookEndpoints.Failure) {
        switch failure {
        case .destination(let refusal): self = .invalid("url", refusal.description)
        case .unknownEventType(let unknown): self = .invalid("events", unknown.description)
        case .noEventTypes: self = .invalid("events", "events must name at least one type, or be left out for every type")
        case .limitReached(let limit):
            self = .conflict("you already have \(limit) webhook endpoints, the most allowed; delete one first")
        case .notFound: self = .notFound("webhook")
        }
    }
}

extension Router where Context == AppRequestContext {
    /// The signed-in user's webhook endpoints (issue #23).
    func addWebhookRoutes(_ webhooks: WebhookEndpoints, authentication: AuthMiddleware) {
        let routes = self.group().add(middleware: authentication)
        @Sendable func mapped<T>(_ body: () async throws -> T) async throws -> T {
            do { return try await body() } catch let failure as WebhookEndpoints.Failure { throw APIError(failure) }
        }
        routes.post("/webhooks") { request, context -> EditedResponse<WebhookSecretView> in
            let user = try context.requireUser()
            let body = try await request.decodeJSON(as: WebhookRequestBody.self, context: context)
            let (endpoint, secret) = try await mapped { try await webhooks.register(userID: user.id, url: body.url, events: body.events) }
            return EditedResponse(status: .created, response: WebhookSecretView(id: endpoint.id.rawValue, secret: secret))
        }
        routes.get("/webhooks") { _, context -> WebhookEndpointList in
            let user = try context.requireUser()
            let now = webhooks.wallClock.now()
            return WebhookEndpointList(webhooks: try await webhooks.list(userID: user.id).map { WebhookEndpointView($0, now: now) })
        }
        routes.delete("/webhooks/:webhookId") { _, context -> HTTPResponse.Status in
            let user = try context.requireUser()
            try await mapped { try await webhooks.delete(try context.parameters.require("webhookId"), userID: user.id) }
            return .noContent
        }
        routes.post("/webhooks/:webhookId/test") { _, context -> HTTPResponse.Status in
            let user = try context.requireUser()
            try await mapped { try await webhooks.sendTest(try context.parameters.require("webhookId"), userID: user.id) }
            return .accepted
        }
        routes.post("/webhooks/:webhookId/rotate-secret") { _, context -> WebhookSecretView in
            let user = try context.requireUser()
            let id = try context.parameters.require("webhookId")
            let rotated = try await mapped { try await webhooks.rotateSecret(id, userID: user.id) }
            return WebhookSecretView(id: id, secret: rotated.secret, previousSecretValidUntil: rotated.previousValidUntil.description)
        }
        routes.get("/webhooks/:webhookId/deliveries") { _, context -> WebhookDeliveryList in
            let user = try context.requireUser()
            let deliveries = try await mapped { try await webhooks.deliveries(try context.parameters.require("webhookId"), userID: user.id) }
            return WebhookDeliveryList(deliveries: deliveries.map(WebhookDeliveryView.init))
        }
        routes.post("/webhooks/:webhookId/deliveries/:deliveryId/retry") { _, context -> HTTPResponse.Status in
            let user = try context.requireUser()
            try await mapped {
                try await webhooks.retry(try context.parameters.require("webhookId"), deliveryID: try context.parameters.require("deliveryId"),
                                         userID: user.id)
            }
            return .accepted
        }
    }
}

/// `GET /telegram`: whether a chat is linked, and what reaches it.
struct TelegramView: Codable, ResponseEncodable {
    var configured: Bool
    var linked: Bool
    /// `nil`: every type.
    var events: [String]?
    /// `HH:MM` UTC; digests are held from `quietStart` until `quietEnd`.
    var quietStart: String?
    var quietEnd: String?

    init(configured: Bool, link: TelegramLink?) {
        self.configured = configured
        self.linked = link != nil
        self.events = link?.events.map { $0.map(\.rawValue).sorted() }
        self.quietStart = link?.quietStartMinute.map(TelegramPreferences.clock)
        self.quietEnd = link?.quietEndMinute.map(TelegramPreferences.clock)
    }
}

/// `POST /telegram/link`: the one-time code to send the bot.
struct TelegramLinkCodeView: Codable, ResponseEncodable {
    var code: String
    /// What to send the bot, exactly.
    var command: String
    var expiresAt: String
}

/// `PATCH /telegram`: the event types (absent: unchanged; `null` is not distinguished, send
/// every type by name) and quiet hours (`HH:MM` UTC both, or both empty to turn them off).
struct TelegramPreferences: Decodable {
    var events: [String]?
    var quietStart: String?
    var quietEnd: String?

    static func clock(_ minute: Int) -> String {
        let hours = minute / 60, minutes = minute % 60
        return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
    }

    /// `HH:MM` → minutes after midnight; `""` → `nil`.
    static func minute(_ text: String, field: String) throws -> Int? {
        if text.isEmpty { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
              (0..<24).contains(hours), (0..<60).contains(minutes)
        else { throw APIError.invalid(field, "\(field) must be HH:MM (UTC, 00:00 to 23:59) or empty") }
        return hours * 60 + minutes
    }

    /// `link` with these preferences applied.
    func applied(to link: TelegramLink, at time: Timestamp) throws -> TelegramLink {
        var link = link
        if let events = self.events {
            guard !events.isEmpty else { throw APIError.invalid("events", "events must name at least one type") }
            do {
                link.events = try WebhookEndpoint.events(fromText: events.joined(separator: " "))
            } catch {
                throw APIError.invalid("events", error.description)
            }
        }
        if self.quietStart != nil || self.quietEnd != nil {
            let start = try Self.minute(self.quietStart ?? "", field: "quietStart")
            let end = try Self.minute(self.quietEnd ?? "", field: "quietEnd")
            guard (start == nil) == (end == nil) else {
                throw APIError.invalid(start == nil ? "quietStart" : "quietEnd", "quietStart and quietEnd go together")
            }
            link.quietStartMinute = start
            link.quietEndMinute = end
        }
        link.updatedAt = time
        return link
    }
}

extension Router where Context == AppRequestContext {
    /// The signed-in user's Telegram link (issue #23). Without `TELEGRAM_BOT_TOKEN` linking is
    /// refused (409): Telegram is off.
    func addTelegramRoutes(store: any Store, linking: TelegramLinking, configured: Bool, wallClock: WallClock,
                           authentication: AuthMiddleware) {
        let routes = self.group().add(middleware: authentication)
        routes.get("/telegram") { _, context -> TelegramView in
            let user = try context.requireUser()
            return TelegramView(configured: configured, link: try await store.telegramLink(userID: user.id))
        }
        routes.post("/telegram/link") { _, context -> EditedResponse<TelegramLinkCodeView> in
            let user = try context.requireUser()
            guard configured else { throw APIError.conflict("Telegram is not configured on this server (TELEGRAM_BOT_TOKEN)") }
            let (code, expiresAt) = try await linking.newCode(for: user.id)
            return EditedResponse(status: .created, response: TelegramLinkCodeView(
                code: code, command: "/start \(code)", expiresAt: expiresAt.description))
        }
        routes.patch("/telegram") { request, context -> TelegramView in
            let user = try context.requireUser()
            let body = try await request.decodeJSON(as: TelegramPreferences.self, context: context)
            guard let link = try await store.telegramLink(userID: user.id) else { throw APIError.notFound("telegram link") }
            let updated = try body.applied(to: link, at: wallClock.now())
            try await store.saveTelegramLink(updated)
            return TelegramView(configured: configured, link: updated)
        }
        routes.delete("/telegram") { _, context -> HTTPResponse.Status in
            let user = try context.requireUser()
            guard try await store.unlinkTelegram(userID: user.id) else { throw APIError.notFound("telegram link") }
            return .noContent
        }
    }
}

/// `PUT /notifications/settings`: how often copy digests come (`null`: the server's default).
struct NotificationSettingsBody: Decodable {
    var digestIntervalSeconds: Int?
}

struct NotificationSettingsView: Codable, ResponseEncodable {
    var digestIntervalSeconds: Int?
}

extension Router where Context == AppRequestContext {
    /// The signed-in user's notification settings (issue #23): the copy digest's interval.
    func addNotificationSettingsRoutes(store: any Store, authentication: AuthMiddleware) {
        self.group().add(middleware: authentication).put("/notifications/settings") { request, context -> NotificationSettingsView in
            let user = try context.requireUser()
            let body = try await request.decodeJSON(as: NotificationSettingsBody.self, context: context)
            if let seconds = body.digestIntervalSeconds, !(10...86_400).contains(seconds) {
                throw APIError.invalid("digestIntervalSeconds", "digestIntervalSeconds must be 10 to 86400, or null for the default")
            }
            try await store.setDigestInterval(userID: user.id, interval: body.digestIntervalSeconds.map { .seconds($0) })
            return NotificationSettingsView(digestIntervalSeconds: body.digestIntervalSeconds)
        }
    }
}

extension TelegramSettings {
    /// The header Telegram carries the webhook's secret token in.
    static let secretHeader = HTTPField.Name("X-Telegram-Bot-Api-Secret-Token")!
}

extension Router where Context == AppRequestContext {
    /// `POST /telegram/updates`: Telegram's pushes (setWebhook mode, an https PUBLIC_BASE_URL),
    /// accepted only with the secret token Mirror gave Telegram (compared in constant time).
    func addTelegramUpdatesRoute(settings: TelegramSettings, linking: TelegramLinking, client: TelegramClient) {
        self.post("/telegram/updates") { request, context -> HTTPResponse.Status in
            guard let presented = request.headers[TelegramSettings.secretHeader],
                  AdminAuthMiddleware.constantTimeEqual(Array(presented.utf8), Array(settings.webhookSecret.utf8))
            else { throw APIError.unauthorized }
            let body = try await request.body.collect(upTo: 1_000_000)
            guard let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any],
                  let update = TelegramClient.update(object)
            else { throw APIError.badRequest(nil, "not a Telegram update") }
            if try await linking.handle(update) != nil, let chat = update.chatID {
                _ = await client.sendMessage(chatID: chat, text: "Mirror: this chat is linked. Unlink it on the web app.")
            }
            return .ok
        }
    }
}
