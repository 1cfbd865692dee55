/// Go-style durations as Kubernetes users write them: `90s`, `10m`, `1h30m`, `500ms`.
public enum DurationText {
    /// Parses a positive duration; nil when the text is not one.
    public static func parse(_ text: String) -> Duration? {
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            switch unit {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            case "ms": total += value / 1000
            default: return nil
            }
        }
        // Whole milliseconds, at least one: ".1ms" is not a positive duration once rounded (found fuzzing).
        let milliseconds = (total * 1000).rounded()
        guard milliseconds >= 1, total < 365 * 86_400 else { return nil }
        return .milliseconds(Int64(milliseconds))
    }

    /// Formats a duration the way `parse` reads it (`1h30m`, `90s` stays `1m30s`).
    public static func format(_ duration: Duration) -> String {
        var milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        guard milliseconds > 0 else { return "0s" }
        var text = ""
        for (unit, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1000)] where milliseconds >= size {
            text += "\(milliseconds / size)\(unit)"
            milliseconds %= size
        }
        if milliseconds > 0 { text += "\(milliseconds)ms" }
        return text
    }
}
