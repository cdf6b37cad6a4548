import Hummingbird

/// The floor `mirror serve`'s HTTP figures are read against: a bare Hummingbird server, same
/// version and build configuration, answering one JSON route and nothing else.
@main
struct HTTPBaseline {
    static func main() async throws {
        let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 58_301
        let router = Router()
        router.get("/health") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }
}
