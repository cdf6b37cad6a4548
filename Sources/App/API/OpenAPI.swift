import Foundation
import Hummingbird
import Kernel

/// One documented operation: the single list the OpenAPI document is written from, and which a
/// test holds against the router both ways.
struct DocumentedRoute: Hashable, Sendable {
    var method: String
    /// OpenAPI form: `/copy-profiles/{id}`.
    var path: String
    var summary: String
    /// Every status this operation can answer with, and why.
    var responses: [Int: String]
    var requiresAuth: Bool = true
    var requestBody: String?
    var queryParameters: [String] = []
    /// Behind `ADMIN_TOKEN` rather than a user's sign-in.
    var admin: Bool = false

    /// Whether the path names an object (`{id}`): such a route must answer 404 for another user's.
    /// The route acts on one of the user's objects by id (each such route has an ownership test).
    var takesObjectID: Bool { self.pathParameters.contains("id") }
    /// The path's `{name}` segments, each a required path parameter.
    var pathParameters: [String] {
        self.path.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }
}

enum APIDocument {
    /// A parameter's schema as the routes validate it, so a client (or a fuzzer) learns the
    /// accepted values from the document instead of from 400s.
    static func parameterSchema(_ name: String, of route: DocumentedRoute) -> [String: Any] {
        func values<T: RawRepresentable & CaseIterable>(_: T.Type) -> [String: Any] where T.RawValue == String {
            ["type": "string", "enum": T.allCases.map(\.rawValue)]
        }
        return switch name {
        case "address": ["type": "string", "pattern": "^0x[0-9a-fA-F]{40}$"]
        case "limit": ["type": "integer", "minimum": 1, "maximum": route.admin ? 500 : 200]
        case "days": ["type": "string", "enum": ["7", "30", "all"]]
        case "status" where route.path == "/copy-attempts": values(CopyAttempt.Status.self)
        case "kind" where route.path == "/copy-attempts": values(CopyAttempt.Kind.self)
        default: ["type": "string"]
        }
    }

    static let unauthorized = "no valid bearer token"
    static let internalError = "an unexpected failure (details in the server log only)"

    static func routes(mode: MirrorConfiguration.Mode) -> [DocumentedRoute] {
        var routes: [DocumentedRoute] = [
            DocumentedRoute(method: "GET", path: "/health", summary: "Liveness", responses: [200: "alive"], requiresAuth: false),
            DocumentedRoute(method: "GET", path: "/ready", summary: "Readiness: the database and the cache answer",
                            responses: [200: "ready", 503: "the database or the cache does not answer (named)"],
                            requiresAuth: false),
            DocumentedRoute(method: "GET", path: "/metrics", summary: "Prometheus text exposition of Mirror's metrics",
                            responses: [200: "the metrics", 401: "METRICS_TOKEN is set and was not presented as a bearer token",
                                        404: "production mode without METRICS_TOKEN: metrics are off"],
                            requiresAuth: false),
            DocumentedRoute(method: "GET", path: "/openapi.json", summary: "This document", responses: [200: "the document"],
                            requiresAuth: false),
            DocumentedRoute(method: "GET", path: "/me", summary: "The signed-in user",
                            responses: [200: "the user", 401: unauthorized, 500: internalError]),
            DocumentedRoute(method: "PATCH", path: "/me",
                            summary: "Account settings: maxEventExposure caps all your live follows together per event (decimal USD, null clears); audited",
                            responses: [200: "the user", 400: "body is not JSON of this shape (field named)", 401: unauthorized,
                                        422: "maxEventExposure not a non-negative decimal of at most 6 places (field named)",
                                        500: internalError],
                            requestBody: "MeSettings"),
            DocumentedRoute(method: "GET", path: "/wallet",
                            summary: "The user's trading wallet: addresses, balance, onboarding state (advances onboarding)",
                            responses: [200: "the wallet", 401: unauthorized, 500: internalError]),
            DocumentedRoute(method: "POST", path: "/leaders",
                            summary: "Put a leader on your list by address, with your own private label",
                            responses: [200: "already on your list: the leader", 201: "added to your list",
                                        400: "body is not JSON of this shape (field named)", 401: unauthorized,
                                        422: "invalid address or label, or MAX_LEADERS_PER_USER reached (field named)",
                                        500: internalError],
                            requestBody: "AddLeader"),
            DocumentedRoute(method: "GET", path: "/leaders",
                            summary: "The leaders you watch or follow (local mode: every leader), with your labels and recent fills, a page at a time",
                            responses: [200: "a page", 400: "limit or cursor unreadable (parameter named)", 401: unauthorized,
                                        500: internalError],
                            queryParameters: ["limit", "cursor"]),
            DocumentedRoute(method: "POST", path: "/copy-profiles", summary: "Follow a leader with a preset",
                            responses: [201: "created", 400: "body is not JSON of this shape (field named)",
                                        401: unauthorized, 422: "unknown leader, preset or invalid setting (field named)",
                                        500: internalError],
                            requestBody: "CreateProfile"),
            DocumentedRoute(method: "GET", path: "/copy-profiles", summary: "The user's copy profiles",
                            responses: [200: "the profiles", 401: unauthorized, 500: internalError]),
            DocumentedRoute(method: "GET", path: "/copy-profiles/{id}", summary: "One copy profile",
                            responses: [200: "the profile", 401: unauthorized, 404: "no such profile of this user",
                                        500: internalError]),
            DocumentedRoute(method: "PATCH", path: "/copy-profiles/{id}", summary: "Edit mode, sizing, limits, stop behaviour",
                            responses: [200: "the edited profile", 400: "body is not JSON of this shape (field named)",
                                        401: unauthorized, 404: "no such profile of this user",
                                        422: "invalid setting (field named)", 500: internalError],
                            requestBody: "ProfileSettings"),
        ]
        for (name, summary) in [("pause", "Pause (USER_PAUSED)"), ("resume", "Resume (ENABLED)"),
                                ("exit-only", "Mirror exits only (EXIT_ONLY)")] {
            routes.append(DocumentedRoute(
                method: "POST", path: "/copy-profiles/{id}/\(name)", summary: summary,
                responses: [200: "the profile", 401: unauthorized, 404: "no such profile of this user",
                            409: "not allowed from the current status", 500: internalError]))
        }
        routes += [
            DocumentedRoute(method: "POST", path: "/me/pause-copying",
                            summary: "The user's kill switch: every follow not STOPPED to USER_PAUSED (an operator's resume-all leaves it); audited",
                            responses: [200: "the profiles after the change", 401: unauthorized, 409: "a profile kept changing",
                                        500: internalError]),
            DocumentedRoute(method: "POST", path: "/copy-profiles/{id}/stop",
                            summary: "Stop following; SELL closes positions now, HOLD keeps them to resolution",
                            responses: [200: "the stopped profile", 400: "body is not JSON of this shape (field named)",
                                        401: unauthorized, 404: "no such profile of this user",
                                        409: "the profile kept changing", 422: "behavior missing or not SELL/HOLD",
                                        500: internalError],
                            requestBody: "Stop"),
            DocumentedRoute(method: "GET", path: "/copy-profiles/{id}/positions",
                            summary: "Positions with realized and unrealized (at the mid) PnL",
                            responses: [200: "the positions", 401: unauthorized, 404: "no such profile of this user",
                                        500: internalError]),
            DocumentedRoute(method: "GET", path: "/copy-profiles/{id}/quality",
                            summary: "Copy quality: ideal vs actual result, drag by cause (slippage, timing, sizing, skips, fees), skips by reason with their value",
                            responses: [200: "the quality", 400: "days is not 7, 30 or all", 401: unauthorized,
                                        404: "no such profile of this user", 500: internalError],
                            queryParameters: ["days"]),
            DocumentedRoute(method: "POST", path: "/copy-profiles/{id}/twins",
                            summary: "A paper twin of a follow with some settings changed (PAPER, never sends, sized after the live followers; at most 3)",
                            responses: [201: "the twin", 400: "body is not JSON of this shape (field named)", 401: unauthorized,
                                        404: "no such profile of this user",
                                        409: "the follow is a twin or stopped, or has 3 twins already",
                                        422: "invalid setting, or mode LIVE (field named)", 500: internalError],
                            requestBody: "ProfileSettings"),
            DocumentedRoute(method: "GET", path: "/leaders/{address}/quality",
                            summary: "Copy quality across all of the user's follows of one leader",
                            responses: [200: "the quality", 400: "days is not 7, 30 or all, or the address is not one",
                                        401: unauthorized, 404: "unknown leader, or the user follows it with no profile",
                                        500: internalError],
                            queryParameters: ["days"]),
            DocumentedRoute(method: "GET", path: "/copy-attempts",
                            summary: "Copy attempts, newest first, with skip reasons, latency and slippage",
                            responses: [200: "a page", 400: "limit or cursor unreadable (parameter named)",
                                        401: unauthorized, 422: "unknown status or kind (parameter named)",
                                        500: internalError],
                            queryParameters: ["profileId", "status", "kind", "limit", "cursor"]),
        ]
        let adminUnauthorized = "no bearer token, or not the ADMIN_TOKEN"
        routes += [
            DocumentedRoute(method: "POST", path: "/withdrawals",
                            summary: "Withdraw collateral (balance checked; the same idempotencyKey is the same withdrawal)",
                            responses: [200: "seen before: the withdrawal as it is", 201: "requested",
                                        400: "body is not JSON of this shape (field named)", 401: unauthorized,
                                        409: "wallet not ready, or the key was used for another withdrawal",
                                        422: "invalid amount, destination or key, or more than the balance (field named)",
                                        500: internalError],
                            requestBody: "Withdrawal"),
            DocumentedRoute(method: "GET", path: "/withdrawals", summary: "The user's withdrawals, newest first, FAILED ones included",
                            responses: [200: "the withdrawals", 401: unauthorized, 500: internalError]),
            DocumentedRoute(method: "GET", path: "/withdrawal-addresses",
                            summary: "The user's withdrawal address book, with when each address becomes usable",
                            responses: [200: "the addresses", 401: unauthorized, 500: internalError]),
            DocumentedRoute(method: "POST", path: "/withdrawal-addresses",
                            summary: "Add a withdrawal address (needs a sign-in from the last 10 minutes; usable after WITHDRAWAL_ADDRESS_DELAY); audited",
                            responses: [201: "added (or already there): the address", 400: "body is not JSON of this shape (field named)",
                                        401: unauthorized, 403: "the sign-in is older than 10 minutes",
                                        422: "invalid address or label (field named)", 500: internalError],
                            requestBody: "WithdrawalAddress"),
            DocumentedRoute(method: "DELETE", path: "/withdrawal-addresses/{address}",
                            summary: "Remove a withdrawal address; audited",
                            responses: [204: "removed", 401: unauthorized, 404: "not in the address book",
                                        422: "invalid address", 500: internalError]),
            DocumentedRoute(method: "POST", path: "/webhooks",
                            summary: "Register a webhook endpoint (Standard Webhooks signed); the whsec_ secret is shown only in this answer",
                            responses: [201: "registered: its id and secret", 400: "body is not JSON of this shape (field named)",
                                        401: unauthorized, 409: "WEBHOOK_ENDPOINT_LIMIT reached",
                                        422: "url refused (not https in production, or a private, loopback, link-local or metadata address) or an unknown event type (field named)",
                                        500: internalError],
                            requestBody: "Webhook"),
            DocumentedRoute(method: "GET", path: "/webhooks", summary: "Your webhook endpoints (never their secrets), with their breaker state",
                            responses: [200: "the endpoints", 401: unauthorized, 500: internalError]),
            DocumentedRoute(method: "DELETE", path: "/webhooks/{webhookId}", summary: "Delete a webhook endpoint and its delivery log",
                            responses: [204: "deleted", 401: unauthorized, 404: "no such endpoint of yours", 500: internalError]),
            DocumentedRoute(method: "POST", path: "/webhooks/{webhookId}/test", summary: "Send a webhook.test event to this endpoint",
                            responses: [202: "queued", 401: unauthorized, 404: "no such endpoint of yours", 500: internalError]),
            DocumentedRoute(method: "POST", path: "/webhooks/{webhookId}/rotate-secret",
                            summary: "A new secret (shown once); the old one keeps signing beside it for 24 hours",
                            responses: [200: "the new secret", 401: unauthorized, 404: "no such endpoint of yours", 500: internalError]),
            DocumentedRoute(method: "GET", path: "/webhooks/{webhookId}/deliveries",
                            summary: "The endpoint's delivery log, newest first: status, attempts, last status code or error",
                            responses: [200: "the deliveries", 401: unauthorized, 404: "no such endpoint of yours", 500: internalError]),
            DocumentedRoute(method: "POST", path: "/webhooks/{webhookId}/deliveries/{deliveryId}/retry",
                            summary: "Send a FAILED delivery again, with the same webhook-id",
                            responses: [202: "queued", 401: unauthorized, 404: "no such FAILED delivery of this endpoint of yours",
                                        500: internalError]),
            DocumentedRoute(method: "PUT", path: "/notifications/settings",
                            summary: "How often copy digests come: digestIntervalSeconds 10-86400, or null for NOTIFY_DIGEST_INTERVAL_S",
                            responses: [200: "the settings", 400: "body is not JSON of this shape (field named)", 401: unauthorized,
                                        422: "digestIntervalSeconds out of range (field named)", 500: internalError],
                            requestBody: "NotificationSettings"),
            DocumentedRoute(method: "GET", path: "/telegram",
                            summary: "Your Telegram link: whether a chat is linked, the event types it gets, quiet hours",
                            responses: [200: "the link", 401: unauthorized, 500: internalError]),
            DocumentedRoute(method: "POST", path: "/telegram/link",
                            summary: "A one-time code (15 minutes) to send the bot as /start CODE, which links that chat",
                            responses: [201: "the code", 401: unauthorized, 409: "Telegram is not configured (TELEGRAM_BOT_TOKEN)",
                                        500: internalError]),
            DocumentedRoute(method: "PATCH", path: "/telegram",
                            summary: "The event types sent to Telegram and quiet hours (HH:MM UTC; digests held, money and address events never)",
                            responses: [200: "the link", 400: "body is not JSON of this shape (field named)", 401: unauthorized,
                                        404: "no chat linked", 422: "an unknown event type or a bad time (field named)",
                                        500: internalError],
                            requestBody: "TelegramPreferences"),
            DocumentedRoute(method: "DELETE", path: "/telegram", summary: "Unlink your Telegram chat; unsent messages are dropped",
                            responses: [204: "unlinked", 401: unauthorized, 404: "no chat linked", 500: internalError]),
            DocumentedRoute(method: "GET", path: "/claims",
                            summary: "Winnings of resolved markets claimed by auto-claim, newest first, with their relayer status",
                            responses: [200: "the claims", 401: unauthorized, 500: internalError]),
            DocumentedRoute(method: "GET", path: "/system/status",
                            summary: "Workers' heartbeats (down after 2 minutes), circuit breakers, the last health check",
                            responses: [200: "the status", 500: internalError], requiresAuth: false),
            DocumentedRoute(method: "POST", path: "/admin/pause-all", summary: "Every ENABLED profile to PAUSED (USER_PAUSED untouched); audited",
                            responses: [200: "how many changed", 401: adminUnauthorized, 500: internalError], admin: true),
            DocumentedRoute(method: "POST", path: "/admin/resume-all", summary: "Every PAUSED profile to ENABLED; audited",
                            responses: [200: "how many changed", 401: adminUnauthorized, 500: internalError], admin: true),
            DocumentedRoute(method: "POST", path: "/admin/retry-relayer",
                            summary: "A FAILED relayer transaction back to PENDING (same row and idempotency key); audited",
                            responses: [200: "the transaction", 400: "body is not JSON of this shape (field named)",
                                        401: adminUnauthorized, 404: "no such transaction",
                                        409: "the transaction is not FAILED", 422: "txId too long or empty",
                                        500: internalError],
                            requestBody: "RetryRelayer", admin: true),
            DocumentedRoute(method: "POST", path: "/admin/reconcile",
                            summary: "Orders stuck in SUBMITTED/UNKNOWN and relayer transactions in flight, checked at the venue; audited",
                            responses: [200: "what changed", 401: adminUnauthorized, 500: internalError], admin: true),
            DocumentedRoute(method: "GET", path: "/admin/audit-logs", summary: "The audit trail, newest first",
                            responses: [200: "the entries", 400: "limit unreadable (parameter named)", 401: adminUnauthorized,
                                        500: internalError],
                            queryParameters: ["limit"], admin: true),
        ]
        if mode == .local {
            routes.append(DocumentedRoute(
                method: "POST", path: "/auth/dev-sign-in", summary: "Local mode only: a token for a local user",
                responses: [200: "a bearer token", 400: "body is not JSON of this shape (field named)",
                            422: "invalid name (field named)", 500: internalError],
                requiresAuth: false, requestBody: "DevSignIn"))
        }
        // Answers every such route can give, whatever it does (RequestLimits.swift): bodies over
        // the size limit, and a signed-in user's writes over USER_WRITE_RATE_LIMIT.
        return routes.map { route in
            var route = route
            if route.requestBody != nil { route.responses[413] = "request body over 256 KiB" }
            if route.requiresAuth, !route.admin, ["POST", "PUT", "PATCH", "DELETE"].contains(route.method) {
                route.responses[429] = "more than USER_WRITE_RATE_LIMIT write requests in a minute (Retry-After says when to retry)"
            }
            return route
        }
    }

    /// The OpenAPI 3.1 document, as JSON bytes with sorted keys.
    static func json(mode: MirrorConfiguration.Mode) throws -> Data {
        var paths: [String: [String: Any]] = [:]
        for route in self.routes(mode: mode) {
            var operation: [String: Any] = [
                "summary": route.summary,
                "operationId": route.method.lowercased() + route.path.split(separator: "/").map {
                    $0.replacingOccurrences(of: "{id}", with: "ById").replacingOccurrences(of: "-", with: "")
                        .replacingOccurrences(of: ".", with: "")
                }.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
                "responses": Dictionary(uniqueKeysWithValues: route.responses.map { status, why in
                    (String(status), [
                        "description": why,
                        "content": ["application/json": ["schema": ["$ref": status < 400 ? "#/components/schemas/Object" : "#/components/schemas/Error"]]],
                    ] as [String: Any])
                }),
            ]
            var parameters: [[String: Any]] = []
            for name in route.pathParameters {
                parameters.append(["name": name, "in": "path", "required": true, "schema": Self.parameterSchema(name, of: route)])
            }
            for name in route.queryParameters {
                parameters.append(["name": name, "in": "query", "required": false, "schema": Self.parameterSchema(name, of: route)])
            }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if let body = route.requestBody {
                operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(body)"]]]]
            }
            operation["security"] = route.admin ? [["adminToken": [String]()]]
                : route.requiresAuth ? [["bearer": [String]()]] : [[String: [String]]]()
            paths[route.path, default: [:]][route.method.lowercased()] = operation
        }
        let string = ["type": "string"]
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": "Mirror API", "version": "1", "description": "Copy trading on Polymarket. Money, prices and shares are decimal strings."],
            "paths": paths,
            "components": [
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT (Dynamic.xyz, RS256)"],
                    "adminToken": ["type": "http", "scheme": "bearer", "description": "the ADMIN_TOKEN"],
                ],
                "schemas": [
                    "Object": ["type": "object"],
                    "Error": ["type": "object", "required": ["error"], "properties": ["error": [
                        "type": "object", "required": ["message"],
                        "properties": ["message": string, "field": string],
                    ]]],
                    "AddLeader": ["type": "object", "required": ["address"], "properties": ["address": string, "label": string]],
                    "CreateProfile": ["type": "object", "properties": [
                        "leaderId": string, "leaderAddress": string,
                        "preset": ["type": "string", "enum": ProfilePreset.allCases.map(\.rawValue)],
                        "settings": ["$ref": "#/components/schemas/ProfileSettings"],
                    ]],
                    "ProfileSettings": ["type": "object", "properties": [
                        "mode": ["type": "string", "enum": ["LIVE", "PAPER"]],
                        "stopBehavior": ["type": "string", "enum": ["SELL", "HOLD"]],
                        "sizing": ["type": "object", "required": ["mode", "amount"], "properties": [
                            "mode": ["type": "string", "enum": ["FIXED_USD", "PROPORTIONAL", "PERCENT_OF_BALANCE"]],
                            "amount": string,
                        ]],
                        // Amounts and prices are decimal strings; `maxEventExposure` caps every outcome
                        // market of one event together (issue #22).
                        "limits": ["type": "object", "properties": [
                            "maxFillAgeSeconds": ["type": "integer"], "minTimeToResolutionSeconds": ["type": "integer"],
                            "minPrice": string, "maxPrice": string, "maxSlippage": string, "maxSellSlippage": string,
                            "minLeaderNotional": string, "maxPerTrade": string, "maxPerMarket": string,
                            "maxEventExposure": string, "totalBudget": string, "dailySpend": string,
                        ]],
                        "autoPause": ["type": "object", "required": ["window"], "properties": [
                            "maxDragPercent": string, "maxSlippageBpsP90": ["type": "integer"],
                            "window": ["type": "integer"],
                        ]],
                    ]],
                    "Stop": ["type": "object", "required": ["behavior"], "properties": [
                        "behavior": ["type": "string", "enum": ["SELL", "HOLD"]],
                    ]],
                    "DevSignIn": ["type": "object", "properties": ["name": string]],
                    // The account-wide event cap (issue #22): a decimal string, or null to clear it.
                    "MeSettings": ["type": "object", "properties": ["maxEventExposure": ["type": ["string", "null"]]]],
                    "RetryRelayer": ["type": "object", "required": ["txId"],
                                     "properties": ["txId": ["type": "string", "minLength": 1, "maxLength": 100]]],
                    "WithdrawalAddress": ["type": "object", "required": ["address"],
                                          "properties": ["address": string, "label": string]],
                    "NotificationSettings": ["type": "object", "properties": [
                        "digestIntervalSeconds": ["type": ["integer", "null"], "minimum": 10, "maximum": 86_400],
                    ]],
                    "TelegramPreferences": ["type": "object", "properties": [
                        "events": ["type": "array", "items": ["type": "string",
                                                              "enum": NotificationType.subscribable.map(\.rawValue)]],
                        "quietStart": string, "quietEnd": string,
                    ]],
                    "Webhook": ["type": "object", "required": ["url"], "properties": [
                        "url": string,
                        "events": ["type": "array", "items": ["type": "string",
                                                              "enum": NotificationType.subscribable.map(\.rawValue)]],
                    ]],
                    "Withdrawal": ["type": "object", "required": ["amount", "destination", "idempotencyKey"],
                                   "properties": ["amount": string, "destination": string, "idempotencyKey": string]],
                ] as [String: Any],
            ] as [String: Any],
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
    }
}

extension Router where Context == AppRequestContext {
    func addOpenAPIRoute(mode: MirrorConfiguration.Mode) {
        self.get("/openapi.json") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: try APIDocument.json(mode: mode))))
        }
    }
}
