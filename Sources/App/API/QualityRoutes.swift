import Hummingbird
import Kernel

extension Router where Context == AppRequestContext {
    /// Copy quality (issue #22): `GET /copy-profiles/{id}/quality` for one follow and
    /// `GET /leaders/{address}/quality` across all of the user's follows of one leader, over
    /// `days` = 7, 30 (the default) or all.
    func addQualityRoutes(_ api: APIDependencies, authentication: AuthMiddleware) {
        let routes = self.group().add(middleware: authentication)
        routes.get("/copy-profiles/:id/quality") { request, context -> QualityView in
            let profile = try await api.ownedProfile(context)
            let since = try QualityWindow(request.uri.queryParameters["days"].map(String.init)).since(api.wallClock.now())
            var view = try await api.quality(of: [profile], since: since)
            view.twins = []
            for twin in try await api.store.profiles(userID: profile.userID) where twin.twinOf == profile.id {
                view.twins?.append(TwinQualityView(profile: ProfileView(twin, leader: nil),
                                                   quality: try await api.quality(of: [twin], since: since)))
            }
            return view
        }
        routes.post("/copy-profiles/:id/twins") { request, context -> EditedResponse<ProfileView> in
            let user = try context.requireUser()
            let profile = try await api.ownedProfile(context)
            let patch = try await request.decodeJSON(as: ProfileSettingsPatch.self, context: context)
            let twin = try await api.commands.twin(of: profile.id, settings: { try patch.applied(to: $0) },
                                                   by: "user:\(user.id.rawValue)")
            return EditedResponse(status: .created, response: ProfileView(twin, leader: try await api.store.leader(id: twin.leaderID)))
        }
        routes.get("/leaders/:address/quality") { request, context -> QualityView in
            let user = try context.requireUser()
            let text = try context.parameters.require("address")
            guard text.count <= 64, let address = try? WalletAddress(text) else {
                throw APIError.badRequest("address", "address must be 0x followed by 40 hex digits")
            }
            let since = try QualityWindow(request.uri.queryParameters["days"].map(String.init)).since(api.wallClock.now())
            guard let leader = try await api.store.leader(address: address) else { throw APIError.notFound("leader") }
            // The user's own follows of the leader; paper twins are what-ifs, not results.
            let follows = try await api.store.profiles(userID: user.id).filter { $0.leaderID == leader.id && $0.twinOf == nil }
            guard !follows.isEmpty else { throw APIError.notFound("follow of this leader") }
            return try await api.quality(of: follows, since: since)
        }
    }
}

/// `days`: 7, 30 or `all`; 30 when absent.
struct QualityWindow: Hashable, Sendable {
    var days: Int?

    init(_ text: String?) throws {
        switch text {
        case nil, "30": self.days = 30
        case "7": self.days = 7
        case "all": self.days = nil
        case let other?:
            throw APIError.badRequest("days", "days must be 7, 30 or all, not \"\(other.prefix(20))\"")
        }
    }

    func since(_ now: Timestamp) -> Timestamp? {
        self.days.map { now - .seconds(Int64($0) * 86_400) }
    }
}

extension APIDependencies {
    /// The quality answer of `profiles` (one follow, or every follow of one leader) since `since`.
    func quality(of profiles: [CopyProfile], since: Timestamp?) async throws -> QualityView {
        let reader = QualityReader(store: self.store, marks: QualityReader.venueMarks(exchange: self.exchange, feed: self.feed))
        let markedAt = self.wallClock.now()
        let report = try await reader.report(of: profiles, since: since)
        return QualityView(report, markedAt: markedAt)
    }
}

/// One paper twin in a follow's quality answer: its settings and its quality.
struct TwinQualityView: Codable, Equatable {
    var profile: ProfileView
    var quality: QualityView
}

/// The quality answer: money as decimal strings, basis points as signed integers.
struct QualityView: ResponseEncodable, Decodable, Equatable {
    struct Drag: Codable, Equatable {
        var slippage: String
        var sizing: String
        var skips: String
        var fees: String
        var timing: String
    }

    struct SkipLine: Codable, Equatable {
        var reason: String
        var count: Int
        var value: String
    }

    struct Percentiles: Codable, Equatable {
        var p50: Int?
        var p90: Int?
    }

    var ideal: String
    var actual: String
    var drag: Drag
    var skipsByReason: [SkipLine]
    var slippageBps: Percentiles
    /// When the marks were read (every open position is valued at its midpoint at this time).
    var markedAt: String
    /// Tokens that had no mark (no resolution payout known, no midpoint): their attempts are left out.
    var unmarked: Int
    /// A follow's paper twins, each with its own quality over the same window (absent for a
    /// leader's answer and inside a twin's).
    var twins: [TwinQualityView]?

    init(_ report: CopyDrag.Report, markedAt: Timestamp) {
        self.ideal = report.ideal.description
        self.actual = report.actual.description
        self.drag = Drag(slippage: report.drag.slippage.description, sizing: report.drag.sizing.description,
                         skips: report.drag.skips.description, fees: report.drag.fees.description,
                         timing: report.drag.timing.description)
        self.skipsByReason = report.skipsByReason.map { SkipLine(reason: $0.reason, count: $0.count, value: $0.value.description) }
        self.slippageBps = Percentiles(p50: report.p50, p90: report.p90)
        self.markedAt = markedAt.description
        self.unmarked = report.unmarked
    }
}
