import Foundation
import Hummingbird
import Kernel
import Logging

/// Every error of the JSON API leaves as JSON (`{"error":{"message":…}}`), mapped to a status by
/// ``ErrorMapping`` (shared with the web pages); anything unexpected becomes a 500 whose text
/// says nothing of the driver or its data — the details go to the log only.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            // Hummingbird's own errors (e.g. the router's 404) carry no body: give them one.
            guard error.body == nil else { throw error }
            throw HTTPError(error.status, headers: error.headers, message: error.status.reasonPhrase)
        } catch let error as CancellationError {
            throw error
        } catch {
            if let mapped = ErrorMapping.clientError(for: error, logger: context.logger) { throw mapped }
            if let error = error as? any HTTPResponseError { throw error }
            ErrorMapping.logInternal(error, logger: context.logger)
            throw HTTPError(.internalServerError, message: "internal error")
        }
    }
}

/// Replaces the user-info of every URL in `text` (`postgres://user:password@host` →
/// `postgres://<redacted>@host`): driver errors often quote the URL they failed to reach.
func redactingURLCredentials(in text: String) -> String {
    var output = ""
    var rest = Substring(text)
    while let scheme = rest.range(of: "://") {
        output += rest[..<scheme.upperBound]
        rest = rest[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == " " || $0 == "\"" || $0 == "'" || $0 == "\n" } ?? rest.endIndex
        if let at = rest[..<authorityEnd].lastIndex(of: "@") {
            output += "<redacted>"
            rest = rest[at...]
        }
    }
    return output + rest
}
