import Foundation

/// CPU time and resident memory of this process, from getrusage(2) and /proc (Linux).
package enum ProcessStats {
    /// User + system CPU seconds used so far.
    package static func cpuSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Peak resident set size since start (or since `resetPeak()`), in bytes: `VmHWM` of /proc/self/status.
    package static func peakRSSBytes() -> Int? { statusField("VmHWM") }

    /// Current resident set size in bytes (`VmRSS`).
    package static func rssBytes() -> Int? { statusField("VmRSS") }

    /// Resets the peak to the current RSS (Linux `clear_refs` value 5), so each scenario reports its own peak.
    package static func resetPeak() {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return }
        handle.write(Data("5".utf8))
        try? handle.close()
    }

    private static func statusField(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let number = line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ").first
            return number.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }
}
