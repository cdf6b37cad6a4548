import Foundation
import HTTPTypes
import Hummingbird
import Kernel
import Logging

/// What every page shares: the header's navigation, the session's CSRF token, a notice, whether
/// the page updates live. Pages are built from a template name and a context.
struct PageChrome: Sendable {
    enum Area: Sendable { case signedOut, user, `operator` }

    var area: Area
    var csrf: String = ""
    var current: String = ""
    var notice: String?
    var live = false
    var badge: String?
    var dynamic = false

    static let userNav: [(href: String, label: String)] = [
        ("/app", "Overview"), ("/app/leaders", "Leaders"), ("/app/follows", "Follows"), ("/app/activity", "Activity"),
        ("/app/positions", "Positions"), ("/app/claims", "Claims"), ("/app/withdrawals", "Withdrawals"),
        ("/app/notifications", "Notifications"),
    ]
    static let operatorNav: [(href: String, label: String)] = [
        ("/app/operator", "System status"), ("/app/operator/audit", "Audit log"),
    ]
}

enum WebPage {
    /// A full HTML page.
    static func render(title: String, template: String, context: [String: Any], chrome: PageChrome,
                       status: HTTPResponse.Status = .ok) -> Response {
        let body = WebTemplates.render(template, context)
        var layout: [String: Any] = ["title": title, "body": body, "live": chrome.live, "dynamic": chrome.dynamic]
        if let notice = chrome.notice { layout["notice"] = notice }
        if let badge = chrome.badge {
            layout["badge"] = badge
            layout["badgeClass"] = badge.lowercased()
        }
        let nav: [(href: String, label: String)]
        switch chrome.area {
        case .signedOut: nav = []
        case .user: nav = PageChrome.userNav
        case .operator: nav = PageChrome.operatorNav
        }
        if !nav.isEmpty {
            layout["nav"] = [
                "items": nav.map { ["href": $0.href, "label": $0.label, "current": $0.href == chrome.current] as [String: Any] },
                "csrf": chrome.csrf,
                "signOut": chrome.area == .operator ? "/app/operator/sign-out" : "/sign-out",
            ] as [String: Any]
        }
        let html = WebTemplates.render("layout", layout)
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// 303 See Other: where every successful form POST (and `/`) sends the browser.
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// One labelled input for the `field` partial.
    static func field(_ id: String, name: String, label: String, value: String? = nil, hint: String? = nil,
                      type: String = "text", error: String? = nil, required: Bool = false, inputmode: String? = nil,
                      autocomplete: String? = nil) -> [String: Any] {
        var field: [String: Any] = ["id": id, "name": name, "label": label, "value": value ?? "", "type": type,
                                    "required": required]
        if let hint { field["hint"] = hint }
        if let error { field["error"] = error }
        if let inputmode { field["inputmode"] = inputmode }
        if let autocomplete { field["autocomplete"] = autocomplete }
        let describedBy = [hint.map { _ in "\(id)-hint" }, error.map { _ in "\(id)-error" }].compactMap { $0 }
        if !describedBy.isEmpty { field["describedBy"] = describedBy.joined(separator: " ") }
        return field
    }

    static func options(_ values: [(value: String, label: String)], selected: String?) -> [[String: Any]] {
        values.map { ["value": $0.value, "label": $0.label, "selected": $0.value == selected] }
    }

    /// `2026-12-07 13:45:12 UTC`.
    static func time(_ timestamp: Timestamp) -> String { Self.time(timestamp.description) }

    /// The same for a timestamp's ISO 8601 text, as API views carry it.
    static func time(_ text: String) -> String {
        guard text.count >= 19 else { return text }
        return text.prefix(19).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    /// `ok`, `warn` or `bad`: the colour of a status chip.
    static func statusClass(_ status: String) -> String {
        switch status {
        case "DONE", "CONFIRMED", "ENABLED", "READY", "ok", "up", "closed": "ok"
        case "SKIPPED", "PENDING", "DEFERRED", "PLACING", "SUBMITTED", "USER_PAUSED", "PAUSED", "EXIT_ONLY", "half_open",
             "degraded": "warn"
        default: "bad"
        }
    }

    static func signed(_ amount: Collateral) -> (text: String, className: String) {
        (amount.baseUnits > 0 ? "+\(amount)" : amount.description,
         amount.baseUnits > 0 ? "gain" : amount.baseUnits < 0 ? "loss" : "")
    }

    /// Where the wallet's "available" comes from, in one line: the reading it rests on and what
    /// is held back from it, or why there is no reading yet.
    static func balanceNote(_ wallet: WalletView) -> String {
        guard let balance = wallet.balance, let readAt = wallet.balanceReadAt else {
            return wallet.ready ? "Not read from the exchange yet: copies wait for the first reading."
                : "Read from the exchange once the wallet is READY."
        }
        var held: [String] = []
        if wallet.heldForWithdrawals != "0" { held.append("\(wallet.heldForWithdrawals) held for withdrawals") }
        if wallet.heldForOpenOrders != "0" { held.append("\(wallet.heldForOpenOrders) held by open orders") }
        let note = "Balance \(balance) pUSD as read from the exchange at \(Self.time(readAt))"
        return held.isEmpty ? note + "." : note + "; " + held.joined(separator: ", ") + "."
    }

    /// The skip reasons in words, for people.
    static func words(_ reason: SkipReason) -> String {
        switch reason {
        case .profileNotActive: "the follow was paused or stopped"
        case .fillTooOld: "the leader's fill was seen too late to copy"
        case .leaderNotionalTooSmall: "the leader's trade was smaller than your minimum"
        case .marketClosed: "the market was closed"
        case .marketResolvingSoon: "the market resolves too soon"
        case .unsupportedMarket: "the market is not supported"
        case .priceOutOfBand: "the price was outside your price band"
        case .slippageTooHigh: "the price had moved more than your slippage limit"
        case .insufficientDepth: "the order book was too thin"
        case .capReached: "one of your spending caps was reached"
        case .eventCapReached: "your cap for this event (all its outcomes together) was reached"
        case .insufficientBalance: "your balance was too low"
        case .belowExchangeMinimum: "the copy would be below the exchange's minimum order"
        case .nothingToSell: "you held none of what the leader sold"
        }
    }

    /// Fixed notices a redirect can ask for (`?done=<code>`); nothing from the URL is echoed.
    static func notice(_ parameters: Parameters) -> String? {
        let count = parameters.get("n").flatMap(Int.init)
        switch parameters.get("done") {
        case "signed-in": return "You are signed in."
        case "leader-added": return "Leader added."
        case "followed": return "You now follow this leader."
        case "saved": return "Settings saved."
        case "pause": return "Copying paused for this follow."
        case "resume": return "Copying resumed."
        case "exit-only": return "This follow now mirrors exits only."
        case "stop": return "You stopped following this leader."
        case "all-paused": return "All your copying is paused. Resume each follow when you are ready."
        case "event-cap": return "Account-wide event cap saved."
        case "withdrawal": return "Withdrawal requested. Its status updates below."
        case "operator": return "Operator session opened (15 minutes)."
        case "pause-all": return "Paused \(count ?? 0) follow(s)."
        case "resume-all": return "Resumed \(count ?? 0) follow(s)."
        case "reconcile": return "Reconciled: \(count ?? 0) change(s)."
        case "retry": return "Relayer transaction queued for retry."
        default: return nil
        }
    }
}

/// Security headers on every page, and errors as HTML pages: the same mapping as the JSON API
/// (``ErrorMapping``), but a signed-out visitor is sent to sign in instead of a 401.
struct WebPageMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let contentSecurityPolicy: String
    let signIn: String

    init(dynamicConfigured: Bool, signIn: String = "/sign-in") {
        let scripts = dynamicConfigured ? "'self' \(WebAssets.dynamicCDNOrigin)" : "'self'"
        let connect = dynamicConfigured ? "'self' \(WebAssets.dynamicCDNOrigin) \(WebAssets.dynamicAPIOrigin)" : "'self'"
        self.contentSecurityPolicy = "default-src 'self'; script-src \(scripts); style-src 'self'; img-src 'self' data:; "
            + "connect-src \(connect); form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        self.signIn = signIn
    }

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as CancellationError {
            throw error
        } catch {
            response = self.page(for: error, context: context)
        }
        response.headers[.contentSecurityPolicy] = self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "same-origin"
        response.headers[.xFrameOptions] = "DENY"
        return response
    }

    func page(for error: any Error, context: Context) -> Response {
        guard let mapped = ErrorMapping.clientError(for: error, logger: context.logger) else {
            ErrorMapping.logInternal(error, logger: context.logger)
            return WebPage.render(title: "Something went wrong", template: "error",
                                  context: ["message": "Something went wrong on our side. Try again in a moment.", "back": "/app"],
                                  chrome: PageChrome(area: .signedOut), status: .internalServerError)
        }
        if mapped.status == .unauthorized { return WebPage.redirect(self.signIn) }
        let title = mapped.status == .notFound ? "Not found" : mapped.status == .forbidden ? "Refused" : "That did not work"
        return WebPage.render(title: title, template: "error", context: ["message": mapped.message, "back": "/app"],
                              chrome: PageChrome(area: .signedOut), status: mapped.status)
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let lastEventID = Self("Last-Event-ID")!
}

extension APIError {
    /// 403 for a form posted without its session's CSRF token.
    static let csrfRefused = APIError(
        status: .forbidden, message: "This form was not sent by this site's page (its security token is missing or stale). "
            + "Go back, reload the page and try again.")
}
