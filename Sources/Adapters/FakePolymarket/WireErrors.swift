import HTTPTypes
import Hummingbird
import Kernel
import Logging

/// A refusal in Polymarket's shape: `{"error": "…"}` (with `code` or `orderID` where the CLOB
/// adds them) and the status the spec gives. Every failure a client can cause ends here — never a
/// 500 for a bad request.
struct WireError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String
    var code: String?
    var orderID: String?
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, code: String? = nil, orderID: String? = nil,
         headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.code = code
        self.orderID = orderID
        self.headers = headers
    }

    /// A venue refusal in HTTP terms (a missing market is a 404, anything else a 400).
    init(_ error: VenueError) {
        switch error {
        case .refused(let status, let message):
            self.init(HTTPResponse.Status(code: (400...499).contains(status) ? status : 400), message)
        default:
            self.init(.badRequest, "\(error)")
        }
    }

    var body: WireJSON {
        var members: [(String, WireJSON)] = [("error", .string(self.message))]
        if let code { members.append(("code", .string(code))) }
        if let orderID { members.append(("orderID", .string(orderID))) }
        return .object(members)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        self.body.response(self.status, headers: self.headers)
    }

    static func unauthorized(_ message: String = "Unauthorized/Invalid api key") -> WireError {
        WireError(.unauthorized, message)
    }

    static func notFound(_ message: String) -> WireError { WireError(.notFound, message) }
}

/// Turns whatever a route throws into a Polymarket-shaped reply: Hummingbird's own errors (an
/// unknown route, a malformed body) keep their status with an `error` body; a venue refusal
/// becomes a 4xx; nothing else should ever escape, and if it does it is a 500 saying so.
struct WireErrorMiddleware: RouterMiddleware {
    typealias Context = FakePolymarketContext

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as WireError {
            throw error
        } catch let error as VenueError {
            throw WireError(error)
        } catch let error as HTTPError {
            throw WireError(error.status, error.body ?? error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            throw WireError(error.status, error.status.reasonPhrase)
        } catch is UnansweredRequest {
            throw UnansweredRequest()
        } catch {
            context.logger.error("fake polymarket route failed", metadata: ["error": "\(error)"])
            throw WireError(.internalServerError, "internal error")
        }
    }
}

/// Thrown from inside a response body to close the connection without an answer: the client
/// sees a dropped connection, as when Polymarket's reply is lost on the way.
struct UnansweredRequest: Error {}

extension Response {
    /// A reply that never comes: after `hold` the connection closes with no body. The status
    /// line may already have gone out, which is why the body fails rather than the handler.
    static func unanswered(after hold: Duration) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { _ in
            if hold > .zero { try await Task.sleep(for: hold) }
            throw UnansweredRequest()
        })
    }
}
