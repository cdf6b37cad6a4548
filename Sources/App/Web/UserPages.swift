import Foundation
import Hummingbird
import Kernel
import Logging

extension Router where Context == AppRequestContext {
    /// The signed-in user's pages under `/app`: session cookie only, CSRF on every POST.
    func addUserPages(_ web: WebDependencies) {
        let pages = self.group("/app")
            .add(middleware: WebPageMiddleware(dynamicConfigured: web.dynamicEnvironmentID != nil))
            .add(middleware: WebSessionMiddleware(kind: .user, sessions: web.sessions, store: web.api.store, signIn: "/sign-in"))
        pages.get { request, context in try await web.overview(request, context) }
        pages.get("/leaders") { request, context in
            try await web.leadersPage(context, request: request, form: nil, error: nil)
        }
        pages.post("/leaders") { request, context -> Response in
            let form = try await FormFields.read(request, context: context)
            do {
                _ = try await web.api.addLeader(AddLeaderRequest(address: form.text("address") ?? "", label: form.text("label")),
                                                for: try context.requireUser())
            } catch let error as APIError where error.field != nil {
                return try await web.leadersPage(context, request: request, form: form, error: error)
            }
            return WebPage.redirect("/app/leaders?done=leader-added")
        }
        pages.get("/follows") { request, context in try await web.followsPage(request, context) }
        pages.get("/follows/new") { request, context -> Response in
            let leaderID = request.uri.queryParameters.get("leader") ?? ""
            guard leaderID.count <= 100, let leader = try await web.api.leader(id: LeaderID(leaderID), seenBy: try context.requireUser()) else {
                throw APIError.notFound("leader")
            }
            return try web.followForm(context, leader: leader, profile: nil, form: nil, error: nil)
        }
        pages.post("/follows") { request, context -> Response in
            let user = try context.requireUser()
            let form = try await FormFields.read(request, context: context)
            let leaderID = form.text("leader") ?? ""
            guard leaderID.count <= 100, let leader = try await web.api.leader(id: LeaderID(leaderID), seenBy: try context.requireUser()) else {
                throw APIError.notFound("leader")
            }
            do {
                let settings = try ProfileSettingsPatch(form: form)
                _ = try await web.api.createProfile(
                    CreateProfileRequest(leaderId: leader.id.rawValue, preset: form.text("preset"), settings: settings), for: user)
            } catch let error as APIError where error.field != nil {
                return try web.followForm(context, leader: leader, profile: nil, form: form, error: error)
            }
            return WebPage.redirect("/app/follows?done=followed")
        }
        pages.get("/follows/:id") { request, context in try await web.followPage(request, context) }
        pages.get("/follows/:id/edit") { _, context -> Response in
            let profile = try await web.api.ownedProfile(context)
            let leader = try await web.api.leader(id: profile.leaderID, seenBy: try context.requireUser())
            return try web.followForm(context, leader: leader, profile: profile, form: nil, error: nil)
        }
        pages.post("/follows/:id/edit") { request, context -> Response in
            let user = try context.requireUser()
            let profile = try await web.api.ownedProfile(context)
            let form = try await FormFields.read(request, context: context)
            do {
                _ = try await web.api.edit(profile, with: try ProfileSettingsPatch(form: form), by: user)
            } catch let error as APIError where error.field != nil {
                let leader = try await web.api.leader(id: profile.leaderID, seenBy: try context.requireUser())
                return try web.followForm(context, leader: leader, profile: profile, form: form, error: error)
            }
            return WebPage.redirect("/app/follows?done=saved")
        }
        pages.get("/follows/:id/confirm/:action") { _, context -> Response in
            let profile = try await web.api.ownedProfile(context)
            let action = try context.parameters.require("action")
            let leader = try await web.api.leader(id: profile.leaderID, seenBy: try context.requireUser())
            return try web.confirmControl(context, profile: profile, leaderName: Self.name(of: leader), action: action)
        }
        pages.post("/follows/:id/:action") { request, context -> Response in
            let user = try context.requireUser()
            let profile = try await web.api.ownedProfile(context)
            let action = try context.parameters.require("action")
            let actor = "user:\(user.id.rawValue)"
            switch action {
            case "pause": _ = try await web.api.commands.pause(profile.id, by: actor)
            case "resume": _ = try await web.api.commands.resume(profile.id, by: actor)
            case "exit-only": _ = try await web.api.commands.exitOnly(profile.id, by: actor)
            case "stop":
                let form = try await FormFields.read(request, context: context)
                let behavior = try ProfileSettingsPatch.enumeration(StopBehavior.self, form.text("behavior") ?? "",
                                                                    field: "behavior")
                _ = try await web.api.commands.stop(profile.id, behavior: behavior, by: actor)
            default: throw APIError.notFound("page")
            }
            return WebPage.redirect("/app/follows?done=\(action)")
        }
        pages.post("/account/event-cap") { request, context -> Response in
            let user = try context.requireUser()
            let form = try await FormFields.read(request, context: context)
            // An empty field clears the cap, as `null` does in `PATCH /me`.
            let text = form.text("maxEventExposure").flatMap { $0.isEmpty ? nil : $0 }
            do {
                _ = try await web.api.editMe(MePatch(maxEventExposure: text), of: user)
            } catch let error as APIError where error.field != nil {
                return try await web.followsPage(request, context, form: form, error: error)
            }
            return WebPage.redirect("/app/follows?done=event-cap")
        }
        pages.get("/kill-switch") { _, context -> Response in
            let session = try context.requireWebSession()
            return WebPage.render(
                title: "Pause all my copying", template: "confirm",
                context: ["question": "Pause every follow? Nothing new is copied until you resume each follow yourself; "
                    + "an operator's resume-all does not undo this.", "action": "/app/kill-switch", "csrf": session.csrfToken,
                          "button": "Pause all my copying", "buttonClass": "danger", "back": "/app", "hasChoices": false],
                chrome: web.chrome(context, current: "/app/follows"))
        }
        pages.post("/kill-switch") { _, context -> Response in
            let user = try context.requireUser()
            _ = try await web.api.commands.pauseEverything(of: user.id, by: "user:\(user.id.rawValue)")
            return WebPage.redirect("/app/follows?done=all-paused")
        }
        pages.get("/activity") { request, context in try await web.activityPage(request, context) }
        pages.get("/activity/:id") { _, context in try await web.receiptPage(context) }
        pages.get("/positions") { request, context in try await web.positionsPage(request, context) }
        pages.get("/claims") { request, context -> Response in
            let user = try context.requireUser()
            let claims = try await web.api.store.relayerTxs(userID: user.id, limit: 500).filter { $0.kind == .redeem }
            return WebPage.render(title: "Claims", template: "claims", context: ["claims": claims.map { tx -> [String: Any] in
                ["time": WebPage.time(tx.createdAt), "condition": RelayerTxDriver.conditionID(ofRedeemKey: tx.idempotencyKey) ?? "",
                 "amount": tx.amount?.description ?? "", "status": tx.status.rawValue,
                 "statusClass": WebPage.statusClass(tx.status.rawValue)]
            }], chrome: web.chrome(context, current: "/app/claims", request: request, live: true))
        }
        pages.get("/withdrawals") { request, context in
            try await web.withdrawalsPage(request, context, form: nil, error: nil)
        }
        pages.post("/withdrawals/confirm") { request, context -> Response in
            let session = try context.requireWebSession()
            let form = try await FormFields.read(request, context: context)
            do {
                let (amount, destination) = try WithdrawalInput.validated(amount: form.text("amount") ?? "",
                                                                          destination: form.text("destination") ?? "")
                return WebPage.render(
                    title: "Confirm withdrawal", template: "withdrawalConfirm",
                    context: ["amount": amount.description, "destination": destination.checksummed, "csrf": session.csrfToken,
                              "key": WebSessions.randomToken()],
                    chrome: web.chrome(context, current: "/app/withdrawals"))
            } catch let error as APIError where error.field != nil {
                return try await web.withdrawalsPage(request, context, form: form, error: error)
            }
        }
        pages.post("/withdrawals") { request, context -> Response in
            let user = try context.requireUser()
            let form = try await FormFields.read(request, context: context)
            do {
                let (amount, destination) = try WithdrawalInput.validated(amount: form.text("amount") ?? "",
                                                                          destination: form.text("destination") ?? "")
                guard let key = form.text("key"), (1...100).contains(key.count) else {
                    throw APIError.invalid("amount", "the confirmation expired; review the withdrawal again")
                }
                _ = try await web.withdrawals.request(userID: user.id, amount: amount, destination: destination, clientKey: key)
            } catch let error as APIError where error.field != nil {
                return try await web.withdrawalsPage(request, context, form: form, error: error)
            } catch let failure as Withdrawals.Failure {
                // Shown beside the form: a refusal with no field of its own belongs to the amount.
                var error = APIError(failure)
                error.field = error.field ?? "amount"
                return try await web.withdrawalsPage(request, context, form: form, error: error)
            }
            return WebPage.redirect("/app/withdrawals?done=withdrawal")
        }
        pages.get("/events") { request, context -> Response in
            try LiveEvents.stream(request: request, context: context, store: web.api.store, wallClock: web.api.wallClock)
        }
    }

    static func name(of leader: Leader?) -> String {
        guard let leader else { return "an unknown leader" }
        return leader.label ?? "\(leader.address.checksummed.prefix(8))…\(leader.address.checksummed.suffix(4))"
    }
}

/// The withdrawal form's rules (the API's `POST /withdrawals` applies the same).
enum WithdrawalInput {
    static func validated(amount: String, destination: String) throws(APIError) -> (Collateral, WalletAddress) {
        guard let value = Collateral(exactDecimal: amount.trimmingCharacters(in: .whitespaces)), value > .zero else {
            throw APIError.invalid("amount", "amount must be a positive decimal with at most 6 places (nothing is rounded)")
        }
        do {
            return (value, try WithdrawalDestination.parse(destination, field: "destination"))
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.invalid("destination", "destination must be 0x followed by 40 hex digits")
        }
    }
}

extension ProfileSettingsPatch {
    /// The follow form's fields as a patch; blank fields change nothing.
    init(form: FormFields) throws(APIError) {
        func seconds(_ name: String) throws(APIError) -> Int64? {
            guard let text = form.text(name) else { return nil }
            guard let value = Int64(text) else { throw APIError.invalid(name, "\(name) must be a whole number of seconds") }
            return value
        }
        self.init(mode: form.text("mode"),
                  sizing: form.text("sizing.amount").map { SizingInput(mode: form.text("sizing.mode") ?? "FIXED_USD", amount: $0) },
                  limits: LimitsInput(
                    maxFillAgeSeconds: try seconds("limits.maxFillAgeSeconds"), minPrice: form.text("limits.minPrice"),
                    maxPrice: form.text("limits.maxPrice"), maxSlippage: form.text("limits.maxSlippage"),
                    maxSellSlippage: form.text("limits.maxSellSlippage"),
                    minTimeToResolutionSeconds: try seconds("limits.minTimeToResolutionSeconds"),
                    minLeaderNotional: form.text("limits.minLeaderNotional"), maxPerTrade: form.text("limits.maxPerTrade"),
                    maxPerMarket: form.text("limits.maxPerMarket"),
                    maxEventExposure: form.text("limits.maxEventExposure"), totalBudget: form.text("limits.totalBudget"),
                    dailySpend: form.text("limits.dailySpend")),
                  stopBehavior: form.text("stopBehavior"))
    }
}

extension APIDependencies {
    /// Applies a settings patch to a profile the user owns and stores it with its audit line
    /// (the API's PATCH and the web's edit form).
    func edit(_ profile: CopyProfile, with patch: ProfileSettingsPatch, by user: User) async throws -> CopyProfile {
        var edited = try patch.applied(to: profile)
        if profile.twinOf != nil, edited.mode != .paper { throw ProfileCommands.TwinFailure.twinMustBePaper }
        guard edited != profile else { return profile }
        edited.updatedAt = self.wallClock.now()
        try await self.store.updateProfileSettings(edited, audit: AuditEntry(
            id: self.ids.next(), actor: "user:\(user.id.rawValue)", action: "profile.settings_changed",
            subjectType: "copy_profile", subjectID: profile.id.rawValue,
            details: Router<AppRequestContext>.settingsChange(from: profile, to: edited), createdAt: edited.updatedAt))
        return try await self.store.profile(id: profile.id) ?? edited
    }
}

extension WebDependencies {
    func chrome(_ context: AppRequestContext, current: String, request: Request? = nil, live: Bool = false) -> PageChrome {
        PageChrome(area: .user, csrf: context.webSession?.csrfToken ?? "", current: current,
                   notice: request.flatMap { WebPage.notice($0.uri.queryParameters) }, live: live,
                   badge: self.localMode ? "Simulated" : nil)
    }

    func overview(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let wallet = try await self.api.walletView(of: user, logger: context.logger)
        let profiles = try await self.api.store.profiles(userID: user.id)
        let attempts = try await self.api.store.attempts(userID: user.id, limit: 500)
        let now = self.api.wallClock.now()
        let dayMillis: Int64 = 86_400_000
        let startOfToday = now.epochMilliseconds - now.epochMilliseconds % dayMillis
        let today = attempts.filter { $0.createdAt.epochMilliseconds >= startOfToday }
        var realized = Collateral.zero, unrealized = Collateral.zero
        for profile in profiles {
            let positions = try await self.api.positions(of: profile)
            realized += (try? Collateral(decimal: positions.realizedPnL)) ?? .zero
            unrealized += (try? Collateral(decimal: positions.unrealizedPnL)) ?? .zero
        }
        var bars: [BarChart.Bar] = []
        var days: [[String: Any]] = []
        for back in (0..<14).reversed() {
            let start = startOfToday - Int64(back) * dayMillis
            let copies = attempts.filter {
                $0.status == .done && $0.filledShares.baseUnits > 0
                    && (start..<(start + dayMillis)).contains($0.createdAt.epochMilliseconds)
            }
            var volume = Collateral.zero
            for copy in copies { volume += copy.filledShares.value(at: copy.fillPrice ?? .zero) }
            let label = String(Timestamp(epochMilliseconds: start).description.dropFirst(5).prefix(5))
            bars.append(.init(label: label, value: volume))
            days.append(["day": label, "count": copies.count, "volume": volume.description])
        }
        let equity = try await self.api.store.equitySnapshots(
            walletID: WalletID(wallet.id), since: Timestamp(epochMilliseconds: startOfToday - 13 * dayMillis))
        let status = try await self.admin.systemStatus()
        let down = (status.health?.components.filter { !$0.up }.map(\.name) ?? [])
            + status.workers.filter { !$0.up }.map(\.name) + status.breakers.filter { $0.state != "closed" }.map(\.service)
        let health: [String: Any] = status.status == "ok"
            ? ["level": "ok", "headline": "Copying is running normally.", "detail": ""]
            : ["level": "warn", "headline": "Copying may be delayed.",
               "detail": down.isEmpty ? "The latest health check is not in yet." : "Not healthy right now: \(down.joined(separator: ", "))."]
        // Copy quality (issue #22): a follow an auto-pause rule stopped is named in the banner.
        let ruled = profiles.filter { $0.status == .userPaused && $0.pausedByRule != nil }
        let ruleBanner: [String: Any]? = ruled.isEmpty ? nil : [
            "level": "warn", "headline": "\(ruled.count) follow(s) paused by an auto-pause rule.",
            "detail": ruled.compactMap(\.pausedByRule).joined(separator: "; ") + " Resume on the Follows page.",
        ]
        let labels = try await self.api.leaderLabels(of: try context.requireUser())
        var follows: [[String: Any]] = []
        for profile in profiles {
            follows.append(["id": profile.id.rawValue, "status": profile.status.rawValue,
                            "statusClass": WebPage.statusClass(profile.status.rawValue),
                            "leaderName": Router<AppRequestContext>.name(of: try await self.api.leader(id: profile.leaderID, labels: labels))])
        }
        let (realizedText, realizedClass) = WebPage.signed(realized)
        let (unrealizedText, unrealizedClass) = WebPage.signed(unrealized)
        let chrome = self.chrome(context, current: "/app", request: request, live: true)
        let live = profiles.contains { $0.mode == .live && $0.status != .stopped }
        var page: [String: Any] = [
            "health": health, "available": wallet.available ?? "not read yet", "balanceNote": WebPage.balanceNote(wallet),
            "copiesToday": today.filter { $0.status == .done }.count,
            "skipsToday": today.filter { $0.status == .skipped }.count, "realized": realizedText, "realizedClass": realizedClass,
            "unrealized": unrealizedText, "unrealizedClass": unrealizedClass, "depositAddress": wallet.depositAddress,
            "onboarding": wallet.onboarding, "ready": wallet.ready, "days": days,
            "chart": BarChart.svg(bars, title: "Copied volume per day, last 14 days"), "follows": follows,
            "equityChart": EquityCurve.svg(equity, title: "Equity (collateral plus open positions at their mark), last 14 days"),
            "equityDays": EquityCurve.dailyRows(equity), "hasEquity": !equity.isEmpty,
            "hasFollows": !follows.isEmpty, "modeLabel": live ? "Live" : "Paper", "modeClass": live ? "live" : "paper",
            "simulated": self.localMode,
        ]
        // Only when there is one: a nil in the context would render as a (blank) banner.
        if let ruleBanner { page["ruleBanner"] = ruleBanner }
        return WebPage.render(title: "Overview", template: "overview", context: page, chrome: chrome)
    }

    func leadersPage(_ context: AppRequestContext, request: Request, form: FormFields?, error: APIError?) async throws -> Response {
        let user = try context.requireUser()
        let session = try context.requireWebSession()
        let profiles = try await self.api.store.profiles(userID: user.id)
        let now = self.api.wallClock.now()
        var leaders: [[String: Any]] = []
        for (shown, label) in try await self.api.visibleLeaders(of: user) {
            var leader = shown
            leader.label = label
            let follow = profiles.first { $0.leaderID == leader.id && $0.status != .stopped }
                ?? profiles.first { $0.leaderID == leader.id }
            var attempts: [CopyAttempt] = []
            var realized = Collateral.zero, unrealized = Collateral.zero
            for profile in profiles where profile.leaderID == leader.id {
                attempts += try await self.api.store.attempts(userID: user.id, matching: AttemptQuery(profileID: profile.id), limit: 200)
                let positions = try await self.api.positions(of: profile)
                realized += (try? Collateral(decimal: positions.realizedPnL)) ?? .zero
                unrealized += (try? Collateral(decimal: positions.unrealizedPnL)) ?? .zero
            }
            let results = [7, 30].map { days -> [String: Any] in
                let since = (now - .seconds(Int64(days) * 86_400)).epochMilliseconds
                let window = attempts.filter { $0.createdAt.epochMilliseconds >= since }
                let copied = window.filter { $0.status == .done && $0.filledShares.baseUnits > 0 }
                var volume = Collateral.zero
                for copy in copied { volume += copy.filledShares.value(at: copy.fillPrice ?? .zero) }
                return ["window": "\(days) days", "copied": copied.count, "skipped": window.filter { $0.status == .skipped }.count,
                        "volume": volume.description]
            }
            var reasons: [SkipReason: Int] = [:]
            for attempt in attempts { if let reason = attempt.skipReason { reasons[reason, default: 0] += 1 } }
            let funnel: [String: Any] = [
                "seen": attempts.count, "copied": attempts.filter { $0.status == .done }.count,
                "failed": attempts.filter { $0.status == .failed }.count,
                "open": attempts.filter { [.pending, .deferred, .placing].contains($0.status) }.count,
                "skipped": attempts.filter { $0.status == .skipped }.count,
                "hasReasons": !reasons.isEmpty,
                "reasons": reasons.sorted { $0.value > $1.value }.map { ["count": $0.value, "reason": WebPage.words($0.key)] },
            ]
            let recent = try await self.api.store.leaderEvents(leaderID: leader.id, limit: 5).map { event -> [String: Any] in
                ["side": event.fill.side.rawValue, "size": event.fill.size.description, "market": event.fill.marketSlug,
                 "outcome": event.fill.outcome, "price": event.fill.price.description, "time": WebPage.time(event.fill.occurredAt)]
            }
            var entry: [String: Any] = ["id": leader.id.rawValue, "name": Router<AppRequestContext>.name(of: leader),
                                        "address": leader.address.checksummed, "results": results, "funnel": funnel,
                                        "recent": recent, "hasRecent": !recent.isEmpty, "hasAttempts": !attempts.isEmpty,
                                        "realized": WebPage.signed(realized).text, "unrealized": WebPage.signed(unrealized).text]
            if let follow, follow.status != .stopped { entry["followID"] = follow.id.rawValue }
            leaders.append(entry)
        }
        return WebPage.render(title: "Leaders", template: "leaders", context: [
            "csrf": session.csrfToken, "leaders": leaders,
            "addressField": WebPage.field("leader-address", name: "address", label: "Leader's wallet address",
                                          value: form?["address"], hint: "0x followed by 40 hex digits",
                                          error: error?.field == "address" ? error?.message : nil, required: true),
            "labelField": WebPage.field("leader-label", name: "label", label: "Label (optional)", value: form?["label"],
                                        hint: "Up to 64 characters, shown instead of the address",
                                        error: error?.field == "label" ? error?.message : nil),
        ], chrome: self.chrome(context, current: "/app/leaders", request: request),
           status: error == nil ? .ok : .unprocessableContent)
    }

    /// The user's follows, and the account-wide event cap that bounds them together (its form
    /// re-rendered with `form` and `error` when the value was refused).
    func followsPage(_ request: Request, _ context: AppRequestContext, form: FormFields? = nil,
                     error: APIError? = nil) async throws -> Response {
        let user = try context.requireUser()
        let session = try context.requireWebSession()
        var follows: [[String: Any]] = []
        let labels = try await self.api.leaderLabels(of: try context.requireUser())
        for profile in try await self.api.store.profiles(userID: user.id) {
            let status = profile.status
            let sizing = SizingView(profile.sizing)
            var card: [String: Any] = [
                "id": profile.id.rawValue, "leaderName": Router<AppRequestContext>.name(of: try await self.api.leader(id: profile.leaderID, labels: labels)),
                "status": status.rawValue, "statusClass": WebPage.statusClass(status.rawValue),
                "sizing": Self.describe(sizing), "mode": profile.mode.rawValue.lowercased(),
                "stopBehavior": profile.stopBehavior == .sellNow ? "sell now" : "hold to resolution",
                "canPause": [.enabled, .exitOnly].contains(status), "canResume": [.userPaused, .exitOnly].contains(status),
                "canExitOnly": [.enabled, .userPaused].contains(status), "canStop": status != .stopped,
                "twin": profile.twinOf != nil,
            ]
            // Only when set: a nil in the context would render as "nil" on every follow.
            if status == .userPaused, let rule = profile.pausedByRule { card["pauseRule"] = rule }
            follows.append(card)
        }
        let eventCap = WebPage.field(
            "max-event-exposure", name: "maxEventExposure", label: "Most in one event, all follows together (pUSD)",
            value: form?["maxEventExposure"] ?? user.maxEventExposure?.description,
            hint: "Counts every outcome of an event as one; a copy is made smaller, or skipped, to stay under it. "
                + "Empty: no account-wide cap.",
            error: error?.field == "maxEventExposure" ? error?.message : nil, inputmode: "decimal")
        return WebPage.render(title: "Follows", template: "follows",
                              context: ["follows": follows, "csrf": session.csrfToken, "eventCapField": eventCap,
                                        "eventCap": user.maxEventExposure?.description ?? "none"],
                              chrome: self.chrome(context, current: "/app/follows", request: request, live: true),
                              status: error == nil ? .ok : .unprocessableContent)
    }

    static func describe(_ sizing: SizingView) -> String {
        switch sizing.mode {
        case Sizing.Mode.fixedUSD.rawValue: "\(sizing.amount) pUSD per copy"
        case Sizing.Mode.proportional.rawValue: "\(sizing.amount) × the leader's size"
        default: "\(sizing.amount) of your balance per copy"
        }
    }

    func followForm(_ context: AppRequestContext, leader: Leader?, profile: CopyProfile?, form: FormFields?,
                    error: APIError?) throws -> Response {
        let session = try context.requireWebSession()
        let limits = profile.map { LimitsView($0.limits) }
        let sizing = profile.map { SizingView($0.sizing) }
        func value(_ name: String, _ current: String?) -> String? { form?[name] ?? current }
        func message(_ name: String) -> String? { error?.field == name ? error?.message : nil }
        func limit(_ name: String, _ label: String, _ current: String?, hint: String) -> [String: Any] {
            WebPage.field("limit-\(name)", name: "limits.\(name)", label: label, value: value("limits.\(name)", current), hint: hint,
                          error: message("limits.\(name)"), inputmode: "decimal")
        }
        let sizingModes: [(value: String, label: String)] = [
            (Sizing.Mode.fixedUSD.rawValue, "A fixed amount of pUSD per copy"),
            (Sizing.Mode.proportional.rawValue, "A share of the leader's trade"),
            (Sizing.Mode.percentOfBalance.rawValue, "A share of my balance"),
        ]
        let presetLabels: [ProfilePreset: String] = [
            .conservative: "Conservative — 5 pUSD per copy, tight caps", .balanced: "Balanced — 25 pUSD per copy",
            .proportional: "Proportional — a tenth of the leader's size, capped",
        ]
        let chosenPreset = form?["preset"] ?? ProfilePreset.conservative.rawValue
        var unknownField: String?
        if let field = error?.field, !field.hasPrefix("limits."), !["sizing.amount", "sizing.mode", "mode", "stopBehavior"].contains(field) {
            unknownField = error?.message
        }
        var page: [String: Any] = [
            "csrf": session.csrfToken, "leaderName": Router<AppRequestContext>.name(of: leader),
            "leaderID": profile == nil ? (leader?.id.rawValue ?? "") : "",
            "action": profile.map { "/app/follows/\($0.id.rawValue)/edit" } ?? "/app/follows",
            "submit": profile == nil ? "Follow" : "Save settings",
            "hasPresets": profile == nil,
            "presets": ProfilePreset.allCases.map { ["value": $0.rawValue, "label": presetLabels[$0] ?? $0.rawValue,
                                                     "checked": $0.rawValue == chosenPreset] as [String: Any] },
            "sizingModes": WebPage.options(sizingModes, selected: value("sizing.mode", sizing?.mode)),
            "sizingFields": [WebPage.field("sizing-amount", name: "sizing.amount", label: "Amount",
                                           value: value("sizing.amount", sizing?.amount),
                                           hint: "pUSD for a fixed amount; a ratio such as 0.1 for the other two. Blank keeps the preset's.",
                                           error: message("sizing.amount"), inputmode: "decimal")],
            "modes": WebPage.options([("PAPER", "Paper — simulate fills, send nothing"), ("LIVE", "Live — send real orders")],
                                     selected: value("mode", profile?.mode.rawValue) ?? "PAPER"),
            "stopBehaviors": WebPage.options([("HOLD", "Keep positions until their markets resolve"),
                                              ("SELL", "Sell positions at once")],
                                             selected: value("stopBehavior", profile?.stopBehavior.rawValue) ?? "HOLD"),
            "limitFields": [
                limit("maxPerTrade", "Most per copy (pUSD)", limits?.maxPerTrade, hint: "No copy spends more than this."),
                limit("maxPerMarket", "Most per market (pUSD)", limits?.maxPerMarket, hint: "Total held in one market."),
                limit("maxEventExposure", "Most per event (pUSD)", limits?.maxEventExposure,
                      hint: "Total held across the outcomes of one event."),
                limit("dailySpend", "Most per day (pUSD)", limits?.dailySpend, hint: "Spending per UTC day."),
                limit("totalBudget", "Total budget (pUSD)", limits?.totalBudget, hint: "All copies of this leader together."),
                limit("minPrice", "Lowest price", limits?.minPrice, hint: "0 to 1; cheaper outcomes are skipped."),
                limit("maxPrice", "Highest price", limits?.maxPrice, hint: "0 to 1; dearer outcomes are skipped."),
                limit("maxSlippage", "Most slippage when buying", limits?.maxSlippage, hint: "In price, e.g. 0.02."),
                limit("maxSellSlippage", "Most slippage when selling", limits?.maxSellSlippage, hint: "In price, e.g. 0.05."),
                limit("minLeaderNotional", "Smallest leader trade to copy (pUSD)", limits?.minLeaderNotional,
                      hint: "Smaller trades are skipped."),
                limit("maxFillAgeSeconds", "Oldest fill to copy (seconds)", limits.map { String($0.maxFillAgeSeconds) },
                      hint: "Fills seen later than this are skipped."),
                limit("minTimeToResolutionSeconds", "Skip markets resolving within (seconds)",
                      limits.map { String($0.minTimeToResolutionSeconds) }, hint: "0 copies until the end."),
            ],
        ]
        if let message = error?.message ?? unknownField { page["pageError"] = message }
        if let message = message("sizing.mode") { page["sizingModeError"] = message }
        return WebPage.render(title: profile == nil ? "Follow \(Router<AppRequestContext>.name(of: leader))" : "Edit follow",
                              template: "followForm", context: page,
                              chrome: self.chrome(context, current: "/app/follows"),
                              status: error == nil ? .ok : .unprocessableContent)
    }

    func confirmControl(_ context: AppRequestContext, profile: CopyProfile, leaderName: String, action: String) throws -> Response {
        let session = try context.requireWebSession()
        let (question, button): (String, String) = switch action {
        case "pause": ("Pause copying \(leaderName)? Nothing new is copied until you resume.", "Pause")
        case "resume": ("Resume copying \(leaderName)?", "Resume")
        case "exit-only": ("Mirror only \(leaderName)'s exits? New positions are not opened.", "Exits only")
        case "stop": ("Stop following \(leaderName)? This cannot be undone.", "Stop following")
        default: throw APIError.notFound("page")
        }
        var page: [String: Any] = ["question": question, "action": "/app/follows/\(profile.id.rawValue)/\(action)",
                                   "csrf": session.csrfToken, "button": button,
                                   "buttonClass": action == "stop" ? "danger" : "primary", "back": "/app/follows",
                                   "hasChoices": action == "stop"]
        if action == "stop" {
            page["choiceLegend"] = "What happens to the positions"
            page["choices"] = [
                ["name": "behavior", "value": "HOLD", "label": "Keep them until their markets resolve",
                 "checked": profile.stopBehavior == .holdToResolution],
                ["name": "behavior", "value": "SELL", "label": "Sell them now", "checked": profile.stopBehavior == .sellNow],
            ] as [[String: Any]]
        }
        return WebPage.render(title: "Confirm", template: "confirm", context: page,
                              chrome: self.chrome(context, current: "/app/follows"))
    }

    func activityPage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let parameters = request.uri.queryParameters
        var query = AttemptQuery()
        let status = parameters.get("status").flatMap(CopyAttempt.Status.init(rawValue:))
        let kind = parameters.get("kind").flatMap(CopyAttempt.Kind.init(rawValue:))
        let follow = parameters.get("follow").flatMap { $0.isEmpty || $0.count > 100 ? nil : ProfileID($0) }
        query.status = status
        query.kind = kind
        query.profileID = follow
        if let cursor = parameters.get("cursor") { query.after = AttemptCursor(token: cursor) }
        let limit = 50
        let attempts = try await self.api.store.attempts(userID: user.id, matching: query, limit: limit)
        let events = try await self.api.store.leaderEvents(ids: Set(attempts.compactMap(\.leaderEventID)))
        let profiles = try await self.api.store.profiles(userID: user.id)
        let labels = try await self.api.leaderLabels(of: try context.requireUser())
        var names: [ProfileID: String] = [:]
        for profile in profiles {
            names[profile.id] = Router<AppRequestContext>.name(of: try await self.api.leader(id: profile.leaderID, labels: labels))
        }
        let rows = attempts.map { attempt -> [String: Any] in
            let event = attempt.leaderEventID.flatMap { events[$0] }
            return ["id": attempt.id.rawValue, "time": String(WebPage.time(attempt.createdAt).dropFirst(5).dropLast(4)),
                    "leaderName": names[attempt.profileID] ?? "", "market": event?.fill.marketSlug ?? "—",
                    "kind": attempt.kind.rawValue.lowercased().replacingOccurrences(of: "_", with: " "),
                    "status": attempt.status.rawValue, "statusClass": WebPage.statusClass(attempt.status.rawValue),
                    "explanation": Self.explain(attempt)]
        }
        var next: String?
        if attempts.count == limit, let last = attempts.last {
            var components = URLComponents()
            components.queryItems = [URLQueryItem(name: "status", value: status?.rawValue ?? ""),
                                     URLQueryItem(name: "kind", value: kind?.rawValue ?? ""),
                                     URLQueryItem(name: "follow", value: follow?.rawValue ?? ""),
                                     URLQueryItem(name: "cursor", value: AttemptCursor(last).token)]
            next = "/app/activity?" + (components.percentEncodedQuery ?? "")
        }
        var page: [String: Any] = [
            "attempts": rows, "filtered": status != nil || kind != nil || follow != nil,
            "statuses": WebPage.options([("", "Any status")] + CopyAttempt.Status.allCases.map { ($0.rawValue, $0.rawValue.lowercased()) },
                                        selected: status?.rawValue ?? ""),
            "kinds": WebPage.options([("", "Any kind")] + CopyAttempt.Kind.allCases.map {
                ($0.rawValue, $0.rawValue.lowercased().replacingOccurrences(of: "_", with: " ")) }, selected: kind?.rawValue ?? ""),
            "followOptions": WebPage.options([("", "Every follow")] + profiles.map { ($0.id.rawValue, names[$0.id] ?? $0.id.rawValue) },
                                             selected: follow?.rawValue ?? ""),
        ]
        if let next { page["next"] = next }
        return WebPage.render(title: "Activity", template: "activity", context: page,
                              chrome: self.chrome(context, current: "/app/activity", request: request, live: true))
    }

    static func explain(_ attempt: CopyAttempt) -> String {
        if let reason = attempt.skipReason { return "Skipped: \(WebPage.words(reason))." }
        switch attempt.status {
        case .done:
            guard attempt.filledShares.baseUnits > 0 else { return "Nothing filled." }
            return "Filled \(attempt.filledShares) shares" + (attempt.fillPrice.map { " at \($0)." } ?? ".")
        case .failed: return "Failed" + (attempt.note.map { ": \($0)" } ?? ".")
        case .deferred: return "Waiting: the exchange is unavailable; it will be retried."
        default: return "In progress."
        }
    }

    func receiptPage(_ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try context.parameters.require("id")
        guard id.count <= 100, let attempt = try await self.api.store.attempt(id: AttemptID(id)), attempt.userID == user.id else {
            throw APIError.notFound("copy attempt")
        }
        let event = try await attempt.leaderEventID.asyncMap { try await self.api.store.leaderEvent(id: $0) } ?? nil
        let orders = try await self.api.store.orders(attemptID: attempt.id)
        let profile = try await self.api.store.profile(id: attempt.profileID)
        let leader = try await profile.asyncMap { try await self.api.leader(id: $0.leaderID, seenBy: try context.requireUser()) } ?? nil
        let filledAt = orders.filter { $0.filledShares.baseUnits > 0 }.map(\.updatedAt).max()
        var stages: [[String: Any]] = []
        var previous: Timestamp?
        for (name, at) in [("Leader filled", event?.fill.occurredAt), ("Detected", Optional(attempt.detectedAt)),
                           ("Sent", attempt.sentAt), ("Accepted", attempt.acceptedAt), ("Filled", filledAt)] {
            guard let at else {
                stages.append(["name": name, "at": "—", "latency": "—"])
                continue
            }
            stages.append(["name": name, "at": WebPage.time(at),
                           "latency": previous.map { "\(at.epochMilliseconds - $0.epochMilliseconds) ms" } ?? "—"])
            previous = at
        }
        var slippage = "—"
        if let fill = attempt.fillPrice, let leaderPrice = attempt.leaderPrice, leaderPrice.baseUnits > 0 {
            let worse = attempt.kind.sells ? leaderPrice.baseUnits - fill.baseUnits : fill.baseUnits - leaderPrice.baseUnits
            slippage = "\(worse * 10_000 / leaderPrice.baseUnits) bps (\(worse > 0 ? "worse" : worse < 0 ? "better" : "same") than the leader)"
        }
        var references: [[String: Any]] = []
        if let event { references.append(["label": "Leader's transaction", "value": event.fill.transactionHash]) }
        references.append(["label": "Copy attempt", "value": attempt.id.rawValue])
        for order in orders { references.append(["label": "Our order (\(order.status.rawValue))", "value": order.id.rawValue]) }
        return WebPage.render(title: "Copy receipt", template: "receipt", context: [
            "leaderName": Router<AppRequestContext>.name(of: leader), "market": event?.fill.marketSlug ?? "—",
            "outcome": event?.fill.outcome ?? "—", "kind": attempt.kind.rawValue.lowercased(),
            "status": attempt.status.rawValue, "statusClass": WebPage.statusClass(attempt.status.rawValue),
            "explanation": Self.explain(attempt),
            "leaderTrade": event.map { "\($0.fill.side.rawValue) \($0.fill.size) shares at \($0.fill.price)" } ?? "— (a close-out you asked for)",
            "ourTrade": attempt.filledShares.baseUnits > 0
                ? "\(attempt.filledShares) shares at \(attempt.fillPrice?.description ?? "—")" : "nothing filled",
            "slippage": slippage, "stages": stages, "references": references,
        ], chrome: self.chrome(context, current: "/app/activity"))
    }

    func positionsPage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let only = request.uri.queryParameters.get("follow")
        // Market names come from the leader fills the user's copies followed.
        let attempts = try await self.api.store.attempts(userID: user.id, limit: 500)
        let events = try await self.api.store.leaderEvents(ids: Set(attempts.compactMap(\.leaderEventID)))
        var markets: [String: String] = [:]
        for event in events.values { markets[event.fill.tokenID.description] = "\(event.fill.marketSlug) (\(event.fill.outcome))" }
        var realized = Collateral.zero, unrealized = Collateral.zero
        var groups: [[String: Any]] = []
        let labels = try await self.api.leaderLabels(of: try context.requireUser())
        for profile in try await self.api.store.profiles(userID: user.id) where only == nil || only == profile.id.rawValue {
            let view = try await self.api.positions(of: profile)
            realized += (try? Collateral(decimal: view.realizedPnL)) ?? .zero
            unrealized += (try? Collateral(decimal: view.unrealizedPnL)) ?? .zero
            groups.append(["leaderName": Router<AppRequestContext>.name(of: try await self.api.leader(id: profile.leaderID, labels: labels)),
                           "rows": view.positions.map { position -> [String: Any] in
                               ["token": String(position.tokenId.prefix(10)) + "…", "market": markets[position.tokenId] ?? "—",
                                "shares": position.shares,
                                "averageCost": position.averageCost ?? "—", "mid": position.mid ?? "—",
                                "realized": position.realizedPnL, "unrealized": position.unrealizedPnL ?? "—",
                                "redeemable": position.redeemable]
                           }])
        }
        let (realizedText, realizedClass) = WebPage.signed(realized)
        let (unrealizedText, unrealizedClass) = WebPage.signed(unrealized)
        return WebPage.render(title: "Positions", template: "positions", context: [
            "groups": groups, "realized": realizedText, "realizedClass": realizedClass, "unrealized": unrealizedText,
            "unrealizedClass": unrealizedClass,
        ], chrome: self.chrome(context, current: "/app/positions", request: request))
    }

    func withdrawalsPage(_ request: Request, _ context: AppRequestContext, form: FormFields?, error: APIError?) async throws -> Response {
        let user = try context.requireUser()
        let session = try context.requireWebSession()
        let list = try await self.withdrawals.list(userID: user.id)
        let wallet = try await self.api.walletView(of: user, logger: context.logger)
        func message(_ name: String) -> String? { error?.field == name ? error?.message : nil }
        return WebPage.render(title: "Withdrawals", template: "withdrawals", context: [
            "csrf": session.csrfToken, "available": wallet.available ?? "not read yet", "balanceNote": WebPage.balanceNote(wallet),
            "fields": [
                WebPage.field("withdraw-amount", name: "amount", label: "Amount (pUSD)", value: form?["amount"],
                              hint: "Up to 6 decimal places", error: message("amount"), required: true, inputmode: "decimal"),
                WebPage.field("withdraw-destination", name: "destination", label: "Send to address", value: form?["destination"],
                              hint: "A Polygon address: 0x followed by 40 hex digits", error: message("destination"),
                              required: true),
            ],
            "withdrawals": list.map { tx -> [String: Any] in
                var row: [String: Any] = ["time": WebPage.time(tx.createdAt), "amount": tx.amount?.description ?? "",
                                          "destination": tx.destination?.checksummed ?? "",
                                          "shortDestination": tx.destination.map {
                                              "\($0.checksummed.prefix(6))…\($0.checksummed.suffix(4))" } ?? "",
                                          "status": tx.status.rawValue,
                                          "statusClass": WebPage.statusClass(tx.status.rawValue)]
                if let lastError = tx.lastError { row["lastError"] = lastError }
                return row
            },
        ], chrome: self.chrome(context, current: "/app/withdrawals", request: request, live: true),
           status: error == nil ? .ok : .unprocessableContent)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
