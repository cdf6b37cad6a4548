import Foundation
import PostgresNIO

/// Where the Postgres store connects and how many connections its pool may hold, read from a
/// `postgres://user:password@host:port/database?sslmode=disable` URL (`DATABASE_URL`).
///
/// Its `description` names the user, host, port and database and never the password, so it can
/// be logged and put in error messages.
public struct PostgresConfiguration: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    /// Sent to the server only; never logged or printed.
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// The pool's maximum number of connections (`DATABASE_POOL_SIZE`).
    public var poolSize: Int
    /// Extra run-time parameters sent when each connection starts, e.g. `search_path`.
    public var startupParameters: [String: String]

    /// libpq's `sslmode` values this adapter understands.
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP (loopback, private networks).
        case disable
        /// TLS when the server offers it (libpq's default).
        case prefer
        /// TLS required; the server certificate is not verified, as libpq's `require`.
        case require
        /// TLS required and the certificate verified against the system roots and the host name.
        case verifyFull = "verify-full"
    }

    public static let defaultPort = 5432
    public static let defaultPoolSize = 10

    public init(host: String, port: Int = Self.defaultPort, username: String, password: String? = nil,
                database: String, sslMode: SSLMode = .prefer, poolSize: Int = Self.defaultPoolSize,
                startupParameters: [String: String] = [:]) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.poolSize = poolSize
        self.startupParameters = startupParameters
    }

    /// Parses a `postgres://` or `postgresql://` URL. User, password and database are
    /// percent-decoded; the database defaults to the user name (as libpq does) and `sslmode` to
    /// `prefer`. Errors never quote the URL, which may hold the password.
    public init(url: String, poolSize: Int = Self.defaultPoolSize) throws(PostgresURLError) {
        var rest = Substring(url.trimmingCharacters(in: .whitespaces))
        guard let schemeEnd = rest.range(of: "://") else { throw .notAPostgresURL }
        let scheme = rest[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "postgres" || scheme == "postgresql" else { throw .notAPostgresURL }
        rest = rest[schemeEnd.upperBound...]

        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        // The password may itself contain '@' only percent-encoded; the last '@' ends the credentials.
        var credentials: Substring?
        if let at = rest.lastIndex(of: "@") {
            credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }

        var username = "postgres"
        var password: String?
        if let credentials {
            let parts = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            username = try Self.percentDecoded(parts[0], part: "user")
            if parts.count == 2 { password = try Self.percentDecoded(parts[1], part: "password") }
        }

        var host = rest
        var port = Self.defaultPort
        if host.hasPrefix("[") {
            // [ipv6]:port
            guard let close = host.firstIndex(of: "]") else { throw .invalidHost }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()), (1...65_535).contains(number) else { throw .invalidPort }
                port = number
            } else if !after.isEmpty {
                throw .invalidHost
            }
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.lastIndex(of: ":") {
            guard let number = Int(host[host.index(after: colon)...]), (1...65_535).contains(number) else {
                throw .invalidPort
            }
            port = number
            host = host[..<colon]
        }
        guard !host.isEmpty else { throw .invalidHost }
        guard !username.isEmpty else { throw .missingUser }

        let database = path.isEmpty ? username : try Self.percentDecoded(path, part: "database")

        var sslMode = SSLMode.prefer
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = keyValue[0]
            let value = keyValue.count == 2 ? keyValue[1] : ""
            switch key {
            case "sslmode":
                switch value {
                case "disable", "allow": sslMode = .disable
                case "prefer": sslMode = .prefer
                case "require", "verify-ca": sslMode = .require
                case "verify-full": sslMode = .verifyFull
                default: throw .unsupportedSSLMode(String(value))
                }
            default:
                // Other libpq options (application_name, connect_timeout, …) are not needed here.
                continue
            }
        }
        guard poolSize > 0 else { throw .invalidPoolSize(poolSize) }
        self.init(host: String(host), port: port, username: username, password: password, database: database,
                  sslMode: sslMode, poolSize: poolSize)
    }

    private static func percentDecoded(_ text: Substring, part: String) throws(PostgresURLError) -> String {
        guard let decoded = String(text).removingPercentEncoding else { throw .invalidPercentEncoding(part: part) }
        return decoded
    }

    /// `postgres://user@host:port/database` — the password, if any, shown only as `***`.
    public var description: String {
        let hostPart = self.host.contains(":") ? "[\(self.host)]" : self.host
        let secret = self.password == nil ? "" : ":***"
        return "postgres://\(self.username)\(secret)@\(hostPart):\(self.port)/\(self.database)"
    }

    /// The driver's client configuration for this store.
    var clientConfiguration: PostgresClient.Configuration {
        get throws {
            var configuration = PostgresClient.Configuration(
                host: self.host, port: self.port, username: self.username, password: self.password,
                database: self.database, tls: try self.tls)
            configuration.options.maximumConnections = self.poolSize
            configuration.options.additionalStartupParameters = self.startupParameters.sorted { $0.key < $1.key }
                .map { ($0.key, $0.value) }
            return configuration
        }
    }

    /// The same settings for a single connection (the start-up check).
    var connectionConfiguration: PostgresConnection.Configuration {
        get throws {
            var configuration = PostgresConnection.Configuration(
                host: self.host, port: self.port, username: self.username, password: self.password,
                database: self.database, tls: try self.connectionTLS)
            configuration.options.additionalStartupParameters = self.startupParameters.sorted { $0.key < $1.key }
                .map { ($0.key, $0.value) }
            return configuration
        }
    }

    private var tls: PostgresClient.Configuration.TLS {
        get throws {
            switch self.sslMode {
            case .disable: return .disable
            case .prefer: return .prefer(Self.unverifiedTLS)
            case .require: return .require(Self.unverifiedTLS)
            case .verifyFull: return .require(.makeClientConfiguration())
            }
        }
    }

    private var connectionTLS: PostgresConnection.Configuration.TLS {
        get throws {
            switch self.sslMode {
            case .disable: return .disable
            case .prefer: return .prefer(try NIOSSLContext(configuration: Self.unverifiedTLS))
            case .require: return .require(try NIOSSLContext(configuration: Self.unverifiedTLS))
            case .verifyFull: return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        }
    }

    /// libpq's `prefer` and `require` encrypt without checking the certificate.
    private static var unverifiedTLS: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return configuration
    }
}

/// Why a database URL was refused. Never quotes the URL, which may hold a password.
public enum PostgresURLError: Error, Hashable, Sendable, CustomStringConvertible {
    case notAPostgresURL
    case invalidHost
    case invalidPort
    case missingUser
    case invalidPercentEncoding(part: String)
    case unsupportedSSLMode(String)
    case invalidPoolSize(Int)

    public var description: String {
        switch self {
        case .notAPostgresURL: "DATABASE_URL is not a postgres:// URL"
        case .invalidHost: "DATABASE_URL has no valid host"
        case .invalidPort: "DATABASE_URL has a port that is not a number from 1 to 65535"
        case .missingUser: "DATABASE_URL has an empty user name"
        case .invalidPercentEncoding(let part): "DATABASE_URL has a badly percent-encoded \(part)"
        case .unsupportedSSLMode(let mode): "DATABASE_URL sslmode=\(mode) is not one of disable, allow, prefer, require, verify-ca, verify-full"
        case .invalidPoolSize(let size): "the database pool size must be at least 1, not \(size)"
        }
    }
}
