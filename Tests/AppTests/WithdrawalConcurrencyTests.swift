@testable import App
import Ethereum
import FakeExchangeAdapter
import FakePolymarket
import FakePolymarketTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import KernelTesting
import Logging
import PolymarketProtocol
import PostgresNIO
import Testing

/// Issue #21's "Done when": 50 concurrent `POST /withdrawals` of one user never reserve more than
/// the wallet holds, and every one ends CONFIRMED or FAILED with the balance right — through two
/// API instances on one PostgreSQL and Redis, and through one instance on SQLite, with
/// `EXCHANGE=polymarket` against the fake Polymarket facade.
///
/// An "instance" is an `Application` built by the app's own builder (`buildApplication`, role
/// `api`) over its own `Backends.open` — its own connection pool, Redis connection, vault and
/// relayer adapter — in this test process, sharing only the database, Redis and the venue.
@Suite(.timeLimit(.minutes(3))) struct WithdrawalConcurrencyTests {
    static let balance = Collateral.dollars(1_000)
    static let requests = 50

    @Test(.enabled(if: IntegrationEnvironment.shouldRun(IntegrationEnvironment.postgresVariable)
        && IntegrationEnvironment.shouldRun(IntegrationEnvironment.redisVariable)))
    func fiftyConcurrentWithdrawalsThroughTwoInstancesOnOnePostgresAndRedis() async throws {
        let redis = try IntegrationEnvironment.requireURL(IntegrationEnvironment.redisVariable)
        try await withFreshPostgresDatabase { databaseURL in
            try await Self.run(instances: 2, environment: ["DATABASE_URL": databaseURL, "REDIS_URL": redis])
        }
    }

    @Test func fiftyConcurrentWithdrawalsThroughOneInstanceOnSQLite() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mirror-withdrawals-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await Self.run(instances: 1, environment: ["DATABASE_URL": "sqlite:" + folder.appendingPathComponent("m.sqlite").path])
    }

    static func run(instances: Int, environment: [String: String]) async throws {
        let venue = FakeVenue(seed: 21, wallClock: .system)
        let running = try await RunningFakePolymarket.start(FakePolymarketServer(venue: venue))
        do {
            try await Self.withdraw(instances: instances, environment: environment,
                                    urls: FakePolymarketURLs(baseURL: running.baseURL))
            await running.stop()
        } catch {
            await running.stop()
            throw error
        }
    }

    static func withdraw(instances: Int, environment: [String: String], urls: FakePolymarketURLs) async throws {
        let builder = FakeRelayerSettings.testBuilderCredentials
        var env = [
            "EXCHANGE": "polymarket", "POLYMARKET_CLOB_URL": urls.clob, "POLYMARKET_GAMMA_URL": urls.gamma,
            "POLYMARKET_DATA_API_URL": urls.dataAPI, "POLYMARKET_RTDS_URL": urls.rtds,
            "POLYMARKET_RELAYER_URL": urls.relayer, "POLYMARKET_RTDS_ENABLED": "false",
            "POLY_BUILDER_API_KEY": builder.apiKey, "POLY_BUILDER_SECRET": "ZmFrZS1wb2x5bWFya2V0LWJ1aWxkZXItc2VjcmV0LTAx",
            "POLY_BUILDER_PASSPHRASE": builder.passphrase,
            "TRADING_KEY_ENCRYPTION_KEY": "3f1c5a7e9b2d4f6081a3c5e7092b4d6f8a1c3e5b7d9f2a4c6e8b0d2f4a6c8e1b",
            "DYNAMIC_PUBLIC_KEY": try TestTokens.publicKeyPEM(privateKeyPEM: testRSAKeyA),
            "DYNAMIC_ISSUER": testIssuer, "DYNAMIC_AUDIENCE": testAudience, "MIRROR_MODE": "local",
        ]
        env.merge(environment) { $1 }
        let configuration = try parseConfiguration(env)
        let logger = Logger(label: "withdrawal-concurrency-test")
        var opened: [Backends] = []
        for _ in 0..<instances { opened.append(try await Backends.open(configuration: configuration, logger: logger)) }
        let backends = opened
        do {
            try await Self.withdraw(on: backends, configuration: configuration, control: HTTPVenueControl(controlURL: urls.control),
                                    logger: logger)
        } catch {
            for backend in backends { try? await backend.storeBackend.close?() }
            throw error
        }
        // The apps' services closed the stores already; closing again is harmless.
        for backend in backends { try? await backend.storeBackend.close?() }
    }

    static func withdraw(on backends: [Backends], configuration: MirrorConfiguration, control: HTTPVenueControl,
                         logger: Logger) async throws {
        var apps: [any ApplicationProtocol] = []
        for backend in backends {
            apps.append(try await buildApplication(configuration: configuration, backends: backend, role: .api,
                                                   jwksFetcher: ScriptedJWKS(), logger: logger))
        }
        let subject = "dynamic|withdrawer-\(UUID().uuidString.prefix(8))"
        let token = try await APIWorld.token(subject)
        // $30 to $39.80: together about twice the balance, so some must be refused.
        let amounts = (0..<Self.requests).map { Collateral(baseUnits: 30_000_000 + Int64($0 % 50) * 200_000) }
        // The services of the apps (the stores' closing and the PostgreSQL pools among them) run
        // only inside this call, so every store call, the set-up's too, is made in it.
        try await withClients(apps) { clients in
            let store = backends[0].store

            // One user with a READY deposit wallet holding $1,000.
            let now = WallClock.system.now()
            let user = User(id: UserID("user-\(UUID().uuidString.prefix(8).lowercased())"), externalID: subject,
                            loginAddress: nil, createdAt: now)
            try await store.insertUser(user)
            let key = try await backends[0].vault.generateTradingKey(userID: user.id)
            let funder = try WalletAddress(WalletDerivation.polygon.depositWallet(
                owner: try Address(hex: key.address.lowercased), shape: .beacon).lowercased)
            var wallet = TradingWallet(id: WalletID("wallet-\(UUID().uuidString.prefix(8).lowercased())"), userID: user.id,
                                       type: .depositWallet, signerAddress: key.address, funderAddress: funder,
                                       sealedKey: key.sealed, onboarding: .ready, createdAt: now, updatedAt: now)
            let issued = try await backends[0].venue.credentialIssuer(vault: backends[0].vault).issueCredentials(for: wallet)
            wallet.apiKey = issued.apiKey
            wallet.sealedAPISecret = issued.sealedSecret
            wallet.sealedAPIPassphrase = issued.sealedPassphrase
            try await store.insertWallet(wallet)
            let walletID = wallet.id
            try await control.fund(wallet: funder, amount: Self.balance)
            let destination = try WalletAddress("0x" + String(repeating: "5a", count: 19) + "01")

            let statuses = try await withThrowingTaskGroup(of: (Int, Int, String).self) { group in
                for (n, amount) in amounts.enumerated() {
                    let client = clients[n % clients.count]
                    group.addTask {
                        let body = #"{"amount":"\#(amount)","destination":"\#(destination.lowercased)","idempotencyKey":"w-\#(n)"}"#
                        let answer = try await client.call(.post, "/withdrawals", token: token, json: body)
                        return (n, answer.status, answer.body)
                    }
                }
                return try await group.reduce(into: [Int: (Int, String)]()) { $0[$1.0] = ($1.1, $1.2) }
            }
            let accepted = statuses.filter { $0.value.0 == 201 }.map(\.key)
            #expect(statuses.values.allSatisfy { $0.0 == 201 || $0.0 == 422 }, "\(statuses.values.map(\.1).prefix(3))")
            let reserved = accepted.reduce(Collateral.zero) { $0 + amounts[$1] }
            #expect(reserved <= Self.balance, "never more reserved than the wallet holds")
            #expect(!accepted.isEmpty && accepted.count < Self.requests, "\(statuses.values.map(\.1).prefix(2))")

            // The workers' tick (on every instance in turn) and the venue move each one to its end.
            for round in 0..<40 {
                let rows = try await store.relayerTxs(userID: user.id, limit: 500)
                if rows.allSatisfy({ $0.status.isFinalForWorkers }) { break }
                try await control.step()
                try await backends[round % backends.count].withdrawals(wallClock: .system).pollInFlight()
            }
            let rows = try await store.relayerTxs(userID: user.id, limit: 500)
            #expect(rows.count == accepted.count, "one row per accepted request, none for a refused one")
            #expect(rows.allSatisfy { $0.status == .confirmed || $0.status == .failed }, "\(rows.map(\.status))")
            let hashes = rows.compactMap(\.transactionHash)
            #expect(Set(hashes).count == hashes.count, "a chain transaction belongs to one row")
            let confirmed = rows.filter { $0.status == .confirmed }.reduce(Collateral.zero) { $0 + ($1.amount ?? .zero) }
            let arrived = try await control.collateral(of: destination)
            let left = try await control.collateral(of: funder)
            #expect(confirmed > .zero && confirmed <= Self.balance)
            #expect(arrived == confirmed, "every CONFIRMED row moved its amount, once")
            #expect(left == Self.balance - confirmed)
            // A balance read after the transfers settled releases their reservations: what is
            // available is exactly what the wallet holds.
            _ = try await store.recordSyncedBalance(walletID: walletID, collateral: left,
                                                    at: WallClock.system.now() + WalletFunds.settlementLag)
            let funds = try await store.walletFunds(walletID: walletID)
            #expect(funds.reservedWithdrawals.isEmpty)
            #expect(funds.available == left)
        }
    }
}

/// Runs `body` with a test client for each app, all live at once.
private func withClients<T: Sendable>(_ apps: [any ApplicationProtocol], _ clients: [any TestClientProtocol] = [],
                                      _ body: @Sendable ([any TestClientProtocol]) async throws -> T) async throws -> T {
    guard let first = apps.first else { return try await body(clients) }
    let box = ResultBox<T>()
    try await first.test(.router) { client in
        box.value = try await withClients(Array(apps.dropFirst()), clients + [client], body)
    }
    guard let value = box.value else { throw CancellationError() }
    return value
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    var value: T?
}

/// A new database on the integration server, dropped afterwards; `body` gets its URL.
func withFreshPostgresDatabase(_ body: (String) async throws -> Void) async throws {
    let text = try IntegrationEnvironment.requireURL(IntegrationEnvironment.postgresVariable)
    let url = try #require(URLComponents(string: text))
    let database = "mirror_app_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    let admin = PostgresClient(configuration: .init(
        host: url.host ?? "127.0.0.1", port: url.port ?? 5432, username: url.user ?? "postgres", password: url.password,
        database: String(url.path.dropFirst()), tls: .disable))
    let task = Task { await admin.run() }
    defer { task.cancel() }
    try await admin.query("CREATE DATABASE \(unescaped: database)")
    var fresh = url
    fresh.path = "/" + database
    fresh.queryItems = [URLQueryItem(name: "sslmode", value: "disable")]
    let outcome: Result<Void, any Error>
    do {
        try await body(fresh.string ?? text)
        outcome = .success(())
    } catch {
        outcome = .failure(error)
    }
    try await admin.query("DROP DATABASE IF EXISTS \(unescaped: database) WITH (FORCE)")
    try outcome.get()
}
