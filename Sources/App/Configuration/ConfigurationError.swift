/// A configuration value that stops start-up. Its description is the one line `mirror` prints:
/// it names the variable and never contains a secret's value.
struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The environment variable at fault, e.g. `PORT`.
    let variable: String
    /// What is wrong, phrased to follow the variable's name.
    let problem: String

    init(_ variable: ConfigVariable, _ problem: String) {
        self.variable = variable.rawValue
        self.problem = problem
    }

    var description: String { "configuration error: \(self.variable) \(self.problem)" }
}
