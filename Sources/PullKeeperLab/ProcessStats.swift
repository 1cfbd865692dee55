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

    /// User + system CPU seconds of another process so far (`/proc/<pid>/stat` fields 14 and 15); nil when it is
    /// gone or unreadable.
    package static func cpuSeconds(pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Peak resident set size since start (or since `resetPeak`), in bytes: `VmHWM` of /proc/PID/status (this
    /// process without a pid).
    package static func peakRSSBytes(pid: Int32? = nil) -> Int? { statusField("VmHWM", pid: pid) }

    /// Current resident set size in bytes (`VmRSS`).
    package static func rssBytes() -> Int? { statusField("VmRSS", pid: nil) }

    /// Resets the peak to the current RSS (Linux `clear_refs` value 5), so each scenario reports its own peak.
    package static func resetPeak(pid: Int32? = nil) {
        guard let handle = FileHandle(forWritingAtPath: "/proc/\(pid.map(String.init) ?? "self")/clear_refs") else {
            return
        }
        handle.write(Data("5".utf8))
        try? handle.close()
    }

    private static func statusField(_ name: String, pid: Int32?) -> Int? {
        let path = "/proc/\(pid.map(String.init) ?? "self")/status"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let number = line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ").first
            return number.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }
}
