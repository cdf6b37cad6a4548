import Foundation
import Hummingbird
import Kernel
import KernelTesting
import Testing

@testable import App

@Suite struct EquityCurveTests {
    static let wallet = WalletID("wallet-1")

    static func point(minutes: Int64, collateral: Int64, positions: Int64 = 0) -> EquitySnapshot {
        EquitySnapshot(walletID: Self.wallet, collateral: Collateral(baseUnits: collateral),
                       positionsValue: Collateral(baseUnits: positions),
                       takenAt: Timestamp(epochMilliseconds: 1_800_000_000_000 + minutes * 60_000))
    }

    @Test func pointsSpanThePlotByTimeAndEquityFromIntegers() {
        // Plot: x 8…552 (544 wide), y 16…176 (160 high); equity 100 at the bottom, 300 at the top.
        let snapshots = [
            Self.point(minutes: 0, collateral: 60, positions: 40),
            Self.point(minutes: 60, collateral: 300),
            Self.point(minutes: 240, collateral: 150, positions: 50),
        ]
        #expect(EquityCurve.points(snapshots) == [.init(x: 8, y: 176), .init(x: 144, y: 16), .init(x: 552, y: 96)])
        let svg = EquityCurve.svg(snapshots, title: "Equity")
        #expect(svg.contains("<polyline points=\"8,176 144,16 552,96\""))
        #expect(svg.contains("role=\"img\" aria-label=\"Equity\""))
        #expect(svg.contains(">0.0003 pUSD</text>") && svg.contains(">0.0001 pUSD</text>"))
    }

    @Test func oneOrFlatPointsSitOnTheMiddleLineAndLargeBalancesDoNotOverflow() {
        #expect(EquityCurve.points([Self.point(minutes: 0, collateral: 5)]) == [.init(x: 280, y: 96)])
        let flat = [Self.point(minutes: 0, collateral: 7), Self.point(minutes: 30, collateral: 7)]
        #expect(EquityCurve.points(flat) == [.init(x: 8, y: 96), .init(x: 552, y: 96)])
        let large = [Self.point(minutes: 0, collateral: .max / 2), Self.point(minutes: 1, collateral: 0)]
        #expect(EquityCurve.points(large) == [.init(x: 8, y: 16), .init(x: 552, y: 176)])
        #expect(EquityCurve.points([]).isEmpty)
        #expect(EquityCurve.svg([], title: "Equity").contains("No equity recorded yet"))
    }

    @Test func theTableHoldsEachDaysLastPointNewestFirst() {
        let day: Int64 = 24 * 60
        let rows = EquityCurve.dailyRows([
            Self.point(minutes: 0, collateral: 1_000_000),
            Self.point(minutes: 60, collateral: 2_000_000, positions: 500_000),
            Self.point(minutes: day, collateral: 3_000_000),
        ])
        #expect(rows.map { $0["equity"] } == ["3", "2.5"])
        #expect(rows.last?["collateral"] == "2" && rows.last?["positions"] == "0.5")
    }

    @Test func theOverviewDrawsTheWalletsEquityCurveWithItsTable() async throws {
        let world = try await APIWorld.make(["ADMIN_TOKEN": WebPageTests.adminToken])
        try await world.runServe { client in
            let session = try await client.signInLocally()
            let cookies = [WebSessions.userCookie: session]
            let before = try await client.page(.get, "/app", cookies: cookies)
            #expect(before.body.contains("Equity, last 14 days"))
            let store = world.backends.store
            let wallet = try #require(try await store.wallets(after: nil, limit: 100)
                .first { before.body.contains($0.funderAddress.checksummed) })
            let now = WallClock.system.now()
            for (hoursAgo, collateral, positions) in [(50, 10_000_000, 0), (26, 9_000_000, 2_500_000)] as [(Int64, Int64, Int64)] {
                #expect(try await store.recordEquitySnapshot(EquitySnapshot(
                    walletID: wallet.id, collateral: Collateral(baseUnits: collateral),
                    positionsValue: Collateral(baseUnits: positions), takenAt: now - .seconds(hoursAgo * 3600))))
            }
            let page = try await client.page(.get, "/app", cookies: cookies)
            #expect(page.status == 200)
            #expect(page.body.contains("aria-labelledby=\"equity-title\"><svg"))
            #expect(page.body.contains("<polyline points=\""))
            // `mirror serve` runs position sync too, which may add this hour's point: other days are ours.
            #expect(page.body.contains("<td>10</td><td>10</td><td>0</td>"))
            #expect(page.body.contains("<td>11.5</td><td>9</td><td>2.5</td>"))
            #expect(!page.body.contains("No equity recorded yet"))
            #expect(page.body.contains("Copied volume, last 14 days"))
        }
    }
}
