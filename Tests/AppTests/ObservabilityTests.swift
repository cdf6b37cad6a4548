import Foundation
import Hummingbird
import HummingbirdTesting
import InMemoryAdapter
import Kernel
import KeyVaultAdapter
import KernelTesting
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Synchronization
import Testing

@testable import App

/// A clock whose sleeps end at once: a deadline on it expires as soon as the work yields, so a
/// hung probe is judged without the test waiting.
struct ImmediateClock: Clock {
    var now: ContinuousClock.Instant { ContinuousClock.now }
    var minimumResolution: Duration { .zero }
    func sleep(until deadline: ContinuousClock.Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
    }
}

/// Suspends until cancelled: a server that accepted the connection and never answers.
func hangUntilCancelled() async throws {
    try await Task.sleep(for: .seconds(86_400))
}

/// One scrape of `/metrics` as lines, without comments.
func scrape(_ client: some TestClientProtocol, token: String? = nil) async throws -> (status: HTTPResponse.Status, lines: [String]) {
    var headers: HTTPFields = [:]
    if let token { headers[.authorization] = "Bearer \(token)" }
    return try await client.execute(uri: "/metrics", method: .get, headers: headers) { response in
        (response.status, String(buffer: response.body).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") })
    }
}

@Suite struct MetricNamingTests {
    @Test func dottedAndForeignNamesBecomeMirrorUnderscoreNamesWithTheirUnitSuffix() {
        #expect(NamingMetricsFactory.metricName("mirror.copy.attempts", kind: .counter) == "mirror_copy_attempts_total")
        #expect(NamingMetricsFactory.metricName("mirror_copy_attempts_total", kind: .counter) == "mirror_copy_attempts_total")
        #expect(NamingMetricsFactory.metricName("polymarket_requests_total", kind: .counter) == "mirror_polymarket_requests_total")
        #expect(NamingMetricsFactory.metricName("mirror_leader_feed_lag", kind: .timer) == "mirror_leader_feed_lag_seconds")
        #expect(NamingMetricsFactory.metricName("mirror_copy_latency_seconds", kind: .timer) == "mirror_copy_latency_seconds")
        #expect(NamingMetricsFactory.metricName("http.server.active-requests", kind: .gauge) == "mirror_http_server_active_requests")
        #expect(NamingMetricsFactory.labelName("http.route") == "http_route")
    }

    /// The registry stops the process on a name reused as another kind, or labelled and not:
    /// the factory renames the second use instead.
    @Test func aNameReusedAsAnotherKindIsRenamedNotFatal() {
        let registry = PrometheusCollectorRegistry()
        let factory = NamingMetricsFactory(PrometheusMetricsFactory(registry: registry))
        factory.makeRecorder(label: "mirror.thing", dimensions: [], aggregate: false).record(Int64(3))
        factory.makeRecorder(label: "mirror.thing", dimensions: [], aggregate: true).record(Int64(4))
        factory.makeRecorder(label: "mirror.thing", dimensions: [("worker", "a")], aggregate: false).record(Int64(5))
        factory.makeCounter(label: "mirror.thing.seen", dimensions: [("reason", "x")]).increment(by: 2)
        let text = registry.emitToString()
        #expect(text.contains("mirror_thing 3"))
        #expect(text.contains("mirror_thing_histogram_count 1"))
        #expect(text.contains(#"mirror_thing_gauge_labelled{worker="a"} 5"#))
        #expect(text.contains(#"mirror_thing_seen_total{reason="x"} 2"#))
    }
}

@Suite struct MetricsAccessTests {
    @Test func theTokenDecidesWhenSetAndTheModeWhenNot() {
        let token = Secret(String(repeating: "m", count: 40))
        #expect(MetricsAccess.decide(token: nil, mode: .local, authorization: nil) == .allowed)
        #expect(MetricsAccess.decide(token: nil, mode: .production, authorization: nil) == .hidden)
        #expect(MetricsAccess.decide(token: nil, mode: .production, authorization: "Bearer anything") == .hidden)
        #expect(MetricsAccess.decide(token: token, mode: .local, authorization: nil) == .unauthorized)
        #expect(MetricsAccess.decide(token: token, mode: .production, authorization: "Bearer wrong") == .unauthorized)
        #expect(MetricsAccess.decide(token: token, mode: .production, authorization: token.revealed) == .unauthorized)
        #expect(MetricsAccess.decide(token: token, mode: .production, authorization: "bearer \(token.revealed)") == .allowed)
    }

    @Test func aShortMetricsTokenIsRefusedWithoutEchoingIt() {
        let error = configurationError(["METRICS_TOKEN": "short-canary"])
        #expect(error?.variable == "METRICS_TOKEN")
        #expect(error.map { !"\($0)".contains("short-canary") } == true)
    }

    /// The three answers over HTTP, on a router with only the observability routes.
    @Test(arguments: [
        (MirrorConfiguration.Mode.production, nil as String?, nil as String?, HTTPResponse.Status.notFound),
        (.production, String(repeating: "t", count: 32), "wrong", .unauthorized),
        (.production, String(repeating: "t", count: 32), String(repeating: "t", count: 32), .ok),
        (.local, nil, nil, .ok),
    ])
    func metricsRouteAnswers(_ mode: MirrorConfiguration.Mode, _ token: String?, _ presented: String?,
                             _ expected: HTTPResponse.Status) async throws {
        let router = Router(context: AppRequestContext.self)
        router.middlewares.add(JSONErrorMiddleware())
        router.addObservabilityRoutes(
            ObservabilityDependencies(probes: [], breakers: [], store: InMemoryStore(), cache: InMemoryCache(clock: .system),
                                      metricsToken: token.map(Secret.init), mode: mode),
            clock: ContinuousClock())
        try await Application(router: router).test(.router) { client in
            let (status, lines) = try await scrape(client, token: presented)
            #expect(status == expected)
            if expected == .ok { #expect(lines.contains { $0.hasPrefix("mirror_relayer_transactions{state=\"PENDING\"}") }) }
        }
    }
}

@Suite struct ReadinessTests {
    @Test func readyIs503UntilTheDatabaseAndTheCacheAnswerThen200() async throws {
        let databaseUp = Atomic<Bool>(false)
        let probes = [
            HealthProbe(name: "database") { if !databaseUp.load(ordering: .relaxed) { try await hangUntilCancelled() } },
            HealthProbe(name: "cache") {},
        ]
        func router(clock: some Clock<Duration>) -> Router<AppRequestContext> {
            let router = Router(context: AppRequestContext.self)
            router.addObservabilityRoutes(
                ObservabilityDependencies(probes: probes, breakers: [], store: InMemoryStore(),
                                          cache: InMemoryCache(clock: .system), metricsToken: nil, mode: .local),
                clock: clock)
            return router
        }
        try await Application(router: router(clock: ImmediateClock())).test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let view = try JSONDecoder().decode(ReadinessView.self, from: Data(String(buffer: response.body).utf8))
                #expect(view.status == "unavailable")
                #expect(view.components.map(\.up) == [false, true], "the hung database is down, the cache up")
            }
            databaseUp.store(true, ordering: .relaxed)
        }
        try await Application(router: router(clock: ContinuousClock())).test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .ok)
                let view = try JSONDecoder().decode(ReadinessView.self, from: Data(String(buffer: response.body).utf8))
                #expect(view == ReadinessView(status: "ready", components: [ProbeResult(name: "database", up: true),
                                                                           ProbeResult(name: "cache", up: true)]))
            }
        }
    }

    /// `/system/status` asks the database itself: a database that stopped answering shows as down
    /// on the very next request (3 s deadline), not after the last health check expires.
    @Test func systemStatusProbesTheDatabaseItself() async throws {
        let world = try await APIWorld.make()
        var admin = world.backends.adminDependencies(wallClock: .system, logger: Logger(label: "test"))
        #expect(try await admin.systemStatus().database.up)

        admin.probeDatabase = { throw StoreError.corruptRow(table: "probe", column: "none", value: "connection refused") }
        let refused = try await admin.systemStatus()
        #expect(refused.database.up == false)
        #expect(refused.status == "degraded")

        admin.probeDatabase = { try await hangUntilCancelled() }
        admin.databaseProbeTimeout = .milliseconds(50)
        let hung = try await admin.systemStatus()
        #expect(hung.database.up == false)
        #expect(hung.database.detail == "no answer within 0.05 seconds")
    }
}

@Suite struct LivenessTests {
    let start = Timestamp.fixture
    var policy: LivenessPolicy {
        LivenessPolicy(stallLimits: [.copyTrading: .seconds(120), .autoClaim: .seconds(180)],
                       databaseUnreachableLimit: .seconds(60), startedAt: self.start)
    }

    @Test func aLoopIsStalledOnlyPastItsLimitCountingFromStartUpBeforeItsFirstBeat() {
        let beats: [WorkerName: Timestamp] = [.copyTrading: self.start + .seconds(100), .autoClaim: self.start + .seconds(100)]
        #expect(self.policy.verdict(now: self.start + .seconds(120), beats: [:], databaseDownSince: nil) == .alive)
        #expect(self.policy.verdict(now: self.start + .seconds(220), beats: beats, databaseDownSince: nil) == .alive)
        #expect(self.policy.verdict(now: self.start + .seconds(221), beats: beats, databaseDownSince: nil)
            == .stalled(.copyTrading, silentFor: .seconds(121)))
        #expect(self.policy.verdict(now: self.start + .seconds(181), beats: [.copyTrading: self.start + .seconds(180)],
                                    databaseDownSince: nil) == .stalled(.autoClaim, silentFor: .seconds(181)))
    }

    @Test func theDatabaseIsGivenUpOnOnlyAfterTheLimit() {
        let beats: [WorkerName: Timestamp] = [.copyTrading: self.start, .autoClaim: self.start]
        let downSince = self.start
        #expect(self.policy.verdict(now: self.start + .seconds(59), beats: beats, databaseDownSince: downSince) == .alive)
        #expect(self.policy.verdict(now: self.start + .seconds(60), beats: beats, databaseDownSince: downSince)
            == .databaseUnreachable(for: .seconds(60)))
    }

    @Test func stallLimitsAreThreeIntervalsAndNeverUnderTwoMinutes() {
        #expect(LivenessPolicy.stallLimit(interval: .seconds(1)) == .seconds(120))
        #expect(LivenessPolicy.stallLimit(interval: .seconds(300)) == .seconds(900))
    }

    /// The watchdog notes the first failed probe, forgives an answer, and gives up once the
    /// database has failed for the whole limit.
    @Test func theWatchdogExitsOnceTheDatabaseStaysUnreachable() async throws {
        let clock = ManualWallClock(self.start)
        let failing = Atomic<Bool>(true)
        let board = LivenessBoard()
        let watchdog = LivenessWatchdog(
            policy: LivenessPolicy(stallLimits: [:], databaseUnreachableLimit: .seconds(60), startedAt: self.start),
            board: board,
            probeDatabase: { if failing.load(ordering: .relaxed) { try await hangUntilCancelled() } },
            interval: .seconds(5), probeTimeout: .seconds(3), clock: ImmediateClock(), wallClock: clock.wallClock,
            logger: Logger(label: "test"))
        try await watchdog.check()
        #expect(board.databaseDownSince == self.start)
        clock.advance(by: .seconds(30))
        failing.store(false, ordering: .relaxed)
        try await watchdog.check()
        #expect(board.databaseDownSince == nil, "one answer resets the outage")
        failing.store(true, ordering: .relaxed)
        try await watchdog.check()
        clock.advance(by: .seconds(59))
        try await watchdog.check()
        clock.advance(by: .seconds(1))
        await #expect(throws: LivenessFailure.self) { try await watchdog.check() }
    }

    /// A loop that stops beating (a tick hung on a call that never returns) ends the watchdog,
    /// and with it the process, once its limit has passed — while the database answers fine.
    @Test func theWatchdogExitsWhenALoopStalls() async throws {
        let clock = ManualWallClock(self.start)
        let board = LivenessBoard()
        let watchdog = LivenessWatchdog(
            policy: LivenessPolicy(stallLimits: [.copyTrading: .seconds(120)], databaseUnreachableLimit: .seconds(60),
                                   startedAt: self.start),
            board: board, probeDatabase: {}, interval: .seconds(5), probeTimeout: .seconds(3), clock: ContinuousClock(),
            wallClock: clock.wallClock, logger: Logger(label: "test"))
        board.beat(.copyTrading, at: self.start + .seconds(10))
        clock.advance(by: .seconds(130))
        try await watchdog.check()
        #expect(board.databaseDownSince == nil)
        clock.advance(by: .seconds(1))
        let failure = await #expect(throws: LivenessFailure.self) { try await watchdog.check() }
        #expect(failure?.verdict == .stalled(.copyTrading, silentFor: .seconds(121)))
    }

    /// During a Redis outage `mirror workers` still starts and its loops run (the board sees their
    /// beats though the cache refuses them); `/health`, `/ready` (503: the cache is down) and
    /// `/metrics` answer on its own small server, and the API's routes are not there.
    @Test(.timeLimit(.minutes(1)))
    func workersStartAndServeTheirChecksWhileRedisIsDown() async throws {
        let config = try configuration(["DATABASE_URL": "memory:", "REDIS_URL": "redis://127.0.0.1:1"])
        let backends = try await Backends.open(configuration: config)
        let app = try await buildApplication(configuration: config, backends: backends, role: .workers)
        try await app.test(.router) { client in
            while backends.liveness.beats[.healthCheck] == nil {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(try await client.execute(uri: "/health", method: .get) { $0.status } == .ok)
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let view = try JSONDecoder().decode(ReadinessView.self, from: Data(String(buffer: response.body).utf8))
                #expect(view.components.map(\.name) == ["database", "cache"])
                #expect(view.components.map(\.up) == [true, false])
            }
            let (status, lines) = try await scrape(client)
            #expect(status == .ok)
            #expect(lines.contains { $0.hasPrefix(#"mirror_worker_heartbeat_timestamp_seconds{worker="health-check"}"#) })
            #expect(try await client.execute(uri: "/copy-attempts", method: .get) { $0.status } == .notFound)
        }
    }
}

@Suite struct ShutdownTests {
    /// SIGTERM while a venue call hangs: the group stops gracefully what it can, cancels the hung
    /// call once the graceful part of the drain is over, and returns within the drain.
    @Test(.timeLimit(.minutes(1)))
    func aHungVenueCallDoesNotHoldShutdownPastTheDrain() async throws {
        let started = Atomic<Bool>(false)
        let cancelled = Atomic<Bool>(false)
        let worker = PeriodicWorker(name: .copyTrading, interval: .seconds(1), clock: ContinuousClock(), wallClock: .system,
                                    cache: InMemoryCache(clock: .system), logger: Logger(label: "test")) {
            started.store(true, ordering: .relaxed)
            do {
                try await hangUntilCancelled()
            } catch {
                cancelled.store(true, ordering: .relaxed)
                throw error
            }
        }
        let operations = OperationsSettings(metricsToken: nil, logFormat: .text, drain: .milliseconds(400),
                                            databaseUnreachableLimit: .seconds(60))
        var configuration = serviceGroupConfiguration(
            [CloseOnShutdown(name: "pool") {}, worker], operations: operations, logger: Logger(label: "test"), signals: [])
        #expect(configuration.maximumGracefulShutdownDuration == .milliseconds(300))
        // Past the cancellation part the library stops the process; a loaded test machine must
        // not trip that, so only the graceful part is short here.
        configuration.maximumCancellationDuration = .seconds(60)
        let group = ServiceGroup(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try? await group.run() }
            while !started.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(5)) }
            let shutdown = ContinuousClock.now
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            #expect(ContinuousClock.now - shutdown < .seconds(5), "well within the drain's order of magnitude")
        }
        let wasCancelled = cancelled.load(ordering: .relaxed)
        #expect(wasCancelled, "the hung call was cancelled, not abandoned")
    }

    @Test func theDrainSplitsIntoAGracefulPartAndACancellationPart() throws {
        let settings = try configuration(["SHUTDOWN_DRAIN_SECONDS": "20"]).operations
        #expect(settings.gracefulShutdown == .seconds(15))
        #expect(settings.cancellation == .seconds(5))
        #expect(try configuration([:]).operations.drain == .seconds(20))
        #expect(configurationError(["SHUTDOWN_DRAIN_SECONDS": "0"])?.variable == "SHUTDOWN_DRAIN_SECONDS")
    }
}

@Suite struct RequestTracingTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func logger(_ label: String = "test") -> Logger {
            Logger(label: label) { label in
                var handler = JSONLogHandler(label: label, metadataProvider: RequestTrace.metadataProvider) { line in
                    self.lines.withLock { $0.append(line) }
                }
                handler.logLevel = .trace
                return handler
            }
        }
        var objects: [[String: String]] {
            self.lines.withLock { $0 }.compactMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
        }
    }

    @Test func jsonLinesAreOneObjectPerLineWithEscapedText() throws {
        let sink = Lines()
        sink.logger("mirror").warning("two\nlines \"quoted\"", metadata: ["worker.name": "copy-trading"])
        let line = try #require(sink.lines.withLock { $0.first })
        #expect(line.hasSuffix("}\n"))
        #expect(line.dropLast().contains("\n") == false)
        let object = try #require(sink.objects.first)
        #expect(object["message"] == "two\nlines \"quoted\"")
        #expect(object["level"] == "warning")
        #expect(object["label"] == "mirror")
        #expect(object["worker.name"] == "copy-trading")
        #expect(object["time"]?.hasSuffix("Z") == true)
    }

    /// The id set by the HTTP layer reaches log lines written by the work the request starts —
    /// with another logger, in a child task — and comes back as `X-Request-Id`.
    @Test func theRequestIDReachesTheWorkTheRequestStarts() async throws {
        let sink = Lines()
        let workLogger = sink.logger("mirror.work")
        let router = Router(context: AppRequestContext.self)
        router.middlewares.add(RequestObservabilityMiddleware())
        router.middlewares.add(JSONErrorMiddleware())
        router.get("/work") { _, _ -> HTTPResponse.Status in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { workLogger.info("child work done") }
                try await group.waitForAll()
            }
            return .ok
        }
        router.get("/fails") { _, _ -> HTTPResponse.Status in throw APIError.conflict("busy") }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/work", method: .get, headers: [requestIDHeader: "req-42"]) { response in
                #expect(response.headers[requestIDHeader] == "req-42")
            }
            try await client.execute(uri: "/work", method: .get, headers: [requestIDHeader: "bad id {with} junk"]) { response in
                let generated = try #require(response.headers[requestIDHeader])
                #expect(generated != "bad id {with} junk" && generated.count == 36)
            }
            try await client.execute(uri: "/fails", method: .get) { response in
                #expect(response.status == .conflict)
                #expect(response.headers[requestIDHeader] != nil, "errors carry the id too")
            }
        }
        let ids = sink.objects.filter { $0["message"] == "child work done" }.map { $0["request_id"] }
        #expect(ids.count == 2)
        #expect(ids.first == "req-42")
        workLogger.info("outside any request")
        #expect(sink.objects.last?["request_id"] == nil)
    }
}

@Suite struct FeedMarksTests {
    @Test func onlyFillsNewerThanTheSourcesMarkMoveItsReadings() {
        func fill(_ seconds: Int64, _ source: FeedSource) -> ObservedFill {
            ObservedFill(fill: LeaderFill(
                leaderAddress: try! WalletAddress("0x" + String(repeating: "a", count: 40)), transactionHash: "0x\(seconds)",
                tokenID: try! TokenID("1"), conditionID: "c", marketSlug: "m", outcome: "Yes", side: .buy,
                size: Shares(baseUnits: 1_000_000), price: Price(baseUnits: 500_000),
                occurredAt: .fixture + .seconds(seconds), source: source), occurrence: 0)
        }
        var marks = FeedMarks()
        let now = Timestamp.fixture + .seconds(20)
        let first = marks.observe([fill(10, .dataAPI), fill(12, .dataAPI), fill(15, .rtds)], now: now)
        #expect(first.map(\.source) == [.dataAPI, .rtds])
        #expect(first.map(\.lag) == [.seconds(8), .seconds(5)])
        #expect(first.first?.lastEvent == .fixture + .seconds(12))
        #expect(marks.observe([fill(10, .dataAPI), fill(12, .dataAPI)], now: now + .seconds(30)).isEmpty, "a re-polled page")
    }
}

@Suite struct ScrapeAfterActivityTests {
    /// The local demo runs (its simulated leaders trade, the engine copies them), then one scrape
    /// shows what an operator graphs: copy attempts by status, feed lag and last event per
    /// source, every worker's heartbeat, breaker states, relayer transactions and HTTP requests
    /// by route template.
    @Test(.timeLimit(.minutes(2)))
    func metricsShowTheDemoCopying() async throws {
        let config = try configuration(["DATABASE_URL": "memory:", "COPY_POLL_INTERVAL_MS": "20"])
        let backends = try await Backends.open(configuration: config)
        let app = try await buildApplication(configuration: config, backends: backends, role: .serve)
        let wanted = [
            "mirror_copy_attempts_total{status=",
            #"mirror_feed_lag_seconds{source="FAKE"}"#,
            #"mirror_feed_last_event_timestamp_seconds{source="FAKE"}"#,
            #"mirror_worker_heartbeat_timestamp_seconds{worker="copy-trading"}"#,
            #"mirror_worker_heartbeat_timestamp_seconds{worker="health-check"}"#,
            #"mirror_breaker_state{service="exchange"} 0"#,
            #"mirror_breaker_state{service="relayer"} 0"#,
            #"mirror_relayer_transactions{state="PENDING"}"#,
        ]
        try await app.test(.router) { client in
            var lines: [String] = []
            while !wanted.allSatisfy({ prefix in lines.contains { $0.hasPrefix(prefix) } }) {
                await backends.venue.stepSimulation()
                try await Task.sleep(for: .milliseconds(20))
                lines = try await scrape(client).lines
            }
            _ = try await client.execute(uri: "/copy-profiles/0123/anything", method: .get) { _ in }
            lines = try await scrape(client).lines
            #expect(lines.contains { $0.hasPrefix(#"mirror_http_requests_total{method="GET",route="/metrics",status="200"}"#) })
            #expect(!lines.contains { $0.contains("/copy-profiles/0123") }, "a raw path never becomes a label")
            #expect(lines.allSatisfy { $0.hasPrefix("mirror_") }, "every name starts with mirror_")
        }
    }
}

@Suite struct SealedKeyCheckTests {
    /// Every seal of a populated store opens under the key that sealed it; under another master
    /// key each one is named as failing, by wallet and purpose, and no key material is printed.
    @Test func everySealOpensUnderItsKeyAndNoneUnderAnother() async throws {
        let store = InMemoryStore()
        let right = AESKeyVault(current: try MasterKey(hex: String(repeating: "ab", count: 32)))
        let wrong = AESKeyVault(current: try MasterKey(hex: String(repeating: "cd", count: 32)))
        var wallets: [TradingWallet] = []
        for index in 0..<3 {
            let user = UserID("user-\(index)")
            let key = try await right.generateTradingKey(userID: user)
            let binding = SealBinding(userID: user, address: key.address, purpose: SealPurpose.apiSecret)
            let wallet = TradingWallet(
                id: WalletID("wallet-\(index)"), userID: user, type: .eoa, signerAddress: key.address,
                funderAddress: key.address, sealedKey: key.sealed, apiKey: index == 0 ? "api-key" : nil,
                sealedAPISecret: index == 0 ? try await right.seal(Array("canary-secret".utf8), binding: binding) : nil,
                createdAt: .fixture, updatedAt: .fixture)
            try await store.insertUser(User(id: user, externalID: "ext-\(index)", loginAddress: nil, createdAt: .fixture))
            try await store.insertWallet(wallet)
            wallets.append(wallet)
        }
        let good = try await SealedKeyCheck(store: store, vault: right, batchSize: 2).run()
        #expect(good.wallets == 3)
        #expect(good.sealedValues == 4)
        #expect(good.failures.isEmpty)

        let bad = try await SealedKeyCheck(store: store, vault: wrong, batchSize: 2).run()
        #expect(bad.failures.map(\.walletID) == [wallets[0].id, wallets[0].id, wallets[1].id, wallets[2].id])
        #expect(bad.failures.map(\.purpose).filter { $0 == SealPurpose.apiSecret }.count == 1)
        #expect(!bad.failures.map(\.description).joined().contains("canary-secret"))
    }
}
