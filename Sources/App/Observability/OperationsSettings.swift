/// How the process is observed and stopped (issue 20): the metrics token, the log format, the
/// shutdown drain and the workers' self-checks. Parsed with the rest of the configuration.
struct OperationsSettings: Hashable, Sendable {
    enum LogFormat: String, Hashable, Sendable, CaseIterable {
        /// swift-log's default lines, for a terminal.
        case text
        /// One JSON object per line, for a log pipeline.
        case json
    }

    /// `Authorization: Bearer` token `GET /metrics` requires; without it `/metrics` is open in
    /// local mode and off (404) in production.
    var metricsToken: Secret?
    var logFormat: LogFormat
    /// The most SIGTERM may take: three quarters for a graceful stop, the rest for cancelling
    /// whatever still hangs (a venue call), after which the process ends regardless.
    var drain: Duration
    /// `mirror workers` exits (for the platform to restart it) once the database has failed every
    /// probe for this long.
    var databaseUnreachableLimit: Duration

    static let defaults = OperationsSettings(metricsToken: nil, logFormat: .text, drain: .seconds(20),
                                             databaseUnreachableLimit: .seconds(60))

    /// How long services get to stop on their own before they are cancelled.
    var gracefulShutdown: Duration { self.drain * 3 / 4 }
    /// How long cancelled services get before the process ends anyway.
    var cancellation: Duration { self.drain - self.gracefulShutdown }
}

extension ConfigValues {
    func operations() throws(ConfigurationError) -> OperationsSettings {
        let token = self.raw(.metricsToken)
        if let token, token.count < 32 {
            throw ConfigurationError(.metricsToken, "must be at least 32 characters (`openssl rand -hex 32`)")
        }
        return OperationsSettings(
            metricsToken: token.map(Secret.init),
            logFormat: try self.choice(.logFormat, default: OperationsSettings.LogFormat.text),
            drain: .seconds(try self.integer(.shutdownDrainSeconds, in: 1...600, default: 20)),
            databaseUnreachableLimit: .seconds(try self.integer(.workersDatabaseUnreachableSeconds, in: 5...86_400,
                                                                default: 60)))
    }
}
