public import AsyncHTTPClient
import Kernel
import NIOCore
import NIOHTTP1
import PolymarketProtocol

/// The production transport on async-http-client. Every request carries its own deadline, so no
/// call can hang the engine; failures become `VenueError`s the breaker understands.
public struct AsyncHTTPClientTransport: HTTPTransport {
    /// Replies larger than this are refused (no venue reply we read comes near it).
    public static let maximumBodyBytes = 8 * 1024 * 1024

    private let client: HTTPClient

    /// `client` is owned by the caller (the App shuts it down).
    /// On AsyncHTTPClient's process-wide shared client, for callers that do not import it.
    public static var shared: AsyncHTTPClientTransport { AsyncHTTPClientTransport(client: .shared) }

    public init(client: HTTPClient) {
        self.client = client
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers {
            outgoing.headers.add(name: header.name, value: header.value)
        }
        if let body = request.body {
            outgoing.body = .bytes(Array(body.utf8))
        }
        let timeout = TimeAmount.milliseconds(request.timeout.wholeMilliseconds)
        do {
            let response = try await self.client.execute(outgoing, timeout: timeout)
            let body = try await response.body.collect(upTo: Self.maximumBodyBytes)
            return HTTPResponse(
                status: Int(response.status.code),
                headers: response.headers.map { HTTPHeader(name: $0.name, value: $0.value) },
                body: Array(buffer: body))
        } catch let error as HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                throw VenueError.timeout
            default:
                // The error names the failure, never a header or body.
                throw VenueError.unavailable("\(request.method) \(request.path): \(error)")
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw VenueError.unavailable("\(request.method) \(request.path): \(type(of: error))")
        }
    }
}
