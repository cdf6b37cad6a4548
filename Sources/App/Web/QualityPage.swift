import Hummingbird
import Kernel

extension WebDependencies {
    /// `/app/follows/{id}`: one follow's copy quality (issue #22) — what the leader's trades would
    /// have made at the follow's size, what the follow made, where the difference went, and every
    /// skip reason with what the skipped trades would have made. Read on request (one midpoint per
    /// token), so it is not a live region.
    func followPage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let profile = try await self.api.ownedProfile(context)
        let window = try QualityWindow(request.uri.queryParameters.get("days"))
        let since = window.since(self.api.wallClock.now())
        let quality = try await self.api.quality(of: [profile], since: since)
        var twins: [[String: Any]] = []
        for twin in try await self.api.store.profiles(userID: profile.userID) where twin.twinOf == profile.id {
            let answer = try await self.api.quality(of: [twin], since: since)
            twins.append([
                "id": twin.id.rawValue, "slippage": twin.limits.maxSlippage.description,
                "sizing": Self.describe(SizingView(twin.sizing)),
                "ideal": answer.ideal, "actual": answer.actual,
                "skipped": answer.skipsByReason.filter { $0.reason != "NOT_FILLED" && $0.reason != "FAILED" }.reduce(0) { $0 + $1.count },
            ])
        }
        let leader = try await self.api.leader(id: profile.leaderID, seenBy: try context.requireUser())
        let name = Router<AppRequestContext>.name(of: leader)
        let drag = quality.drag
        let components: [[String: Any]] = [
            ["name": "Slippage", "value": drag.slippage, "why": "paid more (or got less) than the best price when the copy was decided"],
            ["name": "Timing", "value": drag.timing, "why": "the book moved between the leader's fill and the decision; close-outs and stop-sells count here"],
            ["name": "Sizing", "value": drag.sizing, "why": "copies smaller than the sizing asked for (caps, balance, depth, minimums, rounding)"],
            ["name": "Skips", "value": drag.skips, "why": "trades not copied at all (see the skip funnel)"],
            ["name": "Fees", "value": drag.fees, "why": "taker fees paid"],
        ]
        let skips: [[String: Any]] = quality.skipsByReason.filter { $0.count > 0 }.map {
            ["reason": $0.reason, "count": $0.count, "value": $0.value]
        }
        let days = window.days.map(String.init) ?? "all"
        let windows: [[String: Any]] = [("7", "7 days"), ("30", "30 days"), ("all", "All time")].map {
            ["days": $0.0, "label": $0.1, "current": $0.0 == days]
        }
        let total = (try? Collateral(decimal: quality.ideal)).flatMap { ideal in
            (try? Collateral(decimal: quality.actual)).map { (ideal - $0).description }
        } ?? ""
        return WebPage.render(title: "Copy quality: \(name)", template: "followQuality", context: [
            "id": profile.id.rawValue, "leaderName": name, "status": profile.status.rawValue,
            "statusClass": WebPage.statusClass(profile.status.rawValue), "windows": windows,
            "ideal": quality.ideal, "actual": quality.actual, "totalDrag": total, "components": components,
            "skips": skips, "hasSkips": !skips.isEmpty, "p50": quality.slippageBps.p50.map(String.init) ?? "–",
            "p90": quality.slippageBps.p90.map(String.init) ?? "–", "markedAt": quality.markedAt,
            "unmarked": quality.unmarked, "hasUnmarked": quality.unmarked > 0,
            "twins": twins, "hasTwins": !twins.isEmpty,
        ], chrome: self.chrome(context, current: "/app/follows", request: request))
    }
}

extension WebTemplates {
    static let followQuality = """
        <p><a href="/app/follows">All follows</a> · <a href="/app/follows/{{id}}/edit">Edit settings</a> · <a href="/app/activity?follow={{id}}">Activity</a></p>
        <section class="card" aria-labelledby="quality-drag">
        <h2 id="quality-drag">Copy drag <span class="status status-{{statusClass}}">{{status}}</span></h2>
        <p>Window: {{#windows}}{{#current}}<strong>{{label}}</strong>{{/current}}{{^current}}<a href="/app/follows/{{id}}?days={{days}}">{{label}}</a>{{/current}} {{/windows}}</p>
        <p>The leader's trades at your size would have made <strong data-quality="ideal">{{ideal}}</strong> pUSD; your copies made <strong data-quality="actual">{{actual}}</strong> pUSD. The difference, <strong>{{totalDrag}}</strong> pUSD, went to:</p>
        <div class="table-scroll"><table data-quality="drag">
        <caption>Where the difference went (pUSD; positive = cost you money)</caption>
        <thead><tr><th scope="col">Cause</th><th scope="col">pUSD</th><th scope="col">What it means</th></tr></thead>
        <tbody>{{#components}}<tr><th scope="row">{{name}}</th><td>{{value}}</td><td>{{why}}</td></tr>{{/components}}</tbody>
        </table></div>
        <p>Fill price against the leader's: median {{p50}} bps, 90th percentile {{p90}} bps (positive = worse).</p>
        <p>Open positions valued at their midpoint at {{markedAt}}; resolved ones at their payout.{{#hasUnmarked}} {{unmarked}} market(s) had no price and are left out.{{/hasUnmarked}}</p>
        </section>
        <section class="card" aria-labelledby="quality-skips">
        <h2 id="quality-skips">Skip funnel</h2>
        {{#hasSkips}}
        <div class="table-scroll"><table data-quality="skips">
        <caption>Trades not copied, and what they would have made at the leader's price (pUSD; negative = the skip saved money)</caption>
        <thead><tr><th scope="col">Reason</th><th scope="col">Trades</th><th scope="col">Would have made</th></tr></thead>
        <tbody>{{#skips}}<tr><th scope="row">{{reason}}</th><td>{{count}}</td><td>{{value}}</td></tr>{{/skips}}</tbody>
        </table></div>
        {{/hasSkips}}
        {{^hasSkips}}<p>Nothing skipped in this window.</p>{{/hasSkips}}
        </section>
        {{#hasTwins}}
        <section class="card" aria-labelledby="quality-twins">
        <h2 id="quality-twins">Paper twins</h2>
        <div class="table-scroll"><table data-quality="twins">
        <caption>The same leader on paper with other settings, over the same window (pUSD)</caption>
        <thead><tr><th scope="col">Twin</th><th scope="col">Max slippage</th><th scope="col">Would have made</th><th scope="col">Made on paper</th><th scope="col">Skipped</th></tr></thead>
        <tbody>{{#twins}}<tr><th scope="row">{{sizing}}</th><td>{{slippage}}</td><td>{{ideal}}</td><td>{{actual}}</td><td>{{skipped}}</td></tr>{{/twins}}</tbody>
        </table></div>
        </section>
        {{/hasTwins}}
        """
}
