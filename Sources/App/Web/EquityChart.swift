import Foundation
import Kernel

/// A bar chart drawn on the server as SVG (no script, no style attribute: the CSP forbids inline
/// styles). Every number is also in the table beside it; the SVG is labelled for screen readers.
enum BarChart {
    struct Bar: Sendable, Equatable {
        var label: String
        var value: Collateral
    }

    static func svg(_ bars: [Bar], title: String, width: Int = 560, height: Int = 200) -> String {
        let top = bars.map(\.value.baseUnits).max() ?? 0
        let left = 8, bottom = 24, plot = height - bottom - 8
        let slot = bars.isEmpty ? 0 : (width - left * 2) / bars.count
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(escape(title))\">",
                     "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - left)\" y2=\"\(height - bottom)\" stroke=\"#8c959f\"/>"]
        for (index, bar) in bars.enumerated() {
            let barHeight = top > 0 ? Int(Int64(plot) * max(0, bar.value.baseUnits) / top) : 0
            let x = left + index * slot + slot / 6
            let y = height - bottom - barHeight
            parts.append("<rect x=\"\(x)\" y=\"\(y)\" width=\"\(max(1, slot * 2 / 3))\" height=\"\(barHeight)\" fill=\"#0a58ca\">"
                + "<title>\(escape(bar.label)): \(bar.value) pUSD</title></rect>")
            if index % 2 == 0 || bars.count <= 7 {
                parts.append("<text x=\"\(x + slot / 3)\" y=\"\(height - 8)\" font-size=\"11\" text-anchor=\"middle\" fill=\"#57606a\">\(escape(bar.label))</text>")
            }
        }
        parts.append("</svg>")
        return parts.joined()
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// The overview's equity curve, drawn on the server as an SVG polyline. Coordinates come from
/// the snapshots' integers (milliseconds and base units) by integer arithmetic, so the same
/// points always draw the same picture; the labels and the table beside it carry the numbers.
enum EquityCurve {
    struct Point: Sendable, Equatable {
        var x: Int
        var y: Int
    }

    static let width = 560, height = 200, left = 8, right = 8, top = 16, bottom = 24

    /// Time runs left to right over the snapshots' own span; equity bottom (lowest) to top
    /// (highest). One point, or a flat curve, sits on the middle line.
    static func points(_ snapshots: [EquitySnapshot]) -> [Point] {
        guard let first = snapshots.first?.takenAt.epochMilliseconds,
              let last = snapshots.last?.takenAt.epochMilliseconds else { return [] }
        let values = snapshots.map { Int128($0.equity.baseUnits) }
        let low = values.min() ?? 0, high = values.max() ?? 0
        let plotWidth = Int128(width - left - right), plotHeight = Int128(height - top - bottom)
        return zip(snapshots, values).map { snapshot, value in
            let x = last > first
                ? Int128(left) + Int128(snapshot.takenAt.epochMilliseconds - first) * plotWidth / Int128(last - first)
                : Int128(left) + plotWidth / 2
            let y = high > low
                ? Int128(top) + (high - value) * plotHeight / (high - low)
                : Int128(top) + plotHeight / 2
            return Point(x: Int(x), y: Int(y))
        }
    }

    static func svg(_ snapshots: [EquitySnapshot], title: String) -> String {
        let points = self.points(snapshots)
        let baseline = height - bottom
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(BarChart.escape(title))\">",
                     "<line x1=\"\(left)\" y1=\"\(baseline)\" x2=\"\(width - right)\" y2=\"\(baseline)\" stroke=\"#8c959f\"/>"]
        guard let firstSnapshot = snapshots.first, let lastSnapshot = snapshots.last else {
            parts.append("<text x=\"\(width / 2)\" y=\"\(height / 2)\" font-size=\"13\" text-anchor=\"middle\" fill=\"#57606a\">No equity recorded yet</text></svg>")
            return parts.joined()
        }
        let path = points.map { "\($0.x),\($0.y)" }.joined(separator: " ")
        parts.append("<polyline points=\"\(path)\" fill=\"none\" stroke=\"#0a58ca\" stroke-width=\"2\" stroke-linejoin=\"round\"/>")
        if let end = points.last {
            parts.append("<circle cx=\"\(end.x)\" cy=\"\(end.y)\" r=\"3\" fill=\"#0a58ca\"><title>\(lastSnapshot.takenAt): \(lastSnapshot.equity) pUSD</title></circle>")
        }
        let equities = snapshots.map(\.equity)
        if let high = equities.max(), let low = equities.min() {
            parts.append("<text x=\"\(left)\" y=\"\(top - 4)\" font-size=\"11\" fill=\"#57606a\">\(high) pUSD</text>")
            if low != high {
                parts.append("<text x=\"\(left)\" y=\"\(baseline - 4)\" font-size=\"11\" fill=\"#57606a\">\(low) pUSD</text>")
            }
        }
        parts.append("<text x=\"\(left)\" y=\"\(height - 8)\" font-size=\"11\" fill=\"#57606a\">\(day(firstSnapshot.takenAt))</text>")
        parts.append("<text x=\"\(width - right)\" y=\"\(height - 8)\" font-size=\"11\" text-anchor=\"end\" fill=\"#57606a\">\(day(lastSnapshot.takenAt))</text>")
        parts.append("</svg>")
        return parts.joined()
    }

    /// The table beside the chart: each day's last point, newest first.
    static func dailyRows(_ snapshots: [EquitySnapshot]) -> [[String: String]] {
        var last: [String: EquitySnapshot] = [:]
        for snapshot in snapshots { last[day(snapshot.takenAt)] = snapshot }
        return last.sorted { $0.value.takenAt > $1.value.takenAt }.map { day, snapshot in
            ["day": day, "equity": snapshot.equity.description, "collateral": snapshot.collateral.description,
             "positions": snapshot.positionsValue.description]
        }
    }

    /// `MM-DD` of a time (UTC), as the volume chart labels its days.
    static func day(_ time: Timestamp) -> String {
        String(time.description.dropFirst(5).prefix(5))
    }
}
