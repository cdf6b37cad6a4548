import Kernel
import Testing

/// The tag of ``EquityStore``'s contract.
public enum EquityStorePort {}
/// The specification of ``EquityStore``.
public typealias EquityStoreContract = StoreContract<EquityStorePort>

extension StoreContract where Port == EquityStorePort {
    /// Two users' wallets, the parent rows every point needs.
    private static func wallets(in store: some Store) async throws -> (WalletID, WalletID) {
        for n in [1, 2] {
            try await store.insertUser(.fixture(n))
            try await store.insertWallet(.fixture(n))
        }
        return (TradingWallet.fixture(1).id, TradingWallet.fixture(2).id)
    }

    /// The start of the hour `.fixture` falls in, plus `hours` and `minutes`.
    private static func at(hours: Int64, minutes: Int64 = 0) -> Timestamp {
        Timestamp(epochMilliseconds: EquitySnapshot.hour(of: .fixture) * EquitySnapshot.interval
            + hours * EquitySnapshot.interval + minutes * 60_000)
    }

    private static func point(_ wallet: WalletID, _ time: Timestamp, _ collateral: Int64, _ positions: Int64 = 0) -> EquitySnapshot {
        EquitySnapshot(walletID: wallet, collateral: Collateral(baseUnits: collateral),
                       positionsValue: Collateral(baseUnits: positions), takenAt: time)
    }

    public static var cases: [EquityStoreContract] { [
        .init("points read back equal, oldest first, per wallet, from `since` on") { store async throws in
            let (first, second) = try await wallets(in: store)
            let late = point(first, at(hours: 2, minutes: 59), 12_500_000, 3_250_001)
            let early = point(first, at(hours: 0, minutes: 1), 10_000_000)
            let middle = point(first, at(hours: 1), -1, 0)
            let other = point(second, at(hours: 1, minutes: 30), 7)
            for snapshot in [late, early, other, middle] {
                #expect(try await store.recordEquitySnapshot(snapshot))
            }
            #expect(try await store.equitySnapshots(walletID: first, since: at(hours: 0)) == [early, middle, late])
            #expect(try await store.equitySnapshots(walletID: first, since: at(hours: 1)) == [middle, late])
            #expect(try await store.equitySnapshots(walletID: second, since: at(hours: 0)) == [other])
            #expect(try await store.equitySnapshots(walletID: first, since: at(hours: 3)).isEmpty)
            #expect(late.equity == Collateral(baseUnits: 15_750_001))
        },
        .init("a second point in the same hour changes nothing and the first stands") { store async throws in
            let (wallet, _) = try await wallets(in: store)
            let first = point(wallet, at(hours: 5, minutes: 2), 100)
            #expect(try await store.recordEquitySnapshot(first))
            #expect(try await !store.recordEquitySnapshot(point(wallet, at(hours: 5, minutes: 58), 999, 1)))
            #expect(try await store.recordEquitySnapshot(point(wallet, at(hours: 6), 200)))
            #expect(try await store.equitySnapshots(walletID: wallet, since: at(hours: 5)).map(\.collateral.baseUnits) == [100, 200])
        },
        .init("a new point drops that wallet's points beyond the retained hours, and no one else's") { store async throws in
            let (wallet, other) = try await wallets(in: store)
            let limit = EquitySnapshot.retainedHours
            let dropped = point(wallet, at(hours: 0), 1)
            let kept = point(wallet, at(hours: 1), 2)
            let othersOld = point(other, at(hours: 0), 3)
            for snapshot in [dropped, kept, othersOld] { #expect(try await store.recordEquitySnapshot(snapshot)) }
            let newest = point(wallet, at(hours: limit + 1), 4)
            #expect(try await store.recordEquitySnapshot(newest))
            #expect(try await store.equitySnapshots(walletID: wallet, since: at(hours: 0)) == [kept, newest])
            #expect(try await store.equitySnapshots(walletID: other, since: at(hours: 0)) == [othersOld])
        },
    ] }
}
