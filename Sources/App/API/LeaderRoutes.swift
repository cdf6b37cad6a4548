import Foundation
import Hummingbird
import Kernel

extension Router where Context == AppRequestContext {
    /// The signed-in user's list of leaders: `POST /leaders` puts one on it (with the user's own,
    /// private label), `GET /leaders` pages through it.
    func addLeaderRoutes(_ api: APIDependencies, authentication: AuthMiddleware) {
        let routes = self.group().add(middleware: authentication)
        routes.post("/leaders") { request, context -> EditedResponse<LeaderView> in
            let user = try context.requireUser()
            let body = try await request.decodeJSON(as: AddLeaderRequest.self, context: context)
            return try await api.addLeader(body, for: user)
        }
        routes.get("/leaders") { request, context -> LeaderList in
            let user = try context.requireUser()
            var limit = 50
            if let text = request.uri.queryParameters["limit"] {
                guard let value = Int(text), (1...200).contains(value) else {
                    throw APIError.badRequest("limit", "limit must be an integer from 1 to 200")
                }
                limit = value
            }
            let cursor = request.uri.queryParameters["cursor"].map(String.init)
            if let cursor, cursor.count > 100 { throw APIError.badRequest("cursor", "cursor is not one this API gave") }
            return try await api.leaderList(of: user, after: cursor, limit: limit)
        }
    }
}

extension APIDependencies {
    /// Adds the leader (globally, with no label) if new, and puts it on the user's list with the
    /// user's label. 201 when it joined the user's list, 200 when it was there already.
    func addLeader(_ body: AddLeaderRequest, for user: User) async throws -> EditedResponse<LeaderView> {
        guard let address = try? WalletAddress(body.address) else {
            throw APIError.invalid("address", "address must be 0x followed by 40 hex digits")
        }
        if let label = body.label, label.count > 64 { throw APIError.invalid("label", "label must be at most 64 characters") }
        var leader = try await self.store.leader(address: address)
        if leader == nil {
            let new = Leader(id: self.ids.next(), address: address, createdAt: self.wallClock.now())
            do {
                try await self.store.insertLeader(new)
                leader = new
            } catch StoreError.duplicate {
                leader = try await self.store.leader(address: address)
            }
        }
        guard let leader else { throw APIError.conflict("leader already exists") }
        let watch = try await self.watch(leader, for: user, label: body.label)
        let view = LeaderView(leader, label: watch.entry.label,
                              recent: try await self.store.leaderEvents(leaderID: leader.id, limit: 5))
        return EditedResponse(status: watch.added ? .created : .ok, response: view)
    }

    /// Puts `leader` on the user's list (422 over `MAX_LEADERS_PER_USER`).
    @discardableResult
    func watch(_ leader: Leader, for user: User, label: String?) async throws -> (entry: LeaderWatch, added: Bool) {
        let watch = LeaderWatch(userID: user.id, leaderID: leader.id, label: label, createdAt: self.wallClock.now())
        switch try await self.store.watchLeader(watch, limit: self.maxLeadersPerUser) {
        case .added(let entry): return (entry, true)
        case .existing(let entry): return (entry, false)
        case .overLimit(let limit):
            throw APIError.invalid("address", "you already watch or follow \(limit) leaders, the most allowed (MAX_LEADERS_PER_USER)")
        }
    }

    /// The user's leaders — watched or followed; in local mode every leader — by id, after
    /// `cursor`, each with the user's own label only.
    func leaderList(of user: User, after cursor: String?, limit: Int) async throws -> LeaderList {
        let page = try await self.visibleLeaders(of: user)
            .filter { cursor == nil || $0.leader.id.rawValue > cursor ?? "" }
            .prefix(limit + 1)
        var views: [LeaderView] = []
        for entry in page.prefix(limit) {
            views.append(LeaderView(entry.leader, label: entry.label,
                                    recent: try await self.store.leaderEvents(leaderID: entry.leader.id, limit: 5)))
        }
        return LeaderList(leaders: views, nextCursor: page.count > limit ? page.prefix(limit).last?.leader.id.rawValue : nil)
    }

    /// The leaders the user sees (watched or followed; in local mode every leader), by id, each with
    /// the label the user sees — the API's list and the web pages share this one rule.
    func visibleLeaders(of user: User) async throws -> [(leader: Leader, label: String?)] {
        let labels = try await self.leaderLabels(of: user)
        var leaders: [Leader]
        if self.listsEveryLeader {
            leaders = try await self.store.leaders()
        } else {
            let watched = try await self.store.leaderWatches(userID: user.id).map(\.leaderID)
            let ids = Set(watched).union(try await self.store.profiles(userID: user.id).map(\.leaderID))
            leaders = []
            for id in ids { if let leader = try await self.store.leader(id: id) { leaders.append(leader) } }
        }
        return leaders.sorted { $0.id.rawValue < $1.id.rawValue }.map { ($0, labels.label(of: $0)) }
    }

    /// The leader as `user` sees it: its label is the one ``LeaderLabels`` gives that user.
    func leader(id: LeaderID, seenBy user: User) async throws -> Leader? {
        try await self.leader(id: id, labels: try await self.leaderLabels(of: user))
    }

    /// The same with the user's labels already in hand (a page naming many leaders reads them once).
    func leader(id: LeaderID, labels: LeaderLabels) async throws -> Leader? {
        guard var leader = try await self.store.leader(id: id) else { return nil }
        leader.label = labels.label(of: leader)
        return leader
    }

    /// The user's own labels; a label is never shown to another user.
    func leaderLabels(of user: User) async throws -> LeaderLabels {
        let watches = try await self.store.leaderWatches(userID: user.id)
        return LeaderLabels(
            own: Dictionary(watches.compactMap { watch in watch.label.map { (watch.leaderID, $0) } },
                            uniquingKeysWith: { first, _ in first }),
            seededNamesShown: self.listsEveryLeader)
    }
}

/// The labels one user sees: their own; in local mode a simulated leader keeps its seeded name.
struct LeaderLabels: Sendable {
    var own: [LeaderID: String]
    var seededNamesShown: Bool

    func label(of leader: Leader) -> String? {
        self.own[leader.id] ?? (self.seededNamesShown ? leader.label : nil)
    }
}
