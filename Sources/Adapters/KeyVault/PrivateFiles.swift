import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files only this user may read: the data folder and the master key in it.
enum PrivateFiles {
    /// Creates `path` (and missing parents) with mode 0700, or tightens it to 0700 when it exists
    /// and is this user's own, unshared folder (never a shared one such as `/tmp`).
    static func ensureFolder(_ path: String) throws {
        var info = stat()
        if stat(path, &info) != 0 {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            chmod(path, 0o700)
            return
        }
        let sticky = info.st_mode & S_ISVTX != 0
        if info.st_uid == geteuid() && !sticky { chmod(path, 0o700) }
    }

    /// Writes `bytes` to a new file at `path` created exclusively with mode 0600 (never an
    /// existing file, never readable by others for an instant), then fsyncs it.
    static func writeExclusively(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw MasterKeyError(variable: "key file \(path)", problem: "could not be created (errno \(errno))") }
        defer { close(fd) }
        // The umask can only take bits away; make 0600 exact.
        fchmod(fd, 0o600)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { throw MasterKeyError(variable: "key file \(path)", problem: "could not be written") }
            written += count
        }
        guard fsync(fd) == 0 else { throw MasterKeyError(variable: "key file \(path)", problem: "could not be synced") }
    }

    /// Makes a new name in `folder` durable.
    static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
