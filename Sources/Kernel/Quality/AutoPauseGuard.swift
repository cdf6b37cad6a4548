public import Logging

/// Carries auto-pause rules out (issue #22): each ENABLED follow with a rule is judged on its
/// finished copies since the later of its creation and its last resume (``AutoPauseRule/breach``,
/// pure), and a broken rule pauses it USER_PAUSED with the rule named, audited as
/// `profile.auto_paused` in the same step. Runs in the auto-claim worker's tick: a rule over a
/// window of finished copies needs no sub-second reaction, and judging it there keeps book reads
/// (the marks) and history reads off the copy path.
public struct AutoPauseGuard: Sendable {
    let store: any Store
    let reader: QualityReader
    let wallClock: WallClock
    let ids: IDGenerator
    let logger: Logger

    public init(store: any Store, marks: @escaping QualityReader.MarkSource, wallClock: WallClock, ids: IDGenerator,
                logger: Logger) {
        self.store = store
        self.reader = QualityReader(store: store, marks: marks)
        self.wallClock = wallClock
        self.ids = ids
        self.logger = logger
    }

    /// Judges every follow with a rule once; returns the ids it paused. One follow's failure is
    /// logged and the others are still judged.
    @discardableResult
    public func run() async throws -> [ProfileID] {
        var paused: [ProfileID] = []
        for profile in try await self.store.profilesWithAutoPause() {
            guard let rule = profile.limits.autoPause else { continue }
            do {
                let start = max(profile.createdAt, profile.resumedAt ?? profile.createdAt)
                let copies = try await self.reader.entries(of: profile, since: start).filter { $0.leaderPrice != nil }
                guard copies.count >= rule.window else { continue }
                let window = Array(copies.suffix(rule.window))
                let wallet = try await self.store.wallet(id: profile.walletID)
                let marks = await self.reader.marks(for: window, wallet: wallet)
                guard let broken = rule.breach(window, marks: marks) else { continue }
                let now = self.wallClock.now()
                let audit = AuditEntry(
                    id: self.ids.next(), actor: "rule", action: "profile.auto_paused", subjectType: "copy_profile",
                    subjectID: profile.id.rawValue, details: "ENABLED -> USER_PAUSED; \(broken)", createdAt: now)
                if try await self.store.pauseByRule(profile.id, rule: broken, at: now, audit: audit) {
                    self.logger.notice("follow auto-paused by its rule", metadata: [
                        "profile.id": "\(profile.id)", "rule": "\(broken)",
                    ])
                    paused.append(profile.id)
                }
            } catch {
                self.logger.warning("auto-pause rule of a follow could not be judged; the next tick retries", metadata: [
                    "profile.id": "\(profile.id)", "error": "\(error)",
                ])
            }
        }
        return paused
    }
}
