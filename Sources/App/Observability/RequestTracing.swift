import Foundation
import Hummingbird
import Logging
import Metrics

/// The id of the HTTP request whose work is running, as a task-local value, so every log line
/// written while serving it — by the route, or by the Kernel operation it calls with any
/// logger — carries `request_id` (through ``RequestTrace/metadataProvider``).
enum RequestTrace {
    @TaskLocal static var id: String?

    /// Adds `request_id` to every log line written inside a request's task tree.
    static let metadataProvider = Logger.MetadataProvider {
        guard let id = RequestTrace.id else { return [:] }
        return ["request_id": .string(id)]
    }

    /// A caller's `X-Request-Id` when it is short and plain (a proxy's id joins both logs);
    /// otherwise a new random one. Never echoes arbitrary text into the logs.
    static func id(from header: String?) -> String {
        if let header, (1...64).contains(header.utf8.count),
           header.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }) {
            return header
        }
        return UUID().uuidString.lowercased()
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}

/// `X-Request-Id`, read from callers and set on every response.
let requestIDHeader = HTTPFields.Element.Name("X-Request-Id")!

/// First middleware of every router: gives the request its id (task-local, the response's
/// `X-Request-Id` and the context logger's `request_id`), and counts it by route template and
/// status as `mirror_http_requests_total` with its duration in `mirror_http_request_duration_seconds`.
/// Route templates (`/copy-profiles/:id`), never raw paths, keep the labels bounded; a path no
/// route matches counts under Hummingbird's `NotFound`.
struct RequestObservabilityMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = RequestTrace.id(from: request.headers[requestIDHeader])
        var context = context
        context.logger[metadataKey: "request_id"] = .string(id)
        let started = ContinuousClock.now
        return try await RequestTrace.$id.withValue(id) {
            do {
                var response = try await next(request, context)
                Self.record(request: request, context: context, status: response.status.code, since: started)
                response.headers[requestIDHeader] = id
                return response
            } catch {
                let status = (error as? any HTTPResponseError)?.status.code ?? (error is CancellationError ? 499 : 500)
                Self.record(request: request, context: context, status: status, since: started)
                guard let responseError = error as? any HTTPResponseError else { throw error }
                throw RequestIDError(wrapped: responseError, id: id)
            }
        }
    }

    private static func record(request: Request, context: Context, status: Int, since started: ContinuousClock.Instant) {
        let route = context.endpointPath ?? "unmatched"
        let dimensions = [("method", request.method.rawValue), ("route", route), ("status", String(status))]
        Counter(label: "mirror_http_requests_total", dimensions: dimensions).increment()
        Timer(label: "mirror_http_request_duration_seconds", dimensions: [("method", request.method.rawValue), ("route", route)])
            .recordNanoseconds(Int64((ContinuousClock.now - started).nanoseconds))
    }
}

/// An error response that also carries the request's `X-Request-Id`, so a failed call can be
/// found in the logs.
struct RequestIDError: HTTPResponseError {
    let wrapped: any HTTPResponseError
    let id: String

    var status: HTTPResponse.Status { self.wrapped.status }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try self.wrapped.response(from: request, context: context)
        response.headers[requestIDHeader] = self.id
        return response
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow
            ? .max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
