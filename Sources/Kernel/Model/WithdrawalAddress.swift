/// A destination in a user's withdrawal address book: in production a withdrawal may only go to
/// one of these, and only once `usableAt` has passed (`WITHDRAWAL_ADDRESS_DELAY` after it was
/// added), so a stolen session cannot drain a wallet to a new address at once.
public struct WithdrawalAddress: Hashable, Sendable, Codable {
    public var userID: UserID
    public var address: WalletAddress
    /// The user's own note; never shown to anyone else.
    public var label: String?
    public var createdAt: Timestamp
    public var usableAt: Timestamp

    public init(userID: UserID, address: WalletAddress, label: String? = nil, createdAt: Timestamp, usableAt: Timestamp) {
        self.userID = userID
        self.address = address
        self.label = label
        self.createdAt = createdAt
        self.usableAt = usableAt
    }

    public func isUsable(at now: Timestamp) -> Bool { self.usableAt <= now }
}
