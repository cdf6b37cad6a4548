import Foundation

/// Where the integration suites find their servers (PostgreSQL, Redis), and whether they must.
///
/// The test command starts throwaway servers and exports `TEST_POSTGRES_URL`, `TEST_REDIS_URL`
/// and `REQUIRE_INTEGRATION=1`. Without the URL a suite is disabled (a developer's quick
/// `swift test`); with `REQUIRE_INTEGRATION=1` a missing URL or an unreachable server is a
/// failure, never a silent skip.
public enum IntegrationEnvironment {
    public static let postgresVariable = "TEST_POSTGRES_URL"
    public static let redisVariable = "TEST_REDIS_URL"

    /// `true` when `REQUIRE_INTEGRATION=1`: suites must run and must reach their server.
    public static var isRequired: Bool {
        ProcessInfo.processInfo.environment["REQUIRE_INTEGRATION"] == "1"
    }

    /// The server URL in `variable`, if set and non-empty.
    public static func url(_ variable: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else { return nil }
        return value
    }

    /// Whether a suite needing `variable` runs: when its URL is set, or when integration is
    /// required (the suite then fails on the missing URL instead of skipping).
    public static func shouldRun(_ variable: String) -> Bool {
        self.url(variable) != nil || self.isRequired
    }

    /// The URL a running suite uses; throws, naming the variable, when it is missing.
    public static func requireURL(_ variable: String) throws -> String {
        guard let url = self.url(variable) else { throw Missing(variable: variable) }
        return url
    }

    public struct Missing: Error, CustomStringConvertible {
        public let variable: String
        public var description: String { "\(self.variable) is not set but REQUIRE_INTEGRATION=1 requires this suite" }
    }
}
