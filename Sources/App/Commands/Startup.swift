import ArgumentParser
import Configuration
import Foundation
import Logging
import SystemPackage

/// What every command does before its own work: read and validate the configuration, bootstrap
/// logging (the only place that happens), and turn any failure into one line on stderr and a
/// non-zero exit.
enum Startup {
    /// The process environment, then `.env` in the working directory if there is one: a variable
    /// set in both places takes the environment's value.
    static func readConfiguration() async throws -> MirrorConfiguration {
        let secrets = SecretsSpecifier<String, String>.specific(ConfigVariable.secretNames)
        let environment = EnvironmentVariablesProvider(secretsSpecifier: secrets)
        let dotEnv: EnvironmentVariablesProvider
        do {
            dotEnv = try await EnvironmentVariablesProvider(environmentFilePath: ".env", allowMissing: true, secretsSpecifier: secrets)
        } catch {
            throw StartupFailure(message: "configuration error: .env cannot be read: \(error)")
        }
        return try MirrorConfiguration(reader: ConfigReader(providers: [environment, dotEnv]))
    }

    static func run(_ body: (MirrorConfiguration, Logger) async throws -> Void) async throws {
        do {
            let configuration = try await Self.readConfiguration()
            Self.bootstrapLogging(configuration)
            MirrorMetrics.bootstrap()
            try await body(configuration, Logger(label: "mirror"))
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Self.printError(Self.line(for: error))
            throw ExitCode.failure
        }
    }

    /// `LOG_LEVEL` and `LOG_FORMAT` for every logger, each line carrying the request id of the
    /// HTTP request whose work wrote it.
    static func bootstrapLogging(_ configuration: MirrorConfiguration) {
        let level = configuration.logLevel
        let format = configuration.operations.logFormat
        LoggingSystem.bootstrap({ label, provider in
            switch format {
            case .json:
                var handler = JSONLogHandler(label: label, metadataProvider: provider)
                handler.logLevel = level
                return handler
            case .text:
                var handler = StreamLogHandler.standardOutput(label: label, metadataProvider: provider)
                handler.logLevel = level
                return handler
            }
        }, metadataProvider: RequestTrace.metadataProvider)
    }

    /// One line, whatever the error: configuration errors already read
    /// `configuration error: VARIABLE …`; anything else gets `error: `.
    static func line(for error: any Error) -> String {
        let text: String
        switch error {
        case let error as ConfigurationError: text = error.description
        case let error as StartupFailure: text = error.message
        default: text = "error: \(String(describing: error))"
        }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// In local mode with no `ADMIN_TOKEN`, the generated one is shown once, so the developer can
    /// call `/admin/*`. It goes to stdout directly, never through the logger.
    static func announceGeneratedAdminToken(_ configuration: MirrorConfiguration) {
        guard configuration.adminTokenWasGenerated else { return }
        Self.printLine("ADMIN_TOKEN is not set; generated one for this run (local mode only): \(configuration.adminToken.revealed)")
    }

    static func printLine(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// A start-up failure whose message is already the line to print.
struct StartupFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { self.message }
}
