import Dispatch
import Foundation

/// Runs a short-lived command with a timeout, capturing stdout; stderr goes to ours (kubectl does the same, so a
/// plugin's prompts and errors reach the user).
enum ProcessRunner {
    struct Result: Sendable {
        var status: Int32
        var stdout: Data
    }

    static func run(
        command: String, arguments: [String], environment: [String: String], timeout: Duration
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                // `env` searches PATH for bare command names, as exec.LookPath does.
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = [command] + arguments
                process.environment = environment
                let stdout = Pipe()
                process.standardOutput = stdout
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(
                        throwing: KubernetesError(
                            kind: .configuration, operation: "exec credential plugin",
                            message: "\(command): cannot start: \(error.localizedDescription)"))
                    return
                }
                let pid = process.processIdentifier
                let killer = DispatchWorkItem { kill(pid, SIGKILL) }
                let (seconds, atto) = timeout.components
                DispatchQueue.global().asyncAfter(
                    deadline: .now() + .milliseconds(Int(seconds * 1000 + atto / 1_000_000_000_000_000)),
                    execute: killer)
                let output = stdout.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                killer.cancel()
                continuation.resume(returning: Result(status: process.terminationStatus, stdout: output))
            }
        }
    }
}
