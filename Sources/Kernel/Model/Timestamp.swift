/// A point in time as whole milliseconds since the Unix epoch.
///
/// The domain keeps milliseconds as an integer so a value survives every store, cache and wire
/// format exactly (a `Date` round-tripped through a `Double` of microseconds does not), and so
/// heartbeats can be written as the runbook's epoch-millisecond values.
public struct Timestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var epochMilliseconds: Int64

    public init(epochMilliseconds: Int64) {
        self.epochMilliseconds = epochMilliseconds
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.epochMilliseconds < rhs.epochMilliseconds
    }

    public static func + (lhs: Timestamp, rhs: Duration) -> Timestamp {
        Timestamp(epochMilliseconds: lhs.epochMilliseconds + rhs.wholeMilliseconds)
    }

    public static func - (lhs: Timestamp, rhs: Duration) -> Timestamp {
        Timestamp(epochMilliseconds: lhs.epochMilliseconds - rhs.wholeMilliseconds)
    }

    /// The time from `earlier` to `self` (negative when `earlier` is later).
    public func since(_ earlier: Timestamp) -> Duration {
        .milliseconds(self.epochMilliseconds - earlier.epochMilliseconds)
    }

    /// ISO-8601 in UTC with milliseconds, e.g. `2026-11-29T01:30:00.123Z`: fixed width, so it
    /// sorts as text in the same order as in time.
    public var description: String { ISO8601Milliseconds.format(self) }

    public init(iso8601 text: String) throws(TimestampParseError) {
        self = try ISO8601Milliseconds.parse(text)
    }

    /// Encoded as the ISO-8601 text, which people and other programs read without a manual.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.description)
    }

    /// Decodes the ISO-8601 text, or a bare number of epoch milliseconds.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let milliseconds = try? container.decode(Int64.self) {
            self.init(epochMilliseconds: milliseconds)
        } else {
            self = try ISO8601Milliseconds.parse(try container.decode(String.self))
        }
    }
}

public struct TimestampParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public let text: String
    public var description: String { "not an ISO-8601 UTC timestamp with milliseconds: \(self.text)" }
}

extension Duration {
    /// Whole milliseconds, rounded towards zero.
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

/// Civil-calendar conversion without Foundation (Howard Hinnant's days-from-civil algorithm),
/// so the Kernel formats timestamps identically on every platform.
enum ISO8601Milliseconds {
    static func format(_ timestamp: Timestamp) -> String {
        let ms = timestamp.epochMilliseconds
        let days = floorDiv(ms, 86_400_000)
        let msOfDay = ms - days * 86_400_000
        let (year, month, day) = civil(fromDays: days)
        let hour = msOfDay / 3_600_000
        let minute = msOfDay / 60_000 % 60
        let second = msOfDay / 1000 % 60
        let milli = msOfDay % 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(milli, 3))Z"
    }

    static func parse(_ text: String) throws(TimestampParseError) -> Timestamp {
        // yyyy-MM-ddTHH:mm:ss(.SSS)?Z
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) throws(TimestampParseError) -> Int64 {
            guard range.upperBound <= bytes.count else { throw TimestampParseError(text: text) }
            var value: Int64 = 0
            for byte in bytes[range] {
                guard (0x30...0x39).contains(byte) else { throw TimestampParseError(text: text) }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        func expect(_ index: Int, _ character: Character) throws(TimestampParseError) {
            guard index < bytes.count, bytes[index] == character.asciiValue else { throw TimestampParseError(text: text) }
        }
        try expect(4, "-"); try expect(7, "-"); try expect(10, "T"); try expect(13, ":"); try expect(16, ":")
        let year = try number(0..<4), month = try number(5..<7), day = try number(8..<10)
        let hour = try number(11..<13), minute = try number(14..<16), second = try number(17..<19)
        var milli: Int64 = 0
        var end = 19
        if bytes.count > 19, bytes[19] == UInt8(ascii: ".") {
            milli = try number(20..<23)
            end = 23
        }
        try expect(end, "Z")
        guard bytes.count == end + 1, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { throw TimestampParseError(text: text) }
        let days = daysFromCivil(year: year, month: month, day: day)
        // A day past the end of its month would roll over into the next one: refuse it.
        guard civil(fromDays: days) == (year, month, day) else { throw TimestampParseError(text: text) }
        return Timestamp(epochMilliseconds: ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + milli)
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : (a - b + 1) / b
    }

    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yearOfEra = y - era * 400
        let monthIndex = (month + 9) % 12
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
