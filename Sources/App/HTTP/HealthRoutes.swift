import Hummingbird

/// `GET /health`: liveness only (the runbook's "basic liveness"); the full picture is
/// `GET /system/status`.
struct HealthResponse: ResponseEncodable, Equatable, Decodable {
    var status: String
    var mode: String
}

extension Router where Context == AppRequestContext {
    func addHealthRoutes(mode: MirrorConfiguration.Mode) {
        self.get("/health") { _, _ in HealthResponse(status: "ok", mode: mode.rawValue) }
    }
}
