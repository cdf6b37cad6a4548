import Metrics
import Prometheus
import Synchronization

/// The process's one metrics backend: swift-metrics calls anywhere in the code land in a
/// Prometheus registry that `GET /metrics` renders. Bootstrapped once per process (swift-metrics
/// allows one bootstrap), whichever command or test gets there first.
enum MirrorMetrics {
    /// The registry every service's `/metrics` renders.
    static let registry = PrometheusCollectorRegistry()

    private static let bootstrapped: Bool = {
        MetricsSystem.bootstrap(NamingMetricsFactory(PrometheusMetricsFactory(registry: registry)))
        return true
    }()

    /// Installs the factory on first call; later calls do nothing.
    static func bootstrap() {
        _ = Self.bootstrapped
    }

    /// The Prometheus text exposition of everything recorded so far.
    static func render() -> String {
        Self.registry.emitToString()
    }
}

/// Turns whatever name a swift-metrics call uses into a safe Prometheus name before the registry
/// sees it: `mirror_` prefixed, dots and other invalid characters as `_`, counters ending in
/// `_total` and timers in `_seconds`. The registry stops the process when one name is registered
/// as two kinds (or labelled and unlabelled); such a second use gets its kind appended instead.
final class NamingMetricsFactory: MetricsFactory {
    enum Kind: String, Sendable {
        case counter, gauge, histogram, timer
    }

    private let base: PrometheusMetricsFactory
    private let registered = Mutex<[String: (kind: Kind, labelled: Bool)]>([:])

    init(_ base: PrometheusMetricsFactory) {
        self.base = base
    }

    /// The Prometheus name for `label` used as `kind`, before collision handling.
    static func metricName(_ label: String, kind: Kind) -> String {
        var name = Self.labelName(label)
        if !name.hasPrefix("mirror_") { name = "mirror_" + name }
        switch kind {
        case .counter where !name.hasSuffix("_total"): name += "_total"
        case .timer where !name.hasSuffix("_seconds"): name += "_seconds"
        default: break
        }
        return name
    }

    /// Dimension names made valid the same way (Prometheus label names allow no dots).
    static func labelName(_ dimension: String) -> String {
        String(dimension.unicodeScalars.map { scalar -> Character in
            let isValid = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z")
                || (scalar >= "0" && scalar <= "9") || scalar == "_"
            return isValid ? Character(scalar) : "_"
        })
    }

    private func resolve(_ label: String, _ dimensions: [(String, String)], kind: Kind) -> (String, [(String, String)]) {
        let wanted = Self.metricName(label, kind: kind)
        let labelled = !dimensions.isEmpty
        let name = self.registered.withLock { registered -> String in
            var name = wanted
            if let existing = registered[name], existing.kind != kind || existing.labelled != labelled {
                name = "\(wanted)_\(kind.rawValue)\(labelled ? "_labelled" : "")"
            }
            registered[name] = registered[name] ?? (kind, labelled)
            return name
        }
        return (name, dimensions.map { (Self.labelName($0.0), $0.1) })
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        let (name, labels) = self.resolve(label, dimensions, kind: .counter)
        return self.base.makeCounter(label: name, dimensions: labels)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        let (name, labels) = self.resolve(label, dimensions, kind: .counter)
        return self.base.makeFloatingPointCounter(label: name, dimensions: labels)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        let (name, labels) = self.resolve(label, dimensions, kind: .gauge)
        return self.base.makeMeter(label: name, dimensions: labels)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        let (name, labels) = self.resolve(label, dimensions, kind: aggregate ? .histogram : .gauge)
        return self.base.makeRecorder(label: name, dimensions: labels, aggregate: aggregate)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let (name, labels) = self.resolve(label, dimensions, kind: .timer)
        return self.base.makeTimer(label: name, dimensions: labels)
    }

    func destroyCounter(_ handler: any CounterHandler) { self.base.destroyCounter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { self.base.destroyFloatingPointCounter(handler) }
    func destroyMeter(_ handler: any MeterHandler) { self.base.destroyMeter(handler) }
    func destroyRecorder(_ handler: any RecorderHandler) { self.base.destroyRecorder(handler) }
    func destroyTimer(_ handler: any TimerHandler) { self.base.destroyTimer(handler) }
}
