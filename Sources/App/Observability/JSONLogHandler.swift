import Foundation
import Logging
import Synchronization

/// `LOG_FORMAT=json`: every log event as one JSON object on one line — `time`, `level`, `label`,
/// `message`, `source`, and the metadata (the handler's, the metadata provider's such as
/// `request_id`, and the event's, later ones winning) as string fields, keys sorted.
struct JSONLogHandler: LogHandler {
    /// Where finished lines go; stdout in production, a buffer in tests.
    let write: @Sendable (String) -> Void
    let label: String
    var metadataProvider: Logger.MetadataProvider?
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    init(label: String, metadataProvider: Logger.MetadataProvider? = nil,
         write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardOutput) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = self.metadata
        if let provided = self.metadataProvider?.get() { fields.merge(provided) { $1 } }
        if let explicit = event.metadata { fields.merge(explicit) { $1 } }
        var object = fields.mapValues(Self.text)
        object["time"] = Self.timestamp(Date())
        object["level"] = event.level.rawValue
        object["label"] = self.label
        object["message"] = event.message.description
        object["source"] = event.source
        // Sorted keys, no pretty printing: one line whatever the message holds.
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        self.write(String(decoding: data, as: UTF8.self) + "\n")
    }

    private static func text(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array, .dictionary: value.description
        }
    }

    /// RFC 3339 in UTC with milliseconds.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    private static let output = Mutex(())

    /// Whole lines to stdout, one writer at a time so lines never interleave.
    static let standardOutput: @Sendable (String) -> Void = { line in
        Self.output.withLock { _ in FileHandle.standardOutput.write(Data(line.utf8)) }
    }
}
