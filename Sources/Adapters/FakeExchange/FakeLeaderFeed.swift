public import Kernel

/// The LeaderFeed port over a ``FakeVenue``: every fill a leader made on the venue, by polling
/// or live as the venue publishes it.
public struct FakeLeaderFeed: LeaderFeed {
    let venue: FakeVenue

    public func fills(of leader: WalletAddress, since: Timestamp) async throws -> [ObservedFill] {
        try await self.venue.transport(.feed)
        return await self.venue.fills(of: leader, since: since)
    }

    /// Fills published after this call returns; the stream ends when the task is cancelled or
    /// the venue drops its streams.
    public func liveFills(of leaders: Set<WalletAddress>) -> AsyncThrowingStream<ObservedFill, any Error> {
        self.venue.subscribe(to: leaders)
    }

    public func positions(of wallet: WalletAddress) async throws -> [WalletPosition] {
        try await self.venue.transport(.feed)
        return await self.venue.positions(of: wallet)
    }
}
