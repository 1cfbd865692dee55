import Foundation

/// `pullkeeper run` as a child process, so that the benchmark measures the controller's own memory and CPU apart
/// from the simulators it talks to (they share the benchmark's process).
package final class ControllerProcess: @unchecked Sendable {
    private let process = Process()

    /// Starts `pullkeeper run` (this very binary, or `executable`) against `kubeconfig` with `config`.
    /// Where the child's stderr goes (warnings and errors only: `--log-level warning`), when given.
    package let logPath: String?

    package init(
        kubeconfig: String, config: String, workers: Int, once: Bool = false, log: String? = nil,
        arguments: [String] = [], executable: String? = nil
    ) throws {
        logPath = log
        process.executableURL =
            executable.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments =
            [
                "run", "--kubeconfig", kubeconfig, "--config", config, "--metrics-address", "off", "--health-address",
                "off", "--workers", "\(workers)", "--kube-qps", "0", "--log-level", "warning",
            ] + (once ? ["--once"] : []) + arguments
        process.standardOutput = FileHandle.nullDevice
        if let log, FileManager.default.createFile(atPath: log, contents: nil),
            let handle = FileHandle(forWritingAtPath: log)
        {
            process.standardError = handle
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
    }

    package var pid: Int32 { process.processIdentifier }

    package var isRunning: Bool { process.isRunning }

    /// The last lines the child wrote to its log (it never logs secrets), for a run that ended too early.
    package func logTail(lines: Int = 5) -> String {
        guard let logPath, let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return "" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// Resets the peak RSS to the current one.
    package func resetPeak() { ProcessStats.resetPeak(pid: pid) }

    /// `VmHWM` of the child, in bytes.
    package var peakRSSBytes: Int? { ProcessStats.peakRSSBytes(pid: pid) }

    /// User + system CPU seconds of the child so far (`/proc/<pid>/stat` fields 14 and 15).
    package var cpuSeconds: Double { ProcessStats.cpuSeconds(pid: pid) ?? 0 }

    /// SIGTERM, then waits for the exit; returns the exit code.
    @discardableResult
    package func stop() async -> Int32 {
        if process.isRunning { process.terminate() }
        return await waitForExit()
    }

    /// Waits for the child to end by itself (`--once`).
    package func waitForExit() async -> Int32 {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        return process.terminationStatus
    }

    /// Waits for the child to end by itself, sampling it meanwhile: its peak RSS and CPU seconds over its whole
    /// life (/proc forgets both once it has exited), and its exit code.
    package func waitSampling() async -> (exit: Int32, peakRSSBytes: Int, cpuSeconds: Double) {
        var (peak, cpu) = (0, 0.0)
        while process.isRunning {
            peak = max(peak, peakRSSBytes ?? 0)
            cpu = max(cpu, cpuSeconds)
            try? await Task.sleep(for: .milliseconds(20))
        }
        return (process.terminationStatus, peak, cpu)
    }
}
