import Logging
import Synchronization

/// Keeps every log line in memory (message and metadata rendered as text), for leak scans in tests and the chaos
/// benchmark. Never bootstrapped globally: pass `logger` where a `Logger` is taken.
public final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])
    private let limit: Int

    public init(limit: Int = 2_000_000) {
        self.limit = limit
    }

    /// A logger writing into this capture at `level`.
    public func logger(label: String = "capture", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { [self] label in CapturingLogHandler(label: label, capture: self) }
        logger.logLevel = level
        return logger
    }

    /// Every line so far.
    public var all: [String] { lines.withLock { $0 } }

    /// Every line so far, one per line.
    public var text: String { all.joined(separator: "\n") }

    public func append(_ line: String) {
        lines.withLock { lines in
            if lines.count < limit { lines.append(line) }
        }
    }
}

public struct CapturingLogHandler: LogHandler {
    public let label: String
    public let capture: LogCapture
    public var logLevel: Logger.Level = .trace
    public var metadata: Logger.Metadata = [:]

    public init(label: String, capture: LogCapture) {
        self.label = label
        self.capture = capture
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        capture.append("\(event.level) \(label): \(event.message) \(fields)")
    }
}
