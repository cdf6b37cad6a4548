import Mustache

/// The pages' Mustache templates, compiled into the binary (no resource bundle a container could
/// miss). `{{name}}` escapes HTML; `{{{name}}}` is used only for markup this app rendered itself
/// (a page's body, the server-drawn SVG).
enum WebTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in Self.sources {
            do {
                try library.register(text, named: name)
            } catch {
                preconditionFailure("web template \(name) does not parse: \(error)")
            }
        }
        return library
    }()

    /// Renders template `name` with `context` (dictionaries and arrays of them).
    static func render(_ name: String, _ context: [String: Any]) -> String {
        Self.library.render(context, withTemplate: name) ?? ""
    }

    static let sources: [String: String] = [
        "layout": layout, "field": field, "signIn": signIn, "overview": overview, "leaders": leaders,
        "follows": follows, "followForm": followForm, "confirm": confirm, "activity": activity, "receipt": receipt,
        "positions": positions, "claims": claims, "withdrawals": withdrawals, "withdrawalConfirm": withdrawalConfirm,
        "operatorSignIn": operatorSignIn, "operatorStatus": operatorStatus, "operatorAudit": operatorAudit,
        "error": errorPage,
        "followQuality": followQuality,
        "notifications": NotificationTemplates.notifications, "notificationDeliveries": NotificationTemplates.deliveries,
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Mirror</title>
        <link rel="icon" href="/app/assets/icon.svg" type="image/svg+xml">
        <link rel="stylesheet" href="/app/assets/app.css">
        <script src="/app/assets/app.js" defer></script>
        {{#dynamic}}<script type="module" src="/app/assets/dynamic-sign-in.js"></script>{{/dynamic}}
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
        <a class="brand" href="/app">Mirror</a>
        {{#badge}}<span class="badge badge-{{badgeClass}}">{{badge}}</span>{{/badge}}
        {{#nav}}
        <nav aria-label="Main"><ul>
        {{#items}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/items}}
        </ul></nav>
        <form method="post" action="{{signOut}}" class="signout"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="linklike">Sign out</button></form>
        {{/nav}}
        </header>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        <main id="main"{{#live}} data-live="on"{{/live}}>
        <h1>{{title}}</h1>
        {{{body}}}
        </main>
        <footer><p>Mirror copies Polymarket traders. Amounts are pUSD (Polymarket USD, 1:1 with USDC).</p></footer>
        </body>
        </html>
        """

    /// One labelled input with its hint and its validation message beside it.
    static let field = """
        <div class="field{{#error}} has-error{{/error}}">
        <label for="{{id}}">{{label}}</label>
        {{#hint}}<p class="hint" id="{{id}}-hint">{{hint}}</p>{{/hint}}
        <input id="{{id}}" name="{{name}}" type="{{type}}" value="{{value}}"{{#inputmode}} inputmode="{{inputmode}}"{{/inputmode}}{{#required}} required{{/required}}{{#autocomplete}} autocomplete="{{autocomplete}}"{{/autocomplete}}{{#error}} aria-invalid="true"{{/error}}{{#describedBy}} aria-describedby="{{describedBy}}"{{/describedBy}}>
        {{#error}}<p class="error" id="{{id}}-error">{{error}}</p>{{/error}}
        </div>
        """

    static let signIn = """
        {{#pageError}}<p class="error-box" role="alert">{{pageError}}</p>{{/pageError}}
        {{#local}}
        <section class="card">
        <h2>Local mode</h2>
        <p>This server runs in local mode against a simulated exchange. The demo user already copies a simulated leader.</p>
        <form method="post" action="/sign-in/dev">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="name" value="demo">
        <button type="submit" class="primary">Sign in as the demo user</button>
        </form>
        <form method="post" action="/sign-in/dev" class="stack">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        {{#nameField}}{{> field}}{{/nameField}}
        <button type="submit">Sign in with this name</button>
        </form>
        </section>
        {{/local}}
        {{#dynamic}}
        <section class="card" id="dynamic-sign-in" data-environment-id="{{environmentID}}" data-sdk-url="{{sdkURL}}">
        <h2>Sign in with your email</h2>
        <form id="dynamic-email" class="stack">
        <label for="dynamic-email-address">Email address</label>
        <input id="dynamic-email-address" name="email" type="email" autocomplete="email" required>
        <button type="submit" class="primary">Send me a code</button>
        </form>
        <form id="dynamic-code" class="stack" hidden>
        <label for="dynamic-code-value">The code we emailed you</label>
        <input id="dynamic-code-value" name="code" inputmode="numeric" autocomplete="one-time-code" required>
        <button type="submit" class="primary">Sign in</button>
        </form>
        <form id="dynamic-token" method="post" action="/sign-in/dynamic" hidden>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="token" value="">
        </form>
        <p id="dynamic-status" role="status"></p>
        <noscript><p>Signing in with Dynamic needs JavaScript.</p></noscript>
        </section>
        {{/dynamic}}
        {{^local}}{{^dynamic}}<p>No sign-in method is configured on this server.</p>{{/dynamic}}{{/local}}
        """

    static let overview = """
        <p>Copying mode: <span class="badge badge-{{modeClass}}">{{modeLabel}}</span>{{#simulated}} on the simulated exchange (local mode){{/simulated}}</p>
        {{#health}}<div class="banner banner-{{level}}" role="status"><strong>{{headline}}</strong> {{detail}}</div>{{/health}}
        {{#ruleBanner}}<div class="banner banner-{{level}}" role="status"><strong>{{headline}}</strong> {{detail}}</div>{{/ruleBanner}}
        <section class="tiles" aria-label="Account">
        <div class="tile"><h2>Available</h2><p class="big">{{available}} <abbr title="Polymarket USD, the exchange's collateral, backed 1:1 by USDC">pUSD</abbr></p><p class="hint">{{balanceNote}}</p></div>
        <div class="tile"><h2>Copies today</h2><p class="big">{{copiesToday}}</p><p class="hint">{{skipsToday}} skipped</p></div>
        <div class="tile"><h2>Realized PnL</h2><p class="big {{realizedClass}}">{{realized}}</p></div>
        <div class="tile"><h2>Unrealized PnL</h2><p class="big {{unrealizedClass}}">{{unrealized}}</p></div>
        </section>
        <section class="card">
        <h2>Deposit address</h2>
        <p>Send pUSD on Polygon to <code class="address">{{depositAddress}}</code></p>
        <p class="hint">Only pUSD (Polymarket USD) can be traded. USDC must first be wrapped into pUSD, as Polymarket's own deposit does; Mirror does not wrap USDC sent here.</p>
        <p class="hint">Wallet {{onboarding}}{{^ready}} — being set up; copying starts when it is READY{{/ready}}.</p>
        </section>
        <section class="card chart-card">
        <h2 id="equity-title">Equity, last 14 days</h2>
        <p class="hint">Wallet collateral plus open positions at their order book's midpoint, recorded hourly by position sync.</p>
        <div class="chart-wrap">
        <figure aria-labelledby="equity-title">{{{equityChart}}}</figure>
        <table class="chart-table"><caption>Equity at each day's last snapshot (pUSD)</caption>
        <thead><tr><th scope="col">Day</th><th scope="col">Equity</th><th scope="col">Collateral</th><th scope="col">Positions</th></tr></thead>
        <tbody>{{#equityDays}}<tr><td>{{day}}</td><td>{{equity}}</td><td>{{collateral}}</td><td>{{positions}}</td></tr>{{/equityDays}}
        {{^hasEquity}}<tr><td colspan="4">No snapshot yet: the first is taken at the next position sync.</td></tr>{{/hasEquity}}</tbody></table>
        </div>
        </section>
        <section class="card chart-card">
        <h2 id="chart-title">Copied volume, last 14 days</h2>
        <div class="chart-wrap">
        <figure aria-labelledby="chart-title">{{{chart}}}</figure>
        <table class="chart-table"><caption>Volume per day</caption>
        <thead><tr><th scope="col">Day</th><th scope="col">Copies</th><th scope="col">pUSD</th></tr></thead>
        <tbody>{{#days}}<tr><td>{{day}}</td><td>{{count}}</td><td>{{volume}}</td></tr>{{/days}}</tbody></table>
        </div>
        </section>
        <section class="card">
        <h2>Follows</h2>
        {{#hasFollows}}<ul class="plain">{{#follows}}<li><a href="/app/follows/{{id}}/edit">{{leaderName}}</a> <span class="status status-{{statusClass}}">{{status}}</span></li>{{/follows}}</ul>{{/hasFollows}}
        {{^follows}}<p>You follow nobody yet. <a href="/app/leaders">Choose a leader</a>.</p>{{/follows}}
        <p><a href="/app/kill-switch" class="danger-link">Pause all my copying</a></p>
        </section>
        """

    static let leaders = """
        <section class="card">
        <h2>Add a leader</h2>
        <form method="post" action="/app/leaders" class="stack">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        {{#addressField}}{{> field}}{{/addressField}}
        {{#labelField}}{{> field}}{{/labelField}}
        <button type="submit" class="primary">Add leader</button>
        </form>
        </section>
        {{#leaders}}
        <section class="card leader" aria-labelledby="leader-{{id}}">
        <h2 id="leader-{{id}}">{{name}}</h2>
        <p><code class="address">{{address}}</code></p>
        {{#followID}}<p>You follow this leader: <a href="/app/follows/{{followID}}/edit">settings</a>.</p>{{/followID}}
        {{^followID}}<p><a class="button" href="/app/follows/new?leader={{id}}">Follow {{name}}</a></p>{{/followID}}
        {{#hasAttempts}}
        <div class="table-scroll"><table>
        <caption>Your results copying this leader</caption>
        <thead><tr><th scope="col">Window</th><th scope="col">Copied</th><th scope="col">Skipped</th><th scope="col">pUSD copied</th></tr></thead>
        <tbody>{{#results}}<tr><td>{{window}}</td><td>{{copied}}</td><td>{{skipped}}</td><td>{{volume}}</td></tr>{{/results}}</tbody>
        </table></div>
        <p>Profit and loss copying this leader so far: realized {{realized}}, unrealized {{unrealized}} pUSD.</p>
        <h3>Skip funnel</h3>
        <p>Of the last {{funnel.seen}} fills seen: {{funnel.copied}} copied, {{funnel.failed}} failed, {{funnel.open}} in progress, {{funnel.skipped}} skipped.</p>
        {{#funnel.hasReasons}}<ul class="plain">{{#funnel.reasons}}<li>{{count}} × {{reason}}</li>{{/funnel.reasons}}</ul>{{/funnel.hasReasons}}
        {{/hasAttempts}}
        {{^hasAttempts}}<p>No copies of this leader yet{{#followID}}: new fills are copied as they come{{/followID}}.</p>{{/hasAttempts}}
        <h3>Recent activity</h3>
        {{#hasRecent}}<ul class="plain">{{#recent}}<li>{{side}} {{size}} shares of {{market}} ({{outcome}}) at {{price}} — {{time}}</li>{{/recent}}</ul>{{/hasRecent}}
        {{^recent}}<p>No fills seen yet.</p>{{/recent}}
        </section>
        {{/leaders}}
        """

    static let follows = """
        <p><a class="button" href="/app/leaders">Follow another leader</a> <a class="danger-link" href="/app/kill-switch">Pause all my copying</a></p>
        {{#follows}}
        <section class="card" aria-labelledby="follow-{{id}}">
        <h2 id="follow-{{id}}">{{leaderName}} <span class="status status-{{statusClass}}">{{status}}</span></h2>
        <p>{{sizing}} · {{mode}}{{#twin}} (paper twin){{/twin}} · on stop: {{stopBehavior}}</p>
        {{#pauseRule}}<p class="error-box" role="status">Paused by its auto-pause rule: {{pauseRule}}</p>{{/pauseRule}}
        <ul class="actions">
        <li><a href="/app/follows/{{id}}">Copy quality</a></li>
        <li><a href="/app/follows/{{id}}/edit">Edit settings</a></li>
        <li><a href="/app/positions?follow={{id}}">Positions</a></li>
        <li><a href="/app/activity?follow={{id}}">Activity</a></li>
        {{#canPause}}<li><a href="/app/follows/{{id}}/confirm/pause">Pause</a></li>{{/canPause}}
        {{#canResume}}<li><a href="/app/follows/{{id}}/confirm/resume">Resume</a></li>{{/canResume}}
        {{#canExitOnly}}<li><a href="/app/follows/{{id}}/confirm/exit-only">Exits only</a></li>{{/canExitOnly}}
        {{#canStop}}<li><a href="/app/follows/{{id}}/confirm/stop">Stop</a></li>{{/canStop}}
        </ul>
        </section>
        {{/follows}}
        {{^follows}}<p>You follow nobody yet. <a href="/app/leaders">Choose a leader</a>.</p>{{/follows}}
        <section class="card" aria-labelledby="account-event-cap">
        <h2 id="account-event-cap">Account-wide event cap: {{eventCap}}</h2>
        <form method="post" action="/app/account/event-cap" class="stack" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        {{#eventCapField}}{{> field}}{{/eventCapField}}
        <button type="submit">Save cap</button>
        </form>
        </section>
        """

    static let followForm = """
        {{#pageError}}<p class="error-box" role="alert">Please fix the field marked below: {{pageError}}</p>{{/pageError}}
        <form method="post" action="{{action}}" class="stack" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        {{#leaderID}}<input type="hidden" name="leader" value="{{leaderID}}">{{/leaderID}}
        <p>Leader: <strong>{{leaderName}}</strong></p>
        {{#hasPresets}}
        <fieldset><legend>Start from a preset</legend>
        {{#presets}}<div class="choice"><input type="radio" id="preset-{{value}}" name="preset" value="{{value}}"{{#checked}} checked{{/checked}}><label for="preset-{{value}}">{{label}}</label></div>{{/presets}}
        </fieldset>
        {{/hasPresets}}
        <fieldset><legend>Sizing</legend>
        <div class="field{{#sizingModeError}} has-error{{/sizingModeError}}">
        <label for="sizing-mode">How much to copy</label>
        <select id="sizing-mode" name="sizing.mode">{{#sizingModes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/sizingModes}}</select>
        {{#sizingModeError}}<p class="error">{{sizingModeError}}</p>{{/sizingModeError}}
        </div>
        {{#sizingFields}}{{> field}}{{/sizingFields}}
        </fieldset>
        <fieldset><legend>Mode</legend>
        <div class="field"><label for="mode">Trading</label>
        <select id="mode" name="mode">{{#modes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/modes}}</select></div>
        <div class="field"><label for="stop-behavior">When I stop following</label>
        <select id="stop-behavior" name="stopBehavior">{{#stopBehaviors}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/stopBehaviors}}</select></div>
        </fieldset>
        <fieldset><legend>Limits (leave blank to keep the preset's)</legend>
        {{#limitFields}}{{> field}}{{/limitFields}}
        </fieldset>
        <button type="submit" class="primary">{{submit}}</button>
        </form>
        """

    static let confirm = """
        <section class="card">
        <p>{{question}}</p>
        <form method="post" action="{{action}}" class="stack">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        {{#hasChoices}}
        <fieldset><legend>{{choiceLegend}}</legend>
        {{#choices}}<div class="choice"><input type="radio" id="choice-{{value}}" name="{{name}}" value="{{value}}"{{#checked}} checked{{/checked}}><label for="choice-{{value}}">{{label}}</label></div>{{/choices}}
        </fieldset>
        {{/hasChoices}}
        {{#hidden}}<input type="hidden" name="{{name}}" value="{{value}}">{{/hidden}}
        <button type="submit" class="{{buttonClass}}">{{button}}</button>
        <a href="{{back}}">Cancel</a>
        </form>
        </section>
        """

    static let activity = """
        <form method="get" action="/app/activity" class="filters" aria-label="Filter attempts">
        <div class="field"><label for="filter-status">Status</label>
        <select id="filter-status" name="status">{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select></div>
        <div class="field"><label for="filter-kind">Kind</label>
        <select id="filter-kind" name="kind">{{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select></div>
        <div class="field"><label for="filter-follow">Follow</label>
        <select id="filter-follow" name="follow">{{#followOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/followOptions}}</select></div>
        <button type="submit">Filter</button>
        </form>
        <p class="hint" id="live-hint">New copies appear here as they happen.</p>
        <div data-live-region class="table-scroll">
        <table>
        <caption>Copy attempts, newest first</caption>
        <thead><tr><th scope="col">When (UTC)</th><th scope="col" class="wide-only">Leader</th><th scope="col">Market</th><th scope="col" class="wide-only">Kind</th><th scope="col">Status</th><th scope="col">Why / result</th></tr></thead>
        <tbody>
        {{#attempts}}<tr class="attempt" data-attempt="{{id}}"><td>{{time}}</td><td class="wide-only">{{leaderName}}</td><td>{{market}}</td><td class="wide-only">{{kind}}</td><td><span class="status status-{{statusClass}}">{{status}}</span></td><td>{{explanation}} <a href="/app/activity/{{id}}">Receipt<span class="visually-hidden"> for {{market}} at {{time}}</span></a></td></tr>{{/attempts}}
        {{^attempts}}<tr><td colspan="6">No copy attempts yet{{#filtered}} matching these filters{{/filtered}}.</td></tr>{{/attempts}}
        </tbody>
        </table>
        </div>
        {{#next}}<p><a href="{{next}}">Older attempts</a></p>{{/next}}
        """

    static let receipt = """
        <section class="card">
        <dl class="facts">
        <dt>Leader</dt><dd>{{leaderName}}</dd>
        <dt>Market</dt><dd>{{market}} ({{outcome}})</dd>
        <dt>Kind</dt><dd>{{kind}}</dd>
        <dt>Status</dt><dd><span class="status status-{{statusClass}}">{{status}}</span> {{explanation}}</dd>
        <dt>Leader's trade</dt><dd>{{leaderTrade}}</dd>
        <dt>Our trade</dt><dd>{{ourTrade}}</dd>
        <dt>Slippage</dt><dd>{{slippage}}</dd>
        </dl>
        </section>
        <section class="card">
        <h2>Stages</h2>
        <div class="table-scroll"><table>
        <caption>From the leader's fill to ours</caption>
        <thead><tr><th scope="col">Stage</th><th scope="col">At</th><th scope="col">Since previous</th></tr></thead>
        <tbody>{{#stages}}<tr><td>{{name}}</td><td>{{at}}</td><td>{{latency}}</td></tr>{{/stages}}</tbody>
        </table></div>
        <h3>References</h3>
        <ul class="plain">{{#references}}<li>{{label}}: <code>{{value}}</code></li>{{/references}}</ul>
        </section>
        <p><a href="/app/activity">Back to activity</a></p>
        """

    static let positions = """
        <p>Realized PnL <strong class="{{realizedClass}}">{{realized}}</strong> · unrealized <strong class="{{unrealizedClass}}">{{unrealized}}</strong> pUSD</p>
        {{#groups}}
        <section class="card">
        <h2>{{leaderName}}</h2>
        <div class="table-scroll"><table>
        <caption>Positions copying {{leaderName}}</caption>
        <thead><tr><th scope="col">Market</th><th scope="col" class="wide-only">Token</th><th scope="col">Shares</th><th scope="col">Avg cost</th><th scope="col">Mid</th><th scope="col">Realized</th><th scope="col">Unrealized</th></tr></thead>
        <tbody>{{#rows}}<tr><td>{{market}}{{#redeemable}} <span class="status status-ok">resolved</span>{{/redeemable}}</td><td class="wide-only"><code>{{token}}</code></td><td>{{shares}}</td><td>{{averageCost}}</td><td>{{mid}}</td><td>{{realized}}</td><td>{{unrealized}}</td></tr>{{/rows}}
        {{^rows}}<tr><td colspan="7">No positions.</td></tr>{{/rows}}</tbody>
        </table></div>
        </section>
        {{/groups}}
        {{^groups}}<p>No positions yet.</p>{{/groups}}
        """

    static let claims = """
        <p>Winnings of resolved markets are claimed for you automatically.</p>
        <div class="table-scroll"><table>
        <caption>Claims</caption>
        <thead><tr><th scope="col">Requested</th><th scope="col">Market</th><th scope="col">Amount</th><th scope="col">Status</th></tr></thead>
        <tbody>{{#claims}}<tr><td>{{time}}</td><td><code>{{condition}}</code></td><td>{{amount}}</td><td><span class="status status-{{statusClass}}">{{status}}</span></td></tr>{{/claims}}
        {{^claims}}<tr><td colspan="4">No claims yet.</td></tr>{{/claims}}</tbody>
        </table></div>
        """

    static let withdrawals = """
        <section class="card">
        <h2>Request a withdrawal</h2>
        <p>Available: {{available}} pUSD</p>
        <p class="hint">{{balanceNote}}</p>
        <form method="post" action="/app/withdrawals/confirm" class="stack" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        {{#fields}}{{> field}}{{/fields}}
        <button type="submit" class="primary">Review withdrawal</button>
        </form>
        </section>
        <div data-live-region class="table-scroll">
        <table>
        <caption>Your withdrawals</caption>
        <thead><tr><th scope="col">Requested</th><th scope="col">Amount</th><th scope="col">To</th><th scope="col">Status</th></tr></thead>
        <tbody>{{#withdrawals}}<tr class="withdrawal"><td>{{time}}</td><td>{{amount}}</td><td><code class="address" title="{{destination}}">{{shortDestination}}</code></td><td><span class="status status-{{statusClass}}">{{status}}</span>{{#lastError}} {{lastError}}{{/lastError}}</td></tr>{{/withdrawals}}
        {{^withdrawals}}<tr><td colspan="4">No withdrawals yet.</td></tr>{{/withdrawals}}</tbody>
        </table>
        </div>
        """

    static let withdrawalConfirm = """
        <section class="card">
        <p>Send <strong>{{amount}} pUSD</strong> to <code class="address">{{destination}}</code>? This cannot be undone.</p>
        <form method="post" action="/app/withdrawals" class="stack">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="amount" value="{{amount}}">
        <input type="hidden" name="destination" value="{{destination}}">
        <input type="hidden" name="key" value="{{key}}">
        <button type="submit" class="primary">Withdraw {{amount}} pUSD</button>
        <a href="/app/withdrawals">Cancel</a>
        </form>
        </section>
        """

    static let operatorSignIn = """
        {{#pageError}}<p class="error-box" role="alert">{{pageError}}</p>{{/pageError}}
        <section class="card">
        <p>Operator pages need the server's ADMIN_TOKEN. The session lasts 15 minutes and is audited.</p>
        <form method="post" action="/app/operator/sign-in" class="stack">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        {{#tokenField}}{{> field}}{{/tokenField}}
        <button type="submit" class="primary">Open operator session</button>
        </form>
        </section>
        """

    static let operatorStatus = """
        <p>System status: <span class="status status-{{statusClass}}">{{status}}</span></p>
        {{#result}}<p class="notice" role="status">{{result}}</p>{{/result}}
        <section class="card">
        <h2>Copying for everyone</h2>
        <form method="post" action="/app/operator/pause-all" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="danger">Pause all</button></form>
        <form method="post" action="/app/operator/resume-all" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">Resume all</button></form>
        <form method="post" action="/app/operator/reconcile" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">Reconcile in-flight orders</button></form>
        </section>
        <section class="card">
        <h2>Workers</h2>
        <div class="table-scroll"><table><caption>Heartbeats</caption>
        <thead><tr><th scope="col">Worker</th><th scope="col">Last heartbeat</th><th scope="col">Age</th><th scope="col">State</th></tr></thead>
        <tbody>{{#workers}}<tr><td>{{name}}</td><td>{{lastPing}}</td><td>{{age}}</td><td><span class="status status-{{stateClass}}">{{state}}</span></td></tr>{{/workers}}</tbody></table></div>
        <h2>Circuit breakers</h2>
        <div class="table-scroll"><table><caption>Breakers</caption>
        <thead><tr><th scope="col">Service</th><th scope="col">State</th><th scope="col">Failures in a row</th></tr></thead>
        <tbody>{{#breakers}}<tr><td>{{service}}</td><td>{{state}}</td><td>{{failures}}</td></tr>{{/breakers}}
        {{^breakers}}<tr><td colspan="3">No breakers.</td></tr>{{/breakers}}</tbody></table></div>
        <h2>Components</h2>
        <div class="table-scroll"><table><caption>Last health check {{checkedAt}}</caption>
        <thead><tr><th scope="col">Component</th><th scope="col">State</th><th scope="col">Detail</th></tr></thead>
        <tbody>{{#components}}<tr><td>{{name}}</td><td>{{state}}</td><td>{{detail}}</td></tr>{{/components}}
        {{^components}}<tr><td colspan="3">No fresh health check.</td></tr>{{/components}}</tbody></table></div>
        <h2>Feed lag</h2>
        <div class="table-scroll"><table><caption>Newest fill seen per leader</caption>
        <thead><tr><th scope="col">Leader</th><th scope="col">Newest fill</th><th scope="col">Detected after</th></tr></thead>
        <tbody>{{#feeds}}<tr><td>{{name}}</td><td>{{newest}}</td><td>{{lag}}</td></tr>{{/feeds}}
        {{^feeds}}<tr><td colspan="3">No fills seen yet.</td></tr>{{/feeds}}</tbody></table></div>
        </section>
        <section class="card">
        <h2>Failed relayer transactions</h2>
        <div class="table-scroll"><table><caption>FAILED, newest first</caption>
        <thead><tr><th scope="col">Id</th><th scope="col">Kind</th><th scope="col">Submits</th><th scope="col">Error</th><th scope="col">Retry</th></tr></thead>
        <tbody>{{#failed}}<tr><td><code>{{id}}</code></td><td>{{kind}}</td><td>{{submits}}</td><td>{{error}}</td><td><form method="post" action="/app/operator/retry" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="tx" value="{{id}}"><button type="submit">Retry<span class="visually-hidden"> {{id}}</span></button></form></td></tr>{{/failed}}
        {{^failed}}<tr><td colspan="5">None.</td></tr>{{/failed}}</tbody></table></div>
        </section>
        """

    static let operatorAudit = """
        <div class="table-scroll"><table><caption>Newest first</caption>
        <thead><tr><th scope="col">When</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Subject</th><th scope="col">Details</th></tr></thead>
        <tbody>{{#entries}}<tr><td>{{time}}</td><td>{{actor}}</td><td>{{action}}</td><td>{{subject}}</td><td>{{details}}</td></tr>{{/entries}}</tbody></table></div>
        """

    static let errorPage = """
        <p class="error-box" role="alert">{{message}}</p>
        <p><a href="{{back}}">Go back</a></p>
        """
}
