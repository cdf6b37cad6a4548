import Foundation
import Hummingbird
import Kernel
import Logging

extension Router where Context == AppRequestContext {
    /// `/app/operator/…`: entered with ADMIN_TOKEN on a form, which opens a separate 15-minute
    /// operator session (audited, as is every action taken in it).
    func addOperatorPages(_ web: WebDependencies) {
        let open = self.group("/app/operator")
            .add(middleware: WebPageMiddleware(dynamicConfigured: false, signIn: "/app/operator/sign-in"))
        open.get("/sign-in") { _, _ -> Response in Self.operatorSignInPage(web, error: nil, status: .ok) }
        open.post("/sign-in") { request, context -> Response in
            var request = request
            let form = try await Self.checkedSignInForm(&request, context: context)
            guard let token = form["token"], constantTimeEqual(token, web.adminToken.revealed) else {
                context.logger.warning("operator sign-in refused: wrong ADMIN_TOKEN")
                return Self.operatorSignInPage(web, error: "That is not this server's ADMIN_TOKEN.", status: .unauthorized)
            }
            let (id, _) = try await web.sessions.open(.operator, userID: nil)
            try await web.api.store.appendAudit(AuditEntry(
                id: web.api.ids.next(), actor: "operator:web", action: "operator.signed_in", subjectType: "operator_session",
                subjectID: String(id.prefix(8)), details: "operator session opened for 15 minutes",
                createdAt: web.api.wallClock.now()))
            var response = WebPage.redirect("/app/operator?done=operator")
            response.setCookie(web.sessions.cookie(.operator, id: id))
            response.setCookie(web.sessions.expired(WebSessions.signInCookie, path: "/"))
            return response
        }
        let pages = open.add(middleware: WebSessionMiddleware(kind: .operator, sessions: web.sessions, store: web.api.store,
                                                              signIn: "/app/operator/sign-in"))
        pages.get { request, context in try await web.operatorStatus(request, context) }
        pages.get("/audit") { _, context -> Response in
            let entries = try await web.admin.store.recentAudit(limit: 200).map { entry -> [String: Any] in
                ["time": WebPage.time(entry.createdAt), "actor": entry.actor, "action": entry.action,
                 "subject": [entry.subjectType, entry.subjectID].compactMap { $0 }.joined(separator: " "), "details": entry.details]
            }
            return WebPage.render(title: "Audit log", template: "operatorAudit", context: ["entries": entries],
                                  chrome: web.operatorChrome(context, current: "/app/operator/audit", request: nil))
        }
        pages.post("/pause-all") { _, _ -> Response in
            WebPage.redirect("/app/operator?done=pause-all&n=\(try await web.admin.administration.pauseAll())")
        }
        pages.post("/resume-all") { _, _ -> Response in
            WebPage.redirect("/app/operator?done=resume-all&n=\(try await web.admin.administration.resumeAll())")
        }
        pages.post("/reconcile") { _, _ -> Response in
            let report = try await web.admin.administration.reconcile(olderThan: web.admin.reconcileThreshold)
            return WebPage.redirect("/app/operator?done=reconcile&n=\(report.orders.count + report.relayerTxs.count)")
        }
        pages.post("/retry") { request, context -> Response in
            let form = try await FormFields.read(request, context: context)
            guard let id = form.text("tx"), id.count <= 100 else { throw APIError.notFound("relayer transaction") }
            _ = try await web.admin.administration.retryRelayer(RelayerTxID(id))
            return WebPage.redirect("/app/operator?done=retry")
        }
        pages.post("/sign-out") { _, context -> Response in
            if let id = context.webSessionID { try await web.sessions.end(id: id) }
            var response = WebPage.redirect("/app/operator/sign-in")
            response.setCookie(web.sessions.expired(WebSessions.operatorCookie, path: "/app/operator"))
            return response
        }
    }

    static func operatorSignInPage(_ web: WebDependencies, error: String?, status: HTTPResponse.Status) -> Response {
        let csrf = WebSessions.randomToken()
        var context: [String: Any] = [
            "csrf": csrf,
            "tokenField": WebPage.field("admin-token", name: "token", label: "ADMIN_TOKEN", type: "password",
                                        error: error == nil ? nil : "Check the token and try again.", required: true,
                                        autocomplete: "current-password"),
        ]
        if let error { context["pageError"] = error }
        var response = WebPage.render(title: "Operator sign-in", template: "operatorSignIn", context: context,
                                      chrome: PageChrome(area: .signedOut, badge: "Operator"), status: status)
        response.setCookie(web.sessions.signInCookie(csrf))
        return response
    }
}

extension WebDependencies {
    func operatorChrome(_ context: AppRequestContext, current: String, request: Request?) -> PageChrome {
        PageChrome(area: .operator, csrf: context.webSession?.csrfToken ?? "", current: current,
                   notice: request.flatMap { WebPage.notice($0.uri.queryParameters) }, badge: "Operator")
    }

    func operatorStatus(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let session = try context.requireWebSession()
        let status = try await self.admin.systemStatus()
        let now = self.api.wallClock.now()
        var workers: [[String: Any]] = []
        for worker in status.workers {
            let last = try? await WorkerName(rawValue: worker.name).asyncMap { try await self.admin.cache.lastHeartbeat($0) } ?? nil
            workers.append(["name": worker.name, "lastPing": last.map { WebPage.time($0) } ?? "never",
                            "age": last.map { "\(now.since($0).components.seconds) s" } ?? "—",
                            "state": worker.up ? "up" : "down", "stateClass": worker.up ? "ok" : "bad"])
        }
        var feeds: [[String: Any]] = []
        for leader in try await self.admin.store.leaders() {
            guard let newest = try await self.admin.store.leaderEvents(leaderID: leader.id, limit: 1).first else { continue }
            feeds.append(["name": Router<AppRequestContext>.name(of: leader), "newest": WebPage.time(newest.fill.occurredAt),
                          "lag": "\(newest.detectedAt.epochMilliseconds - newest.fill.occurredAt.epochMilliseconds) ms (\(newest.fill.source.rawValue))"])
        }
        let failed = try await self.admin.store.relayerTxs(statuses: [.failed], limit: 50).map { tx -> [String: Any] in
            ["id": tx.id.rawValue, "kind": tx.kind.rawValue, "submits": tx.submitCount, "error": tx.lastError ?? ""]
        }
        return WebPage.render(title: "System status", template: "operatorStatus", context: [
            "csrf": session.csrfToken, "status": status.status, "statusClass": WebPage.statusClass(status.status),
            "workers": workers,
            "breakers": status.breakers.map { ["service": $0.service, "state": $0.state, "failures": $0.consecutiveFailures] as [String: Any] },
            "checkedAt": status.health.map { WebPage.time($0.checkedAt) } ?? "—",
            "components": status.health?.components.map { component -> [String: Any] in
                ["name": component.name, "state": component.up ? "up" : "down", "detail": component.detail ?? ""]
            } ?? [],
            "feeds": feeds, "failed": failed,
        ], chrome: self.operatorChrome(context, current: "/app/operator", request: request))
    }
}
