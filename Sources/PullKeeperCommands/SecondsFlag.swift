import ArgumentParser

/// Numbers of seconds given on the command line: finite and within a year, so turning them into a `Duration`
/// cannot trap (`--lease-duration inf` or `1e300` is a usage error, exit 2, not a crash).
enum SecondsFlag {
    static let maximum: Double = 365 * 86_400

    /// Throws a `ValidationError` naming the first flag whose value is not finite or outside 0...maximum.
    static func check(_ flags: KeyValuePairs<String, Double?>) throws {
        for (flag, value) in flags {
            guard let value else { continue }
            guard value.isFinite, value >= 0, value <= maximum else {
                throw ValidationError("\(flag) must be a number of seconds from 0 to \(Int(maximum)), not \(value)")
            }
        }
    }
}
