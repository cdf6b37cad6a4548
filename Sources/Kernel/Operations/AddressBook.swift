/// A user's withdrawal address book: adding an address needs a sign-in no older than
/// ``recentSignIn`` (a stolen long-lived session cannot add one), and the address becomes usable
/// only after the configured delay. Every change is audited in the same step.
public struct AddressBook: Sendable {
    public enum Failure: Error, Hashable, Sendable {
        /// The sign-in is older than ``AddressBook/recentSignIn`` (or its time is unknown).
        case signInTooOld
        /// The address is one of the user's own trading wallets.
        case ownWallet
    }

    /// How recent the sign-in that adds an address must be.
    public static let recentSignIn: Duration = .seconds(600)

    let store: any Store
    let delay: Duration
    let wallClock: WallClock
    let ids: IDGenerator

    public init(store: any Store, delay: Duration, wallClock: WallClock, ids: IDGenerator) {
        self.store = store
        self.delay = delay
        self.wallClock = wallClock
        self.ids = ids
    }

    /// Adds `address` (usable after the delay) and returns it; an address already in the book is
    /// returned as it is, its delay not restarted.
    public func add(userID: UserID, address: WalletAddress, label: String?, signedInAt: Timestamp?) async throws
        -> WithdrawalAddress {
        let now = self.wallClock.now()
        guard let signedInAt, now.since(signedInAt) <= Self.recentSignIn else { throw Failure.signInTooOld }
        let wallets = try await self.store.wallets(userID: userID)
        guard !wallets.contains(where: { $0.funderAddress == address || $0.signerAddress == address }) else {
            throw Failure.ownWallet
        }
        let entry = WithdrawalAddress(userID: userID, address: address, label: label, createdAt: now, usableAt: now + self.delay)
        let audit = AuditEntry(id: self.ids.next(), actor: "user:\(userID.rawValue)", action: "withdrawal_address.added",
                               subjectType: "withdrawal_address", subjectID: address.lowercased,
                               details: "usable at \(entry.usableAt)", createdAt: now)
        if try await self.store.addWithdrawalAddress(entry, audit: audit) { return entry }
        return try await self.list(userID: userID).first { $0.address == address } ?? entry
    }

    /// Removes `address`; `false` when it was not in the book.
    public func remove(userID: UserID, address: WalletAddress) async throws -> Bool {
        let now = self.wallClock.now()
        return try await self.store.removeWithdrawalAddress(userID: userID, address: address, audit: AuditEntry(
            id: self.ids.next(), actor: "user:\(userID.rawValue)", action: "withdrawal_address.removed",
            subjectType: "withdrawal_address", subjectID: address.lowercased, createdAt: now))
    }

    public func list(userID: UserID) async throws -> [WithdrawalAddress] {
        try await self.store.withdrawalAddresses(userID: userID)
    }
}
