import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import Testing
#if canImport(Glibc)
import Glibc
#endif

@testable import App

/// Issue #21 item 7: a client that never finishes its request is disconnected after the read
/// timeout; a finished request is answered as usual.
@Suite(.timeLimit(.minutes(1))) struct ConnectionLimitTests {
    /// A TCP connection to the app that sends `bytes`: whether the server closed it within
    /// `wait` (read to end of stream), and what it answered.
    static func exchange(port: Int, sending bytes: String, within wait: Duration) throws -> (closed: Bool, answer: String) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        _ = bytes.withCString { send(fd, $0, strlen($0), 0) }
        var timeout = timeval(tv_sec: Int(wait.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        var answer: [UInt8] = []
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            // End of stream: the server closed it; an error: the wait ran out with it open.
            if count <= 0 { return (count == 0, String(decoding: answer, as: UTF8.self)) }
            answer += buffer.prefix(count)
        }
    }

    /// ``exchange(port:sending:within:)`` on a thread of its own: its blocking reads must not hold
    /// one of the few threads every other test's tasks run on.
    static func offPool(port: Int, sending bytes: String) async throws -> (closed: Bool, answer: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try Self.exchange(port: port, sending: bytes, within: .seconds(5)) })
            }
        }
    }

    @Test func aConnectionThatNeverFinishesItsBodyIsClosedAfterTheReadTimeout() async throws {
        let world = try await APIWorld.make(["HTTP_READ_TIMEOUT_S": "1"])
        let app = try await buildApplication(configuration: world.configuration, backends: world.backends, role: .api,
                                             jwksFetcher: world.jwks, logger: world.logs.logger())
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let slowBody = "POST /withdrawals HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"amo"
            let slowHead = "GET /health HTTP/1.1\r\nHost: x\r\n"
            // Real time: the timeout is the server's socket timer. 1 s timeout, 5 s to notice.
            #expect(try await Self.offPool(port: port, sending: slowBody).closed, "unfinished body")
            #expect(try await Self.offPool(port: port, sending: slowHead).closed, "unfinished head")
            let finished = try await Self.offPool(port: port, sending: "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(finished.answer.hasPrefix("HTTP/1.1 200"), "\(finished.answer)")
        }
    }
}

/// Issue #21 item 7: a per-user limit on write routes (429 with Retry-After), and oversized
/// bodies answered 413 before sign-in or the limit.
@Suite struct RequestLimitTests {
    @Test func writesOverTheLimitAre429WithRetryAfterReadsAreNotCountedAndSizeComesFirst() async throws {
        let world = try await APIWorld.make(["USER_WRITE_RATE_LIMIT": "3"])
        let alice = try await APIWorld.token("dynamic|rate-alice")
        let bob = try await APIWorld.token("dynamic|rate-bob")
        let huge = #"{"address":""# + String(repeating: "a", count: 300 * 1024) + #""}"#
        try await world.run { client in
            // Too large: 413 even with no token, before anything else.
            let anonymousHuge = try await client.call(.post, "/leaders", token: nil, json: huge)
            #expect(anonymousHuge.status == 413, "\(anonymousHuge.body.prefix(200))")
            for _ in 0..<5 { #expect(try await client.call(.get, "/me", token: alice).status == 200) }
            for n in 0..<3 {
                let answer = try await client.call(.post, "/leaders", token: alice, json: #"{"address":"0x12"}"#)
                #expect(answer.status == 422, "write \(n) is within the limit: the route answers")
            }
            let limited = try await client.execute(
                uri: "/leaders", method: .post,
                headers: [.authorization: "Bearer \(alice)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"address":"0x12"}"#)) { response in response }
            #expect(limited.status == .tooManyRequests)
            let retryAfter = try #require(limited.headers[.retryAfter].flatMap(Int.init))
            #expect((1...60).contains(retryAfter))
            #expect(try await client.call(.get, "/me", token: alice).status == 200, "reads are not limited")
            #expect(try await client.call(.post, "/leaders", token: bob, json: #"{"address":"0x12"}"#).status == 422,
                    "another user has their own budget")
            let hugeWhileLimited = try await client.call(.post, "/leaders", token: alice, json: huge)
            #expect(hugeWhileLimited.status == 413, "size is checked before the rate limit")
        }
    }
}
