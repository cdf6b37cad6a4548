import Foundation
import KeyVaultAdapter
import Testing

/// Issue #21 item 5: the local master key is private from its first byte.
@Suite struct MasterKeyFileTests {
    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    func withFolder(_ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mirror-key-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder)
    }

    @Test func aNewKeyIsWrittenIntoA0700FolderAsA0600FileAndNoTemporaryFileRemains() throws {
        try self.withFolder { folder in
            let data = folder.appendingPathComponent("data")
            let path = data.appendingPathComponent("master.key").path
            let (key, created) = try MasterKey.loadOrCreate(at: path)
            #expect(created)
            #expect(try self.mode(data.path) == 0o700)
            #expect(try self.mode(path) == 0o600)
            #expect(try FileManager.default.contentsOfDirectory(atPath: data.path) == ["master.key"])
            let (again, createdAgain) = try MasterKey.loadOrCreate(at: path)
            #expect(!createdAgain && again.version == key.version)
        }
    }

    @Test func anExistingFolderIsTightenedAndAnExistingKeyIsNeverReplaced() throws {
        try self.withFolder { folder in
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
            let path = folder.appendingPathComponent("master.key").path
            // Another process wrote its key first (an older build, world-readable).
            let theirs = (0..<32).map { String(format: "%02x", $0 * 7 % 256) }.joined()
            #expect(FileManager.default.createFile(atPath: path, contents: Data((theirs + "\n").utf8),
                                                   attributes: [.posixPermissions: 0o644]))
            let (key, created) = try MasterKey.loadOrCreate(at: path)
            #expect(!created)
            #expect(key.version == (try MasterKey(hex: theirs)).version)
            #expect(try self.mode(folder.path) == 0o700)
            #expect(try self.mode(path) == 0o600)
        }
    }

    @Test func manyProcessesCreatingAtOnceAllEndWithTheOneKeyOnDisk() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mirror-key-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("master.key").path
        let versions = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { try MasterKey.loadOrCreate(at: path).key.version } }
            return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
        }
        let onDisk = try MasterKey.loadOrCreate(at: path).key.version
        #expect(versions == [onDisk])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["master.key"])
    }
}
