import Foundation
import Hummingbird
import Kernel

/// What the notification pages need beyond the other pages' dependencies.
struct NotificationPageDependencies: Sendable {
    var webhooks: WebhookEndpoints
    var linking: TelegramLinking
    var telegramConfigured: Bool
}

extension Router where Context == AppRequestContext {
    /// `/app/notifications` (issue #23): webhook endpoints (add, test, rotate, delete, delivery log
    /// and retry) and the Telegram link. Same session and CSRF checks as the other user pages.
    func addNotificationPages(_ web: WebDependencies, _ notifications: NotificationPageDependencies) {
        let pages = self.group("/app/notifications")
            .add(middleware: WebPageMiddleware(dynamicConfigured: web.dynamicEnvironmentID != nil))
            .add(middleware: WebSessionMiddleware(kind: .user, sessions: web.sessions, store: web.api.store, signIn: "/sign-in"))
        let webhooks = notifications.webhooks
        pages.get { request, context in
            try await web.notificationsPage(notifications, request, context)
        }
        pages.post { request, context -> Response in
            let user = try context.requireUser()
            let form = try await FormFields.read(request, context: context)
            let chosen = NotificationType.subscribable.map(\.rawValue).filter { form["event_\($0)"] != nil }
            do {
                let (endpoint, secret) = try await webhooks.register(userID: user.id, url: form.text("url") ?? "",
                                                                     events: chosen.isEmpty ? nil : chosen)
                return try await web.notificationsPage(notifications, request, context, secret: (endpoint.id.rawValue, secret),
                                                       notice: "Endpoint added. Copy its signing secret now: it is shown only once.")
            } catch let failure as WebhookEndpoints.Failure {
                return try await web.notificationsPage(notifications, request, context, form: form, error: APIError(failure))
            }
        }
        pages.post("/:webhookId/test") { _, context -> Response in
            let user = try context.requireUser()
            try await Self.pageFailure { try await webhooks.sendTest(try context.parameters.require("webhookId"), userID: user.id) }
            return WebPage.redirect("/app/notifications/\(try context.parameters.require("webhookId"))?sent=test")
        }
        pages.post("/:webhookId/rotate") { request, context -> Response in
            let user = try context.requireUser()
            let id = try context.parameters.require("webhookId")
            let rotated = try await Self.pageFailure { try await webhooks.rotateSecret(id, userID: user.id) }
            return try await web.notificationsPage(
                notifications, request, context, secret: (id, rotated.secret),
                notice: "New secret made. The old one keeps signing until \(WebPage.time(rotated.previousValidUntil)).")
        }
        pages.post("/:webhookId/delete") { _, context -> Response in
            let user = try context.requireUser()
            try await Self.pageFailure { try await webhooks.delete(try context.parameters.require("webhookId"), userID: user.id) }
            return WebPage.redirect("/app/notifications?sent=deleted")
        }
        pages.get("/:webhookId") { request, context -> Response in
            let user = try context.requireUser()
            let id = try context.parameters.require("webhookId")
            let endpoint = try await Self.pageFailure { try await webhooks.owned(id, userID: user.id) }
            let deliveries = try await webhooks.deliveries(id, userID: user.id)
            var chrome = web.chrome(context, current: "/app/notifications")
            chrome.notice = request.uri.queryParameters.get("sent").flatMap(NotificationPages.notice)
            return WebPage.render(title: "Delivery log", template: "notificationDeliveries", context: [
                "url": endpoint.url, "endpointId": id, "csrf": chrome.csrf,
                "deliveries": deliveries.map { delivery -> [String: Any] in
                    var row: [String: Any] = [
                        "id": String(delivery.id), "webhookId": delivery.webhookID, "type": delivery.type.rawValue,
                        "time": WebPage.time(delivery.createdAt), "status": delivery.status.rawValue,
                        "statusClass": WebPage.statusClass(delivery.status.rawValue), "attempts": delivery.attempts,
                        "failed": delivery.status == .failed,
                    ]
                    if let error = delivery.lastError { row["lastError"] = error }
                    return row
                },
            ], chrome: chrome)
        }
        pages.post("/:webhookId/deliveries/:deliveryId/retry") { _, context -> Response in
            let user = try context.requireUser()
            let id = try context.parameters.require("webhookId")
            try await Self.pageFailure {
                try await webhooks.retry(id, deliveryID: try context.parameters.require("deliveryId"), userID: user.id)
            }
            return WebPage.redirect("/app/notifications/\(id)?sent=retry")
        }
        pages.post("/telegram/link") { request, context -> Response in
            let user = try context.requireUser()
            guard notifications.telegramConfigured else { return WebPage.redirect("/app/notifications") }
            let (code, expiresAt) = try await notifications.linking.newCode(for: user.id)
            return try await web.notificationsPage(
                notifications, request, context, telegramCode: code,
                notice: "Send the bot /start \(code) before \(WebPage.time(expiresAt)) to link your chat.")
        }
        pages.post("/telegram/unlink") { _, context -> Response in
            let user = try context.requireUser()
            _ = try await web.api.store.unlinkTelegram(userID: user.id)
            return WebPage.redirect("/app/notifications?sent=unlinked")
        }
    }

    /// A webhook failure on a page: not found answers 404 like the API.
    fileprivate static func pageFailure<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let failure as WebhookEndpoints.Failure { throw APIError(failure) }
    }
}

enum NotificationPages {
    static func notice(_ sent: String) -> String? {
        switch sent {
        case "test": "Test event queued: it appears below within seconds."
        case "retry": "Delivery queued again, with the same webhook-id."
        case "deleted": "Endpoint deleted."
        case "unlinked": "Telegram chat unlinked."
        default: nil
        }
    }
}

extension WebDependencies {
    func notificationsPage(_ notifications: NotificationPageDependencies, _ request: Request, _ context: AppRequestContext,
                           form: FormFields? = nil, error: APIError? = nil, secret: (id: String, value: String)? = nil,
                           telegramCode: String? = nil, notice: String? = nil) async throws -> Response {
        let user = try context.requireUser()
        let now = self.api.wallClock.now()
        let endpoints = try await notifications.webhooks.list(userID: user.id)
        let link = try await self.api.store.telegramLink(userID: user.id)
        var chrome = self.chrome(context, current: "/app/notifications")
        chrome.notice = notice ?? request.uri.queryParameters.get("sent").flatMap(NotificationPages.notice)
        var page: [String: Any] = [
            "csrf": chrome.csrf,
            "fields": [WebPage.field("webhook-url", name: "url", label: "Endpoint URL", value: form?["url"],
                                     hint: "https, on a public address (local mode: http and 127.0.0.1 too)",
                                     error: error?.field == "url" ? error?.message : nil, required: true)],
            "types": NotificationType.subscribable.map { type -> [String: Any] in
                ["name": "event_\(type.rawValue)", "label": type.rawValue, "checked": form?["event_\(type.rawValue)"] != nil]
            },
            "endpoints": endpoints.map { endpoint -> [String: Any] in
                let open = endpoint.breakerOpenUntil.map { $0 > now } ?? false
                return ["id": endpoint.id.rawValue, "url": endpoint.url,
                        "events": endpoint.events.map { $0.map(\.rawValue).sorted().joined(separator: ", ") } ?? "every event",
                        "breaker": open ? "paused after failures" : "healthy", "breakerClass": open ? "failed" : "confirmed"]
            },
            "telegramConfigured": notifications.telegramConfigured, "telegramLinked": link != nil,
        ]
        if let error, error.field != "url" { page["error"] = error.message }
        if let secret { page["secret"] = ["id": secret.id, "value": secret.value] }
        if let telegramCode { page["telegramCode"] = "/start \(telegramCode)" }
        return WebPage.render(title: "Notifications", template: "notifications", context: page, chrome: chrome,
                              status: error == nil ? .ok : .unprocessableContent)
    }
}

/// The notification pages' templates (registered in ``WebTemplates/sources``).
enum NotificationTemplates {
    static let notifications = """
        <p>Mirror tells you what it did: copy digests, follows paused or stopped, withdrawals,
        address changes, claims and copying health — as signed webhooks and on Telegram.</p>
        {{#secret}}<section class="card"><h2>Signing secret</h2>
        <p>Shown this once. Verify deliveries with any Standard Webhooks library.</p>
        <p><code id="webhook-secret">{{value}}</code></p></section>{{/secret}}
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <section class="card">
        <h2>Webhook endpoints</h2>
        <div class="table-scroll"><table>
        <caption>Your endpoints</caption>
        <thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
        <tbody>{{#endpoints}}<tr class="endpoint"><td><code>{{url}}</code></td><td>{{events}}</td>
        <td><span class="status status-{{breakerClass}}">{{breaker}}</span></td>
        <td><a href="/app/notifications/{{id}}">Delivery log</a>
        <form method="post" action="/app/notifications/{{id}}/test" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">Send test</button></form>
        <form method="post" action="/app/notifications/{{id}}/rotate" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">Rotate secret</button></form>
        <form method="post" action="/app/notifications/{{id}}/delete" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">Delete</button></form></td></tr>{{/endpoints}}
        {{^endpoints}}<tr><td colspan="4">No endpoints yet.</td></tr>{{/endpoints}}</tbody>
        </table></div>
        <h3>Add an endpoint</h3>
        <form method="post" action="/app/notifications" class="stack" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        {{#fields}}{{> field}}{{/fields}}
        <fieldset><legend>Events (none ticked: every event)</legend>
        {{#types}}<label><input type="checkbox" name="{{name}}"{{#checked}} checked{{/checked}}> {{label}}</label> {{/types}}
        </fieldset>
        <button type="submit" class="primary">Add endpoint</button>
        </form>
        </section>
        <section class="card">
        <h2>Telegram</h2>
        {{^telegramConfigured}}<p>Telegram is not set up on this server.</p>{{/telegramConfigured}}
        {{#telegramConfigured}}
        {{#telegramLinked}}<p>A chat is linked.</p>
        <form method="post" action="/app/notifications/telegram/unlink"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">Unlink</button></form>{{/telegramLinked}}
        {{^telegramLinked}}<p>No chat linked.</p>{{/telegramLinked}}
        {{#telegramCode}}<p>Send the bot: <code id="telegram-code">{{telegramCode}}</code></p>{{/telegramCode}}
        <form method="post" action="/app/notifications/telegram/link"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">Get a link code</button></form>
        {{/telegramConfigured}}
        </section>
        """

    static let deliveries = """
        <p>Deliveries to <code>{{url}}</code>, newest first. A failed one can be sent again with the same webhook-id.</p>
        <div class="table-scroll"><table>
        <caption>Delivery log</caption>
        <thead><tr><th scope="col">Created</th><th scope="col">Event</th><th scope="col">webhook-id</th><th scope="col">Status</th><th scope="col">Tries</th></tr></thead>
        <tbody>{{#deliveries}}<tr class="delivery"><td>{{time}}</td><td>{{type}}</td><td><code>{{webhookId}}</code></td>
        <td><span class="status status-{{statusClass}}">{{status}}</span>{{#lastError}} {{lastError}}{{/lastError}}
        {{#failed}}<form method="post" action="/app/notifications/{{endpointId}}/deliveries/{{id}}/retry" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">Retry</button></form>{{/failed}}</td>
        <td>{{attempts}}</td></tr>{{/deliveries}}
        {{^deliveries}}<tr><td colspan="5">No deliveries yet.</td></tr>{{/deliveries}}</tbody>
        </table></div>
        <p><a href="/app/notifications">Back to notifications</a></p>
        """
}
