import Foundation
import Hummingbird
import Kernel
import Logging

/// What the user-facing routes need.
struct APIDependencies: Sendable {
    var store: any Store
    var exchange: any Exchange
    var accounts: Accounts
    var commands: ProfileCommands
    var wallClock: WallClock
    var ids: IDGenerator
    /// `MAX_LEADERS_PER_USER`: leaders one user may watch or follow.
    var maxLeadersPerUser: Int = 50
    /// Local mode: every leader (the simulated ones) is on every user's list.
    var listsEveryLeader: Bool = false
    /// Copy quality's marks of resolved markets (the wallet's `resolvedPrice`); nil: none known.
    var feed: (any LeaderFeed)? = nil
}

/// A request to follow a leader by address.
struct AddLeaderRequest: Decodable {
    var address: String
    var label: String?
}

/// `POST /copy-profiles`: the leader (by id or address), a preset, and optional overrides.
struct CreateProfileRequest: Decodable {
    var leaderId: String?
    var leaderAddress: String?
    var preset: String?
    var settings: ProfileSettingsPatch?
}

struct StopRequest: Decodable {
    var behavior: String?
}

struct DevSignInRequest: Decodable {
    var name: String?
}

extension Router where Context == AppRequestContext {
    /// The signed-in user's API (everything behind ``AuthMiddleware``).
    func addUserRoutes(_ api: APIDependencies, authentication: AuthMiddleware) {
        let routes = self.group().add(middleware: authentication)
        routes.get("/me") { _, context -> MeView in
            let user = try context.requireUser()
            return MeView(user, wallet: try await api.store.wallets(userID: user.id).first)
        }
        routes.patch("/me") { request, context -> MeView in
            let user = try context.requireUser()
            return try await api.editMe(try await request.decodeJSON(as: MePatch.self, context: context), of: user)
        }
        routes.get("/wallet") { _, context -> WalletView in
            try await api.walletView(of: try context.requireUser(), logger: context.logger)
        }
        routes.post("/copy-profiles") { request, context -> EditedResponse<ProfileView> in
            let user = try context.requireUser()
            let body = try await request.decodeJSON(as: CreateProfileRequest.self, context: context)
            return EditedResponse(status: .created, response: try await api.createProfile(body, for: user))
        }
        routes.get("/copy-profiles") { _, context -> ProfileList in
            let user = try context.requireUser()
            var views: [ProfileView] = []
            for profile in try await api.store.profiles(userID: user.id) {
                views.append(ProfileView(profile, leader: try await api.store.leader(id: profile.leaderID)))
            }
            return ProfileList(profiles: views)
        }
        routes.get("/copy-profiles/:id") { _, context -> ProfileView in
            let profile = try await api.ownedProfile(context)
            return ProfileView(profile, leader: try await api.store.leader(id: profile.leaderID))
        }
        routes.patch("/copy-profiles/:id") { request, context -> ProfileView in
            let user = try context.requireUser()
            let profile = try await api.ownedProfile(context)
            let patch = try await request.decodeJSON(as: ProfileSettingsPatch.self, context: context)
            let stored = try await api.edit(profile, with: patch, by: user)
            return ProfileView(stored, leader: try await api.store.leader(id: stored.leaderID))
        }
        let commands: [(String, @Sendable (ProfileCommands, ProfileID, String) async throws -> CopyProfile)] = [
            ("pause", { try await $0.pause($1, by: $2) }),
            ("resume", { try await $0.resume($1, by: $2) }),
            ("exit-only", { try await $0.exitOnly($1, by: $2) }),
        ]
        for (name, command) in commands {
            routes.post("/copy-profiles/:id/\(name)") { _, context -> ProfileView in
                let user = try context.requireUser()
                let profile = try await api.ownedProfile(context)
                let changed = try await command(api.commands, profile.id, "user:\(user.id.rawValue)")
                return ProfileView(changed, leader: try await api.store.leader(id: changed.leaderID))
            }
        }
        routes.post("/me/pause-copying") { _, context -> ProfileList in
            let user = try context.requireUser()
            var views: [ProfileView] = []
            for profile in try await api.commands.pauseEverything(of: user.id, by: "user:\(user.id.rawValue)") {
                views.append(ProfileView(profile, leader: try await api.store.leader(id: profile.leaderID)))
            }
            return ProfileList(profiles: views)
        }
        routes.post("/copy-profiles/:id/stop") { request, context -> ProfileView in
            let user = try context.requireUser()
            let profile = try await api.ownedProfile(context)
            let body = try await request.decodeJSON(as: StopRequest.self, context: context)
            guard let text = body.behavior else { throw APIError.invalid("behavior", "behavior is required: SELL or HOLD") }
            let behavior = try ProfileSettingsPatch.enumeration(StopBehavior.self, text, field: "behavior")
            let stopped = try await api.commands.stop(profile.id, behavior: behavior, by: "user:\(user.id.rawValue)")
            return ProfileView(stopped, leader: try await api.store.leader(id: stopped.leaderID))
        }
        routes.get("/copy-profiles/:id/positions") { _, context -> PositionsView in
            try await api.positions(of: try await api.ownedProfile(context))
        }
        routes.get("/copy-attempts") { request, context -> AttemptPage in
            try await api.attempts(of: try context.requireUser(), parameters: request.uri.queryParameters)
        }
    }

    /// `POST /auth/dev-sign-in` (local mode only): a token for the local user `name`, no password.
    func addDevSignIn(issuer: DevTokenIssuer, signedIn: @escaping @Sendable (String) async throws -> Void) {
        self.post("/auth/dev-sign-in") { request, context -> DevSignInResponse in
            let body = try await request.decodeJSON(as: DevSignInRequest.self, context: context)
            let name = body.name ?? "dev"
            guard (1...32).contains(name.count),
                  name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
            else { throw APIError.invalid("name", "name must be 1 to 32 characters of a-z, 0-9 and -") }
            let issued = try await issuer.issue(name: name)
            try await signedIn(name)
            return DevSignInResponse(token: issued.token, tokenType: "Bearer", expiresAt: issued.expiresAt.description)
        }
    }

    /// The audit line of a settings edit: what changed, never a secret (settings hold none).
    static func settingsChange(from old: CopyProfile, to new: CopyProfile) -> String {
        var changes: [String] = []
        if old.mode != new.mode { changes.append("mode \(old.mode.rawValue) -> \(new.mode.rawValue)") }
        if old.sizing != new.sizing {
            changes.append("sizing \(SizingView(old.sizing).mode) \(SizingView(old.sizing).amount) -> "
                + "\(SizingView(new.sizing).mode) \(SizingView(new.sizing).amount)")
        }
        if old.limits != new.limits { changes.append("limits changed") }
        if old.stopBehavior != new.stopBehavior {
            changes.append("stopBehavior \(old.stopBehavior.rawValue) -> \(new.stopBehavior.rawValue)")
        }
        return changes.joined(separator: "; ")
    }
}

extension APIDependencies {
    /// The profile named by the path's `id`, if it is the signed-in user's; otherwise 404, the
    /// same answer as for an id that does not exist.
    func ownedProfile(_ context: AppRequestContext) async throws -> CopyProfile {
        let user = try context.requireUser()
        let id = try context.parameters.require("id")
        guard id.count <= 100, let profile = try await self.store.profile(id: ProfileID(id)), profile.userID == user.id else {
            throw APIError.notFound("copy profile")
        }
        return profile
    }

    func walletView(of user: User, logger: Logger) async throws -> WalletView {
        var wallet = try await self.accounts.wallet(of: user)
        if wallet.onboarding != .ready {
            do {
                wallet = try await self.accounts.advance(wallet.id)
            } catch {
                // The state so far is still the answer; the next call resumes.
                logger.warning("wallet onboarding paused", metadata: ["wallet.id": "\(wallet.id)", "error.type": "\(type(of: error))"])
                wallet = try await self.store.wallet(id: wallet.id) ?? wallet
            }
        }
        // The venue is asked only for a ready wallet (its account exists) whose reading is stale.
        let balances = WalletBalances(store: self.store, exchange: self.exchange, wallClock: self.wallClock)
        let funds = wallet.onboarding == .ready
            ? try await balances.funds(of: wallet, maxAge: WalletBalances.displayMaxAge)
            : try await self.store.walletFunds(walletID: wallet.id)
        return WalletView(
            id: wallet.id.rawValue, type: wallet.type.rawValue, signerAddress: wallet.signerAddress.checksummed,
            depositAddress: wallet.funderAddress.checksummed, onboarding: wallet.onboarding.rawValue,
            ready: wallet.onboarding == .ready, apiKeyIssued: wallet.apiKey != nil,
            balance: funds.syncedBalance?.description, balanceReadAt: funds.syncedAt?.description,
            available: funds.syncedBalance == nil ? nil : funds.available.description,
            heldForWithdrawals: funds.withdrawalsReserved.description, heldForOpenOrders: funds.openBuysReserved.description,
            transactions: try await self.accounts.onboarder.relayerTransactions(of: wallet.id).map(RelayerTxView.init))
    }

    func createProfile(_ body: CreateProfileRequest, for user: User) async throws -> ProfileView {
        let leader: Leader?
        if let id = body.leaderId {
            leader = id.count <= 100 ? try await self.store.leader(id: LeaderID(id)) : nil
            guard leader != nil else { throw APIError.invalid("leaderId", "no leader with this id; add it with POST /leaders") }
        } else if let text = body.leaderAddress {
            guard let address = try? WalletAddress(text) else {
                throw APIError.invalid("leaderAddress", "leaderAddress must be 0x followed by 40 hex digits")
            }
            leader = try await self.store.leader(address: address)
            guard leader != nil else { throw APIError.invalid("leaderAddress", "not a followed leader; add it with POST /leaders") }
        } else {
            throw APIError.invalid("leaderId", "leaderId or leaderAddress is required")
        }
        guard let leader else { throw APIError.invalid("leaderId", "leaderId or leaderAddress is required") }
        // Following puts the leader on the user's list, within MAX_LEADERS_PER_USER.
        try await self.watch(leader, for: user, label: nil)
        let preset = try ProfileSettingsPatch.enumeration(ProfilePreset.self, body.preset ?? ProfilePreset.conservative.rawValue,
                                                          field: "preset")
        let wallet = try await self.accounts.wallet(of: user)
        let now = self.wallClock.now()
        var profile = CopyProfile(id: self.ids.next(), userID: user.id, leaderID: leader.id, walletID: wallet.id,
                                  sizing: preset.sizing, limits: preset.limits, createdAt: now, updatedAt: now)
        if let settings = body.settings { profile = try settings.applied(to: profile) }
        try await self.store.insertProfile(profile, audit: AuditEntry(
            id: self.ids.next(), actor: "user:\(user.id.rawValue)", action: "profile.created", subjectType: "copy_profile",
            subjectID: profile.id.rawValue, details: "follows \(leader.address.lowercased) with preset \(preset.rawValue)",
            createdAt: now))
        return ProfileView(profile, leader: leader)
    }

    func positions(of profile: CopyProfile) async throws -> PositionsView {
        var views: [PositionView] = []
        var realized = Collateral.zero
        var unrealized = Collateral.zero
        for position in try await self.store.positions(profileID: profile.id) {
            let mid = position.shares.baseUnits > 0 ? (try? await self.exchange.orderBook(tokenID: position.tokenID))?.midpoint : nil
            let open = mid.map { position.unrealizedPnL(atMid: $0) }
            realized += position.realizedPnL
            if let open { unrealized += open }
            views.append(PositionView(
                tokenId: position.tokenID.description, conditionId: position.conditionID, shares: position.shares.description,
                costBasis: position.costBasis.description, averageCost: position.averageCost?.description,
                realizedPnL: position.realizedPnL.description, mid: mid?.description, unrealizedPnL: open?.description,
                redeemable: position.redeemable))
        }
        return PositionsView(profileId: profile.id.rawValue, positions: views, realizedPnL: realized.description,
                             unrealizedPnL: unrealized.description)
    }

    /// `GET /copy-attempts?profileId=&status=&kind=&limit=&cursor=`, newest first.
    func attempts(of user: User, parameters: Parameters) async throws -> AttemptPage {
        var query = AttemptQuery()
        if let profile = parameters.get("profileId") {
            query.profileID = ProfileID(profile)
        }
        if let status = parameters.get("status") {
            query.status = try ProfileSettingsPatch.enumeration(CopyAttempt.Status.self, status, field: "status")
        }
        if let kind = parameters.get("kind") {
            query.kind = try ProfileSettingsPatch.enumeration(CopyAttempt.Kind.self, kind, field: "kind")
        }
        var limit = 50
        if let text = parameters.get("limit") {
            guard let value = Int(text), (1...200).contains(value) else {
                throw APIError.badRequest("limit", "limit must be a whole number from 1 to 200")
            }
            limit = value
        }
        if let cursor = parameters.get("cursor") {
            guard let decoded = AttemptCursor(token: cursor) else { throw APIError.badRequest("cursor", "cursor is not one this API gave") }
            query.after = decoded
        }
        let attempts = try await self.store.attempts(userID: user.id, matching: query, limit: limit)
        let events = try await self.store.leaderEvents(ids: Set(attempts.compactMap(\.leaderEventID)))
        let items = attempts.map { AttemptView($0, event: $0.leaderEventID.flatMap { events[$0] }) }
        return AttemptPage(items: items, nextCursor: attempts.count == limit ? attempts.last.map { AttemptCursor($0).token } : nil)
    }
}

extension AttemptCursor {
    /// Opaque to clients: base64url of `<epoch ms>:<id>`.
    var token: String { base64URLEncoded(Array("\(self.createdAt.epochMilliseconds):\(self.id.rawValue)".utf8)) }

    init?(token: String) {
        guard token.count <= 300, let data = base64URLDecoded(token), let text = String(data: data, encoding: .utf8),
              let colon = text.firstIndex(of: ":"), let millis = Int64(text[..<colon]), millis >= 0
        else { return nil }
        let id = text[text.index(after: colon)...]
        guard !id.isEmpty else { return nil }
        self.init(createdAt: Timestamp(epochMilliseconds: millis), id: AttemptID(id))
    }
}

extension Request {
    /// The body as JSON of `T`. Unlike `decode(as:context:)`, lets the `DecodingError` through,
    /// so ``JSONErrorMiddleware`` answers 400 naming the field (and never quotes the body).
    func decodeJSON<T: Decodable>(as _: T.Type, context: some RequestContext) async throws -> T {
        let buffer = try await self.body.collect(upTo: context.maxUploadSize)
        return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }
}
