import Foundation
import HTTPTypes
import Hummingbird
import Kernel
import Logging

/// A client-facing error with a JSON body `{"error":{"message":…,"field":…}}`: `field` names the
/// request field at fault (dotted path, or the query parameter) when there is one.
struct APIError: Error, HTTPResponseError, Equatable {
    var status: HTTPResponse.Status
    var message: String
    var field: String?

    struct Body: Codable, Equatable {
        struct Detail: Codable, Equatable {
            var message: String
            var field: String?
        }
        var error: Detail
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if self.status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        let body = try encoder.encode(Body(error: .init(message: self.message, field: self.field)))
        return Response(status: self.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    static let unauthorized = APIError(status: .unauthorized, message: "missing or invalid bearer token")

    static func notFound(_ what: String) -> APIError {
        APIError(status: .notFound, message: "\(what) not found")
    }

    /// 422: well-formed JSON whose value breaks a rule.
    static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(status: .unprocessableContent, message: message, field: field)
    }

    /// 400: a body or parameter that cannot be read at all.
    static func badRequest(_ field: String?, _ message: String) -> APIError {
        APIError(status: .badRequest, message: message, field: field)
    }

    static func conflict(_ message: String) -> APIError {
        APIError(status: .conflict, message: message)
    }
}

extension APIError {
    /// A refused withdrawal, for `POST /withdrawals` and the withdrawal page alike.
    init(_ failure: Withdrawals.Failure) {
        switch failure {
        case .insufficientBalance(let available):
            self = .invalid("amount", "amount exceeds the available balance of \(available)")
        case .overDailyLimit(let limit, let acceptedToday):
            self = .invalid(
                "amount", "amount exceeds the daily withdrawal limit of \(limit) (\(acceptedToday) accepted in the last 24 hours)")
        case .ownWallet:
            self = .invalid("destination", "destination is your own trading wallet")
        case .destinationNotInAddressBook:
            self = .invalid(
                "destination",
                "destination is not in your withdrawal address book; add it with POST /withdrawal-addresses (signed in within the last 10 minutes), then wait for it to become usable")
        case .destinationNotYetUsable(let usableAt):
            self = .invalid("destination", "destination was added to your address book recently; it becomes usable at \(usableAt)")
        case .keyReused:
            self = .conflict("idempotencyKey was already used for a different withdrawal")
        case .noWallet, .walletNotReady:
            self = .conflict("the trading wallet is not ready yet; see GET /wallet")
        }
    }
}

/// The one mapping from domain errors to HTTP, used by the JSON API (``JSONErrorMiddleware``)
/// and the web pages (``HTMLErrorMiddleware``) alike: a Kernel error becomes the 4xx (or 503)
/// a client can act on; anything unexpected becomes `nil`, which both answer with a 500 that
/// says nothing of the driver or its data (the details go to the log only).
enum ErrorMapping {
    static func clientError(for error: any Error, logger: Logger) -> APIError? {
        switch error {
        case let error as APIError:
            return error
        case let error as HTTPError:
            return APIError(status: error.status, message: error.body ?? error.status.reasonPhrase)
        case let error as StoreError:
            switch error {
            case .notFound(let entity, _): return APIError(status: .notFound, message: "\(entity) not found")
            case .duplicate(let entity, _): return APIError(status: .conflict, message: "\(entity) already exists")
            case .corruptRow, .schemaTooNew: return nil
            }
        case let error as DecodingError:
            // The field's path, never the decoder's text (it can quote the body).
            return .badRequest(error.fieldPath, "the request body is not the JSON this endpoint expects")
        case let error as ProfileCommands.Failure:
            switch error {
            case .notFound: return .notFound("copy profile")
            case .notAllowed(let from, let to): return .conflict("a \(from.rawValue) profile cannot become \(to.rawValue)")
            case .contended: return .conflict("the profile kept changing; try again")
            }
        case let error as ProfileCommands.TwinFailure:
            switch error {
            case .notFound: return .notFound("copy profile")
            case .notTwinnable, .tooManyTwins: return .conflict(error.description)
            case .twinMustBePaper: return .invalid("mode", error.description)
            }
        case let error as Administration.Failure:
            switch error {
            case .notFound: return .notFound("relayer transaction")
            case .notRetryable(let status):
                return .conflict("only a FAILED transaction can be retried; this one is \(status.rawValue)")
            case .insufficientBalance(let available):
                return .conflict("the withdrawal no longer fits in the wallet's available balance of \(available); it stays FAILED")
            }
        case let error as Withdrawals.Failure:
            return APIError(error)
        case let error as VenueError:
            logger.warning("venue call failed", metadata: ["error.message": "\(error)"])
            return APIError(status: .serviceUnavailable, message: "the exchange is unavailable; try again")
        default:
            return nil
        }
    }

    /// Logs an unexpected error (URL credentials redacted) before it is answered with a 500.
    static func logInternal(_ error: any Error, logger: Logger) {
        logger.error("request failed", metadata: [
            "error.type": "\(type(of: error))",
            "error.message": "\(redactingURLCredentials(in: String(describing: error)))",
        ])
    }
}

extension DecodingError {
    /// The dotted path of the field a decoding error is about (`sizing.amount`), if any.
    var fieldPath: String? {
        let context: Context? = switch self {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): context
        case .keyNotFound(let key, let context): Context(codingPath: context.codingPath + [key], debugDescription: "")
        @unknown default: nil
        }
        let path = context?.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return path?.isEmpty == false ? path : nil
    }
}
