import CopyBenchSupport
import Foundation
import Kernel
import PostgresAdapter
import PostgresBenchSupport
import PostgresNIO

// Issue #18 item 5: several worker processes on one Postgres queue. For each process count the
// parent makes a fresh schema with 10 leaders × 100 followers, starts that many copies of this
// executable as workers (each with its own in-process FakeExchange holding the same followers'
// accounts, as separate `mirror workers` processes would share one venue), waits until each is
// ready, records 6 fills per leader into the queue (6,000 attempts, unclaimed), then lets the
// workers go. Each drains the queue as the copy-trading worker does (claim a batch, process it,
// repeat) until no attempt is left open, and writes down the order ids its venue was sent.
// Reported: orders per second from the first worker's start to the last one's last batch, and
// the duplicates the venues saw — an order id sent twice, or an attempt with two orders sent.
// Afterwards every attempt is checked DONE with a filled order.
//
//     TEST_POSTGRES_URL=postgres://… .build/release/WorkersBenchmark [process counts, default 1 2 4]

let leaders = 10
let followersPerLeader = 100
let fillsPerLeader = 6
/// Attempts one claim takes (production's default is 20; a backlog drains in bigger batches).
let batchSize = 100

struct WorkerResult {
    var startMs: Int64
    var endMs: Int64
    var claimed: Int
    var orders: [String]
}

func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

func randomKeyHex() -> String {
    (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
}

/// Open attempts left in the queue (PENDING, DEFERRED or PLACING).
func openAttempts(_ store: PostgresStore) async throws -> Int64 {
    let rows = try await store.client.query(
        "SELECT count(*)::bigint FROM copy_attempts WHERE status IN ('PENDING', 'DEFERRED', 'PLACING')",
        logger: TemporaryPostgres.logger)
    for try await count in rows.decode(Int64.self) { return count }
    return 0
}

/// One worker process: waits for `go`, drains the queue until nothing is open, writes its result.
func worker(schema: String, masterKey: String, followers: Int, folder: URL, index: Int) async throws {
    let database = try await TemporaryPostgres.attach(schema: schema)
    let bench = try await CopyBench.make(store: database.store, masterKey: masterKey, batchSize: batchSize)
    try await bench.deepBook()
    try await bench.openAccounts(count: followers, funds: .dollars(1_000_000))
    _ = FileManager.default.createFile(atPath: folder.appendingPathComponent("ready-\(index)").path, contents: nil)
    while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("go").path) {
        try await Task.sleep(for: .milliseconds(2))
    }
    let start = nowMs()
    var end = start
    var claimed = 0
    while true {
        let drained = try await bench.drainOnce()
        if drained > 0 {
            claimed += drained
            end = nowMs()
            continue
        }
        // Nothing claimable: done once nothing is open (others may still hold claims).
        if try await openAttempts(database.store) == 0 { break }
        try await Task.sleep(for: .milliseconds(2))
    }
    let orders = bench.submittedOrders.map(\.rawValue)
    let text = "\(start) \(end) \(claimed)\n" + orders.joined(separator: "\n")
    try text.write(to: folder.appendingPathComponent("result-\(index)"), atomically: true, encoding: .utf8)
    await database.close()
}

func readResult(_ url: URL) throws -> WorkerResult {
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    let head = (lines.first ?? "").split(separator: " ").compactMap { Int64($0) }
    guard head.count == 3 else { throw BenchmarkSetupError("a worker's result is malformed: \(lines.first ?? "")") }
    return WorkerResult(startMs: head[0], endMs: head[1], claimed: Int(head[2]), orders: Array(lines.dropFirst()))
}

/// One run with `count` worker processes; prints its line and returns whether it was clean.
func run(processes count: Int) async throws {
    let database = try await TemporaryPostgres.open()
    let masterKey = randomKeyHex()
    let bench = try await CopyBench.make(store: database.store, masterKey: masterKey, batchSize: batchSize)
    var following: [Leader] = []
    for _ in 0..<leaders {
        let leader = try await bench.addLeader()
        for _ in 0..<followersPerLeader { try await bench.addFollower(of: leader, funds: .dollars(1_000_000)) }
        following.append(leader)
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("workers-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }

    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    var children: [Process] = []
    for index in 0..<count {
        let child = Process()
        child.executableURL = executable
        child.arguments = ["worker", database.schema, masterKey, "\(leaders * followersPerLeader)", folder.path, "\(index)"]
        try child.run()
        children.append(child)
    }
    let readyBy = ContinuousClock.now + .seconds(300)
    while (0..<count).contains(where: { !FileManager.default.fileExists(atPath: folder.appendingPathComponent("ready-\($0)").path) }) {
        guard ContinuousClock.now < readyBy, children.allSatisfy(\.isRunning) else {
            children.forEach { $0.terminate() }
            throw BenchmarkSetupError("a worker process did not get ready")
        }
        try await Task.sleep(for: .milliseconds(10))
    }

    var fills: [(ObservedFill, Leader)] = []
    for _ in 0..<fillsPerLeader {
        for leader in following {
            try await bench.refillBook()
            let fill = try await bench.leaderBuys(leader)
            try await bench.enqueue(fill, of: leader)
            fills.append((fill, leader))
        }
    }
    let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
    _ = FileManager.default.createFile(atPath: folder.appendingPathComponent("go").path, contents: nil)
    while children.contains(where: \.isRunning) { try await Task.sleep(for: .milliseconds(10)) }
    guard children.allSatisfy({ $0.terminationStatus == 0 }) else {
        throw BenchmarkSetupError("a worker process failed: \(children.map(\.terminationStatus))")
    }
    let results = try (0..<count).map { try readResult(folder.appendingPathComponent("result-\($0)")) }

    // Every attempt DONE with a filled order.
    for (fill, _) in fills { try await bench.expectCopied(fill, followers: followersPerLeader) }
    // Duplicates at the venues: an order id sent twice, or an attempt with two orders sent.
    let sent = results.flatMap(\.orders)
    let repeatedOrders = sent.count - Set(sent).count
    var attemptOf: [String: String] = [:]
    let rows = try await database.store.client.query("SELECT id, attempt_id FROM orders", logger: TemporaryPostgres.logger)
    for try await (id, attempt) in rows.decode((String, String).self) { attemptOf[id] = attempt }
    let ordersPerAttempt = Dictionary(grouping: Set(sent), by: { attemptOf[$0] ?? "?" }).mapValues(\.count)
    let doubledAttempts = ordersPerAttempt.values.filter { $0 > 1 }.count
    let seconds = Double((results.map(\.endMs).max() ?? 0) - (results.map(\.startMs).min() ?? 0)) / 1000
    let rate = seconds > 0 ? Double(sent.count) / seconds : 0
    let split = results.map { "\($0.claimed)" }.joined(separator: "/")
    print(String(format: "%d process(es): %d orders in %.2f s = %.0f orders/s; duplicates at the venue: %d (repeated order ids %d, attempts with two orders %d); claimed per process %@; all %d attempts DONE and filled; load at start %@",
                 count, sent.count, seconds, rate, repeatedOrders + doubledAttempts, repeatedOrders, doubledAttempts, split,
                 fills.count * followersPerLeader, load))
    try await database.remove()
}

let arguments = CommandLine.arguments
if arguments.count == 7, arguments[1] == "worker", let followers = Int(arguments[4]), let index = Int(arguments[6]) {
    try await worker(schema: arguments[2], masterKey: arguments[3], followers: followers,
                     folder: URL(fileURLWithPath: arguments[5]), index: index)
} else {
    let counts = arguments.dropFirst().compactMap { Int($0) }
    for count in counts.isEmpty ? [1, 2, 4] : counts {
        try await run(processes: count)
    }
}
