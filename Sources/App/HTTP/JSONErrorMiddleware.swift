import Foundation
import Hummingbird
import Kernel
import Logging

/// The one place errors become HTTP responses (STYLE §2.8). Every error leaves as JSON
/// (`{"error":{"message":…}}`); Kernel errors map to 4xx; anything unexpected becomes a 500
/// whose text says nothing of the driver or its data — the details go to the log only.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            // Hummingbird's own errors (e.g. the router's 404) carry no body: give them one.
            guard error.body == nil else { throw error }
            throw HTTPError(error.status, headers: error.headers, message: error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            throw error
        } catch let error as StoreError {
            switch error {
            case .notFound(let entity, _):
                throw HTTPError(.notFound, message: "\(entity) not found")
            case .duplicate(let entity, _):
                throw HTTPError(.conflict, message: "\(entity) already exists")
            case .corruptRow, .schemaTooNew:
                throw Self.internalError(error, context: context)
            }
        } catch let error as DecodingError {
            // The field's path, never the decoder's text (it can quote the body).
            throw APIError.badRequest(error.fieldPath, "the request body is not the JSON this endpoint expects")
        } catch let error as ProfileCommands.Failure {
            switch error {
            case .notFound: throw APIError.notFound("copy profile")
            case .notAllowed(let from, let to):
                throw APIError.conflict("a \(from.rawValue) profile cannot become \(to.rawValue)")
            case .contended: throw APIError.conflict("the profile kept changing; try again")
            }
        } catch let error as VenueError {
            context.logger.warning("venue call failed", metadata: ["error.message": "\(error)"])
            throw APIError(status: .serviceUnavailable, message: "the exchange is unavailable; try again")
        } catch let error as CancellationError {
            throw error
        } catch {
            throw Self.internalError(error, context: context)
        }
    }

    private static func internalError(_ error: any Error, context: Context) -> HTTPError {
        context.logger.error("request failed", metadata: [
            "error.type": "\(type(of: error))",
            "error.message": "\(redactingURLCredentials(in: String(describing: error)))",
        ])
        return HTTPError(.internalServerError, message: "internal error")
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
