import ArgumentParser
import Foundation
import Testing

@testable import App

/// `deploy/railway/*.json`, one file per service, checked against Railway's config-as-code
/// reference (docs.railway.com/config-as-code/reference): only the documented fields, each of
/// its documented type and values, and every command one `mirror` really has.
@Suite struct RailwayConfigTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let folder = root.appendingPathComponent("deploy/railway")

    /// The fields the reference documents, by section.
    static let topLevel: Set<String> = ["$schema", "build", "deploy", "environments"]
    static let buildFields: Set<String> = [
        "builder", "watchPatterns", "buildCommand", "dockerfilePath", "railpackVersion",
        "nixpacksConfigPath", "nixpacksPlan", "nixpacksVersion",
    ]
    static let deployFields: Set<String> = [
        "startCommand", "preDeployCommand", "multiRegionConfig", "numReplicas", "healthcheckPath", "healthcheckTimeout",
        "restartPolicyType", "restartPolicyMaxRetries", "cronSchedule", "overlapSeconds", "drainingSeconds",
        "sleepApplication", "region", "requiredMountPath",
    ]
    /// The Railway services: one per long-running subcommand that serves HTTP on PORT.
    static let services = ["api", "workers", "web"]

    /// The subcommand `mirror` itself declares under `name`, asked of its command configuration.
    static func subcommand(named name: String) -> (any ParsableCommand.Type)? {
        MirrorCommand.configuration.subcommands.first { $0._commandName == name }
    }

    static func load(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent("\(name).json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// What `mirror` would run for a command line written as Railway runs it (exec form, no shell).
    static func parse(_ command: String) throws -> any ParsableCommand {
        let words = command.split(separator: " ").map(String.init)
        try #require(words.first == "mirror", "\(command) must start with the image's `mirror` binary")
        return try MirrorCommand.parseAsRoot(Array(words.dropFirst()))
    }

    @Test func thereIsOneFilePerServiceAndNoOther() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".json") }
        #expect(Set(files) == Set(Self.services.map { "\($0).json" }))
    }

    @Test(arguments: Self.services)
    func everyFieldIsDocumentedAndOfItsDocumentedType(_ name: String) throws {
        let config = try Self.load(name)
        #expect(Set(config.keys).isSubset(of: Self.topLevel), "unknown top-level fields in \(name).json")
        #expect(config["$schema"] as? String == "https://railway.com/railway.schema.json")

        let build = try #require(config["build"] as? [String: Any])
        #expect(Set(build.keys).isSubset(of: Self.buildFields), "unknown build fields in \(name).json: \(build.keys.sorted())")
        #expect(build["builder"] as? String == "DOCKERFILE")
        let dockerfile = try #require(build["dockerfilePath"] as? String)
        #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(dockerfile).path))
        let patterns = try #require(build["watchPatterns"] as? [String])
        #expect(patterns.contains("deploy/railway/\(name).json"))

        let deploy = try #require(config["deploy"] as? [String: Any])
        #expect(Set(deploy.keys).isSubset(of: Self.deployFields), "unknown deploy fields in \(name).json: \(deploy.keys.sorted())")
        #expect(["ON_FAILURE", "ALWAYS", "NEVER"].contains(deploy["restartPolicyType"] as? String))
        if deploy["restartPolicyType"] as? String == "ON_FAILURE" {
            #expect((deploy["restartPolicyMaxRetries"] as? Int ?? 0) > 0)
        }
        // Railway's parser wants numbers here, not the strings an older page showed.
        for field in ["healthcheckTimeout", "restartPolicyMaxRetries", "overlapSeconds", "drainingSeconds"] where deploy[field] != nil {
            #expect(deploy[field] is Int, "\(field) in \(name).json must be a JSON number")
        }
        let path = try #require(deploy["healthcheckPath"] as? String)
        #expect(["/health", "/ready"].contains(path), "every service serves /health and /ready")
    }

    @Test(arguments: Self.services)
    func theStartCommandIsTheServicesSubcommandAndPreDeployPushesTheSchema(_ name: String) throws {
        let deploy = try #require(try Self.load(name)["deploy"] as? [String: Any])
        let start = try Self.parse(try #require(deploy["startCommand"] as? String))
        let expected = try #require(Self.subcommand(named: name), "`mirror \(name)` is not a subcommand")
        #expect(type(of: start) == expected, "\(name).json starts \(type(of: start))")
        let preDeploy = try #require(deploy["preDeployCommand"] as? [String])
        #expect(preDeploy.count == 1)
        #expect(try preDeploy.map { type(of: try Self.parse($0)) == Database.Push.self } == [true])
    }

    /// Railway sends SIGKILL `drainingSeconds` after SIGTERM: Mirror's own drain must end first.
    @Test(arguments: Self.services)
    func railwaysDrainingOutlastsMirrorsDrain(_ name: String) throws {
        let deploy = try #require(try Self.load(name)["deploy"] as? [String: Any])
        let draining = try #require(deploy["drainingSeconds"] as? Int)
        #expect(.seconds(draining) > OperationsSettings.defaults.drain)
    }
}
