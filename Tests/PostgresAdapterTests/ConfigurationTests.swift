import Kernel
import KernelTesting
import PostgresAdapter
import Testing

/// `DATABASE_URL` parsing: no server needed.
@Suite struct PostgresConfigurationTests {
    @Test func aFullURLGivesEveryPart() throws {
        let configuration = try PostgresConfiguration(
            url: "postgres://mirror:s3cr%40t@db.internal:6432/mirror_prod?sslmode=disable", poolSize: 7)
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6432)
        #expect(configuration.username == "mirror")
        #expect(configuration.password == "s3cr@t")
        #expect(configuration.database == "mirror_prod")
        #expect(configuration.sslMode == .disable)
        #expect(configuration.poolSize == 7)
    }

    @Test func defaultsFollowLibpq() throws {
        let configuration = try PostgresConfiguration(url: "postgresql://alice@localhost")
        #expect(configuration.port == 5432)
        #expect(configuration.password == nil)
        #expect(configuration.database == "alice", "the database defaults to the user name")
        #expect(configuration.sslMode == .prefer)
        #expect(configuration.poolSize == PostgresConfiguration.defaultPoolSize)
    }

    @Test func anIPv6HostIsBracketed() throws {
        let configuration = try PostgresConfiguration(url: "postgres://u:p@[::1]:55999/db?sslmode=require")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 55999)
        #expect(configuration.sslMode == .require)
        #expect(configuration.description == "postgres://u:***@[::1]:55999/db")
    }

    @Test func theDescriptionNeverShowsThePassword() throws {
        let configuration = try PostgresConfiguration(url: "postgres://mirror:canary-Pa55word@db:5432/mirror")
        #expect(configuration.description == "postgres://mirror:***@db:5432/mirror")
        #expect(!"\(configuration)".contains("canary-Pa55word"))
        #expect(!String(reflecting: configuration).isEmpty)
    }

    @Test(arguments: [
        ("mysql://u@h/db", PostgresURLError.notAPostgresURL),
        ("postgres://u:canary-Pa55word@h:notaport/db", .invalidPort),
        ("postgres://u:canary-Pa55word@h:70000/db", .invalidPort),
        ("postgres://u:canary-Pa55word@/db", .invalidHost),
        ("postgres://u:canary-Pa55word@h/db?sslmode=sometimes", .unsupportedSSLMode("sometimes")),
    ])
    func aBadURLIsRefusedWithoutQuotingIt(_ url: String, _ expected: PostgresURLError) {
        let error = #expect(throws: PostgresURLError.self) { try PostgresConfiguration(url: url) }
        #expect(error == expected)
        #expect(!"\(expected)".contains("canary-Pa55word"))
    }

    @Test func aPoolOfNoConnectionsIsRefused() {
        #expect(throws: PostgresURLError.invalidPoolSize(0)) {
            try PostgresConfiguration(url: "postgres://u@h/db", poolSize: 0)
        }
    }
}

/// The App's start-up check against real and unreachable servers.
@Suite(.enabled(if: TestDatabase.isEnabled, "set TEST_POSTGRES_URL (or REQUIRE_INTEGRATION=1) to run"))
struct PostgresConnectionCheckTests {
    @Test func theTestServerPassesTheCheck() async throws {
        let store = try PostgresStore(configuration: try TestDatabase.serverConfiguration(), logger: .test)
        try await store.checkConnection()
    }

    @Test func aClosedPortFailsWithOneLineNamingTheServerButNotThePassword() async throws {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        let store = try PostgresStore(url: "postgres://mirror:canary-Pa55word@127.0.0.1:1/mirror?sslmode=disable",
                                      logger: .test)
        let error = await #expect(throws: PostgresUnreachable.self) { try await store.checkConnection() }
        let line = error.map { "\($0)" } ?? ""
        #expect(line.hasPrefix("cannot reach PostgreSQL at postgres://mirror:***@127.0.0.1:1/mirror: "))
        #expect(!line.contains("canary-Pa55word"))
        #expect(!line.contains("\n"))
    }

    @Test func anUnknownDatabaseFailsWithTheServersReason() async throws {
        var configuration = try TestDatabase.serverConfiguration()
        configuration.database = "mirror_no_such_database"
        configuration.password = "canary-Pa55word"
        let store = try PostgresStore(configuration: configuration, logger: .test)
        let error = await #expect(throws: PostgresUnreachable.self) { try await store.checkConnection() }
        #expect(error?.reason == .refused(
            sqlState: "3D000", message: "database \"mirror_no_such_database\" does not exist"))
        #expect(error.map { "\($0)".contains("canary-Pa55word") } == false)
    }
}
