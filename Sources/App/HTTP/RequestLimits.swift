import Hummingbird
import Kernel
import Logging

/// Request bodies larger than ``maximumBytes`` are answered 413 before anything else looks at
/// the request — before sign-in, the rate limit or a route — so an oversized request costs
/// neither a token check nor a user's rate budget. A body without a length is read up to the
/// limit here (every API body is small JSON).
struct BodySizeLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    /// 256 KiB: far above any API body.
    static var maximumBytes: Int { 256 * 1024 }

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let tooLarge = HTTPError(.contentTooLarge, message: "the request body is larger than \(Self.maximumBytes) bytes")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maximumBytes { throw tooLarge }
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        var request = request
        do {
            _ = try await request.collectBody(upTo: Self.maximumBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge
        }
        return try await next(request, context)
    }
}

/// `USER_WRITE_RATE_LIMIT`: how many write requests (POST, PUT, PATCH, DELETE) one user may make
/// per minute, counted in the cache (Redis when configured, so every instance shares the count;
/// memory otherwise). Over the limit: 429 with `Retry-After`. A cache that cannot count lets the
/// request through (the limit protects capacity, not money) and says so in the log.
struct UserWriteRateLimiter: Sendable {
    let cache: any Cache
    let limit: Int
    static var window: Duration { .seconds(60) }

    static func isWrite(_ method: HTTPRequest.Method) -> Bool {
        method == .post || method == .put || method == .patch || method == .delete
    }

    func check(_ userID: UserID, method: HTTPRequest.Method, logger: Logger) async throws {
        guard Self.isWrite(method) else { return }
        let counted: WindowCount
        do {
            counted = try await self.cache.increment("rate:user-write:\(userID.rawValue)", window: Self.window)
        } catch {
            logger.warning("rate limit not counted: cache unavailable", metadata: ["error.type": "\(type(of: error))"])
            return
        }
        guard counted.count > self.limit else { return }
        let seconds = max(1, (counted.remaining.components.seconds) + (counted.remaining.components.attoseconds > 0 ? 1 : 0))
        throw HTTPError(.tooManyRequests, headers: [.retryAfter: String(seconds)],
                        message: "more than \(self.limit) write requests in a minute; retry after \(seconds) s")
    }
}
