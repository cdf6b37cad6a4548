import Foundation
import Kernel
public import Logging
public import PostgresNIO

/// The ``Store`` (every port, one conformance per file) on PostgreSQL through postgres-nio's
/// pooled `PostgresClient`.
///
/// The store borrows its client; the App owns the client's lifetime by running it as a Service
/// (``client`` in the `ServiceGroup`, or `await client.run()` in a task). Each port operation is
/// one statement on a pooled connection or one transaction on one connection; claims lock with
/// `FOR UPDATE SKIP LOCKED`, so several workers and processes share one queue safely.
///
/// Lifecycle: ``init(configuration:logger:)`` (or ``init(url:poolSize:logger:)``), run ``client``,
/// ``checkConnection()`` for a clear start-up failure, ``migrate()`` (`mirror db push` and
/// start-up), then the ports; shutdown is the ServiceGroup's graceful shutdown (or cancelling the
/// task that runs the client), which closes every connection.
public struct PostgresStore: Sendable {
    /// The connection pool. Must be running (a Service) before any port is used.
    public let client: PostgresClient
    /// Where it connects; its description never shows the password.
    public let configuration: PostgresConfiguration
    let logger: Logger

    /// A store with a new pool of `configuration.poolSize` connections, opened lazily once the
    /// client runs.
    public init(configuration: PostgresConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        self.client = PostgresClient(configuration: try configuration.clientConfiguration, backgroundLogger: logger)
    }

    /// A store for a `postgres://user:password@host:port/database?sslmode=…` URL (`DATABASE_URL`)
    /// with a pool of `poolSize` connections (`DATABASE_POOL_SIZE`).
    public init(url: String, poolSize: Int = PostgresConfiguration.defaultPoolSize, logger: Logger) throws {
        try self.init(configuration: PostgresConfiguration(url: url, poolSize: poolSize), logger: logger)
    }

    /// Opens one connection outside the pool and runs `SELECT 1`, failing within `timeout` with
    /// one line that names the server (never the password): the App's start-up check, so an
    /// unreachable or misconfigured database stops the process clearly instead of every query
    /// failing later. Needs no running client.
    public func checkConnection(timeout: Duration = .seconds(5)) async throws {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    var connectionConfiguration = try self.configuration.connectionConfiguration
                    connectionConfiguration.options.connectTimeout = .milliseconds(timeout.wholeMilliseconds)
                    let connection = try await PostgresConnection.connect(
                        configuration: connectionConfiguration, id: 0, logger: self.logger)
                    do {
                        try await connection.query("SELECT 1", logger: self.logger)
                        try await connection.close()
                    } catch {
                        try? await connection.close()
                        throw error
                    }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw PostgresUnreachable.Reason.timedOut(timeout)
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        } catch let reason as PostgresUnreachable.Reason {
            throw PostgresUnreachable(server: self.configuration.description, reason: reason)
        } catch let error as PSQLError {
            throw PostgresUnreachable(server: self.configuration.description, reason: .init(error))
        } catch {
            throw PostgresUnreachable(server: self.configuration.description, reason: .other(String(describing: type(of: error))))
        }
    }
}

/// The database could not be reached at start-up. Its description is one line naming the
/// server (without the password) and why, e.g.
/// `cannot reach PostgreSQL at postgres://mirror:***@db:5432/mirror: connection refused or host unreachable`.
public struct PostgresUnreachable: Error, Hashable, Sendable, CustomStringConvertible {
    /// `postgres://user:***@host:port/database`.
    public let server: String
    public let reason: Reason

    public enum Reason: Error, Hashable, Sendable, CustomStringConvertible {
        case timedOut(Duration)
        case connectionFailed
        /// The server answered with an error (bad password, unknown database, …): its SQLSTATE and message.
        case refused(sqlState: String, message: String)
        case tlsFailed
        case other(String)

        init(_ error: PSQLError) {
            switch error.code {
            case .server:
                let state = error.serverInfo?[.sqlState] ?? "?"
                let message = error.serverInfo?[.message] ?? "server error"
                self = .refused(sqlState: state, message: message)
            case .sslUnsupported, .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
                self = .tlsFailed
            case .connectionError, .serverClosedConnection, .uncleanShutdown:
                self = .connectionFailed
            default:
                self = .other(error.code.description)
            }
        }

        public var description: String {
            switch self {
            case .timedOut(let timeout): "no answer within \(timeout)"
            case .connectionFailed: "connection refused or host unreachable"
            case .refused(let state, let message): "\(message) (SQLSTATE \(state))"
            case .tlsFailed: "TLS could not be set up (check sslmode)"
            case .other(let what): what
            }
        }
    }

    public var description: String { "cannot reach PostgreSQL at \(self.server): \(self.reason)" }
}
