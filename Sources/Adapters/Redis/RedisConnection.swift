import CHiredis
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One blocking hiredis connection, owned and used by a single pool thread (hence not Sendable).
///
/// Every call blocks at most for the configured timeouts: the connect timeout while opening, the
/// command timeout (socket send/receive timeouts set with `redisSetTimeout`) for each command.
final class RedisConnection {
    private let context: UnsafeMutablePointer<redisContext>
    private let endpoint: String
    private let commandTimeout: Duration
    /// Commands answered so far; a failure on a connection that has answered before may just mean
    /// the server dropped it while idle, which is worth one immediate retry on a fresh one.
    private(set) var answeredCommands = 0

    private init(context: UnsafeMutablePointer<redisContext>, endpoint: String, commandTimeout: Duration) {
        self.context = context
        self.endpoint = endpoint
        self.commandTimeout = commandTimeout
    }

    deinit { redisFree(self.context) }

    /// Connects, sets the command timeout, then `AUTH`, `SELECT` and `CLIENT SETNAME` as configured.
    static func open(_ configuration: RedisConfiguration) throws(RedisCacheError) -> RedisConnection {
        let endpoint = configuration.endpoint
        guard let context = redisConnectWithTimeout(
            configuration.host, Int32(configuration.port), timeval(configuration.connectTimeout)
        ) else {
            throw .connectFailed(endpoint: endpoint, reason: "could not allocate a connection")
        }
        if context.pointee.err != 0 {
            let reason = Self.errorText(context)
            redisFree(context)
            throw .connectFailed(endpoint: endpoint, reason: reason)
        }
        let connection = RedisConnection(context: context, endpoint: endpoint, commandTimeout: configuration.commandTimeout)
        guard redisSetTimeout(context, timeval(configuration.commandTimeout)) == REDIS_OK else {
            throw .connectFailed(endpoint: endpoint, reason: "could not set the command timeout")
        }
        if let password = configuration.password {
            let credentials = configuration.username.map { [$0, password] } ?? [password]
            do throws(RedisCacheError) {
                _ = try connection.run(["AUTH"] + credentials)
            } catch .serverError(let message) {
                // Only the error code (e.g. WRONGPASS): the rest of the text is not ours to vouch for.
                let code = message.split(separator: " ").first.map(String.init) ?? "ERR"
                throw .connectFailed(endpoint: endpoint, reason: "AUTH refused (\(code))")
            }
        }
        if configuration.database != 0 {
            do throws(RedisCacheError) {
                _ = try connection.run(["SELECT", String(configuration.database)])
            } catch .serverError(let message) {
                throw .connectFailed(endpoint: endpoint, reason: "SELECT \(configuration.database) refused: \(message)")
            }
        }
        _ = try connection.run(["CLIENT", "SETNAME", configuration.clientName])
        return connection
    }

    /// Makes a write to a connection the server has closed fail with `EPIPE` on the calling
    /// thread instead of raising `SIGPIPE`, whose default action would end the whole process.
    /// hiredis writes with plain `write`, so each pool thread calls this once before any I/O.
    static func blockBrokenPipeSignalOnThisThread() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }

    /// Sends one command through `redisCommandArgv` and waits for its reply. An error reply
    /// throws ``RedisCacheError/serverError(_:)`` and leaves the connection usable; any other
    /// failure leaves it broken, to be discarded.
    func run(_ arguments: [String]) throws(RedisCacheError) -> RedisReply {
        // All arguments in one buffer (plus a trailing byte so it is never empty), addressed by offset.
        var bytes: [CChar] = []
        var offsets: [Int] = []
        var lengths: [Int] = []
        for argument in arguments {
            offsets.append(bytes.count)
            lengths.append(argument.utf8.count)
            bytes.append(contentsOf: argument.utf8.map { CChar(bitPattern: $0) })
        }
        bytes.append(0)
        let raw = bytes.withUnsafeBufferPointer { buffer -> UnsafeMutableRawPointer? in
            guard let base = buffer.baseAddress else { return nil }
            var pointers: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { argvlen in
                    redisCommandArgv(self.context, Int32(arguments.count), argv.baseAddress, argvlen.baseAddress)
                }
            }
        }
        let failureErrno = errno
        guard let raw else { throw self.failure(errno: failureErrno) }
        defer { freeReplyObject(raw) }
        let reply = Self.value(of: raw.assumingMemoryBound(to: redisReply.self))
        self.answeredCommands += 1
        if case .error(let message) = reply { throw .serverError(message) }
        return reply
    }

    /// What went wrong with a command that got no reply.
    private func failure(errno failureErrno: Int32) -> RedisCacheError {
        let code = self.context.pointee.err
        if code == REDIS_ERR_IO, failureErrno == EAGAIN || failureErrno == EWOULDBLOCK {
            return .timedOut(endpoint: self.endpoint, after: self.commandTimeout)
        }
        if code == REDIS_ERR_EOF { return .connectionLost(endpoint: self.endpoint, reason: "the server closed the connection") }
        return .connectionLost(endpoint: self.endpoint, reason: Self.errorText(self.context))
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: &context.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    private static func value(of pointer: UnsafePointer<redisReply>) -> RedisReply {
        let reply = pointer.pointee
        switch reply.type {
        case REDIS_REPLY_STRING: return .string(Self.text(of: reply))
        case REDIS_REPLY_STATUS: return .status(Self.text(of: reply))
        case REDIS_REPLY_ERROR: return .error(Self.text(of: reply))
        case REDIS_REPLY_INTEGER: return .integer(Int64(reply.integer))
        case REDIS_REPLY_NIL: return .null
        case REDIS_REPLY_ARRAY:
            return .array((0..<reply.elements).map { index in
                reply.element[index].map { Self.value(of: $0) } ?? .null
            })
        default: return .error("unknown reply type \(reply.type)")
        }
    }

    private static func text(of reply: redisReply) -> String {
        String(decoding: UnsafeRawBufferPointer(start: reply.str, count: reply.len), as: UTF8.self)
    }
}

extension timeval {
    /// A `Duration` as the `timeval` hiredis takes (microsecond resolution).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: .init(seconds), tv_usec: .init(attoseconds / 1_000_000_000_000))
    }
}
