import Foundation
import HTTPTypes
import Hummingbird

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
