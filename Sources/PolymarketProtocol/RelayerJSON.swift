/// A JSON value whose object keys keep the order they were written in, for request bodies that
/// must be byte-exact (an HMAC covers them). Only what relayer bodies use: strings, objects and
/// arrays — every number travels as a decimal string.
indirect enum RelayerJSON: Sendable {
    case string(String)
    case object([(key: String, value: RelayerJSON)])
    case array([RelayerJSON])

    /// Compact: no spaces; non-ASCII characters as raw UTF-8.
    var serialized: String {
        var output = ""
        self.write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .string(let text):
            output += JSON.string(text)
        case .object(let members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                output += JSON.string(member.key)
                output += ":"
                member.value.write(to: &output)
            }
            output += "}"
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                element.write(to: &output)
            }
            output += "]"
        }
    }
}
