import KernelTesting
import Logging
import RedisAdapter
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Redis server the integration suites use (`TEST_REDIS_URL`), one database per purpose so
/// suites running in parallel never see each other's keys. These databases are flushed: point
/// `TEST_REDIS_URL` only at a throwaway server.
enum TestRedis {
    /// The contract's cases use fixed keys (the runbook's heartbeats), so they get a database of their own.
    static let contractDatabase = 9
    /// For the tests that list every key and so need an empty database.
    static let runbookDatabase = 10
    /// For the rest, which use keys with a random prefix.
    static let scratchDatabase = 11
    static let otherDatabase = 12

    static func configuration(database: Int) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: IntegrationEnvironment.requireURL(IntegrationEnvironment.redisVariable))
        configuration.database = database
        configuration.clientName = "mirror-tests"
        return configuration
    }

    static func cache(database: Int, logger: Logger = .quiet) throws -> RedisCache {
        RedisCache(configuration: try self.configuration(database: database), logger: logger)
    }

    /// A name no other test or test run uses.
    static func unique(_ name: String) -> String { "test:\(name):\(UInt64.random(in: 0 ... .max))" }

    /// The contract database, flushed once before the first case uses it.
    static let contractCache = Task<RedisCache, any Error> {
        let cache = try Self.cache(database: Self.contractDatabase)
        _ = try await cache.send(["FLUSHDB"])
        return cache
    }
}

extension Logger {
    static let quiet = Logger(label: "mirror.redis.tests") { _ in SwiftLogNoOpLogHandler() }
}

/// Every log line with its metadata as text, so tests can look for what must never be logged.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "mirror.redis.tests") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    var text: String { self.lines.withLock { $0.joined(separator: "\n") } }

    func messages(at level: Logger.Level) -> [String] {
        self.lines.withLock { $0.filter { $0.hasPrefix("[\(level)]") } }
    }

    fileprivate func append(_ line: String) { self.lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let metadata = self.metadata.merging(event.metadata ?? [:]) { $1 }
            self.capture.append("[\(event.level)] \(event.message) \(metadata)")
        }
    }
}

/// A TCP socket bound on 127.0.0.1. Listening, it is a hung server: the kernel completes the
/// handshake but nothing ever reads or answers. Not listening, its port refuses connections.
final class LoopbackSocket {
    let descriptor: Int32
    let port: Int

    struct Failure: Error, CustomStringConvertible {
        let call: String
        var description: String { "\(self.call) failed" }
    }

    init(listening: Bool) throws {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(call: "socket") }
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && getsockname(descriptor, address, &length) == 0
            }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        guard bound else {
            close(descriptor)
            throw Failure(call: "bind")
        }
        if listening, listen(descriptor, 16) != 0 {
            close(descriptor)
            throw Failure(call: "listen")
        }
    }

    deinit { close(self.descriptor) }
}

/// How long `body` took, with what it returned or threw.
func timed<T>(_ body: () async throws -> T) async -> (Result<T, any Error>, Duration) {
    let clock = ContinuousClock()
    let start = clock.now
    let result: Result<T, any Error>
    do { result = .success(try await body()) } catch { result = .failure(error) }
    return (result, start.duration(to: clock.now))
}
