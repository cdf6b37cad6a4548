import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import Testing

@testable import App

/// An error whose text must never reach a client (think: a driver error quoting a connection string).
struct DriverFailure: Error, CustomStringConvertible {
    var description: String { "connection to postgres://mirror:CANARY-9d2f@db failed" }
}

@Suite struct JSONErrorMiddlewareTests {
    /// A router with only the middleware and routes that throw each kind of error.
    static func application() -> some ApplicationProtocol {
        let router = Router(context: AppRequestContext.self)
        router.middlewares.add(JSONErrorMiddleware())
        router.get("/driver") { _, _ -> String in throw DriverFailure() }
        router.get("/missing") { _, _ -> String in throw StoreError.notFound(entity: "order", key: "0xabc") }
        router.get("/taken") { _, _ -> String in throw StoreError.duplicate(entity: "user", key: "u-1") }
        router.get("/corrupt") { _, _ -> String in
            throw StoreError.corruptRow(table: "orders", column: "status", value: "CANARY-9d2f")
        }
        router.get("/teapot") { _, _ -> String in throw HTTPError(.badRequest, message: "size must be positive") }
        return Application(router: router)
    }

    @Test(arguments: [
        ("/driver", 500, #"{"error":{"message":"internal error"}}"#),
        ("/corrupt", 500, #"{"error":{"message":"internal error"}}"#),
        ("/missing", 404, #"{"error":{"message":"order not found"}}"#),
        ("/taken", 409, #"{"error":{"message":"user already exists"}}"#),
        ("/teapot", 400, #"{"error":{"message":"size must be positive"}}"#),
        ("/nowhere", 404, #"{"error":{"message":"Not Found"}}"#),
    ])
    func errorsBecomeJSONWithoutLeakingText(_ uri: String, _ status: Int, _ body: String) async throws {
        try await Self.application().test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status.code == status)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(bodyText(response) == body)
                #expect(!bodyText(response).contains("CANARY"))
            }
        }
    }
}

@Suite struct LogRedactionTests {
    @Test(arguments: [
        ("connection to postgres://mirror:CANARY-9d2f@db:5432/mirror failed",
         "connection to postgres://<redacted>@db:5432/mirror failed"),
        ("redis://:CANARY@cache and postgres://u:p@h", "redis://<redacted>@cache and postgres://<redacted>@h"),
        ("no credentials in https://clob.polymarket.com/order", "no credentials in https://clob.polymarket.com/order"),
        ("plain text", "plain text"),
    ])
    func urlCredentialsNeverReachTheLog(_ text: String, _ expected: String) {
        #expect(redactingURLCredentials(in: text) == expected)
    }
}
