/// Each user's withdrawal address book.
public protocol AddressBookStore: Sendable {
    /// Adds `entry` with `audit` in one step; `false`, changing nothing, when the user already
    /// has that address. A taken audit id throws `duplicate` and changes nothing.
    func addWithdrawalAddress(_ entry: WithdrawalAddress, audit: AuditEntry) async throws -> Bool
    /// Removes the user's `address` with `audit` in one step; `false`, changing nothing, when
    /// there was none.
    func removeWithdrawalAddress(userID: UserID, address: WalletAddress, audit: AuditEntry) async throws -> Bool
    /// The user's addresses, oldest first (then by address).
    func withdrawalAddresses(userID: UserID) async throws -> [WithdrawalAddress]
}
