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
                + "<title>\(escape(bar.label)): \(bar.value) USDC</title></rect>")
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
