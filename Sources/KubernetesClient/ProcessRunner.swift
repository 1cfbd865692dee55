import Dispatch
import Foundation

/// Runs a short-lived command with a timeout, capturing stdout; stderr is passed on to ours (kubectl does the same,
/// so a plugin's prompts and errors reach the user) and its last line kept for the error a failure becomes.
enum ProcessRunner {
    struct Result: Sendable {
        var status: Int32
        var stdout: Data
        /// The last non-empty line the command wrote to stderr (at most 200 characters).
        var lastErrorLine: String?
        /// Killed because it ran past the timeout.
        var timedOut: Bool
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
                let stderr = Pipe()
                process.standardOutput = stdout
                process.standardError = stderr
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
                let killed = ProcessFlag()
                let killer = DispatchWorkItem {
                    killed.set()
                    kill(pid, SIGKILL)
                }
                let errors = DispatchGroup()
                let errorOutput = ProcessBuffer()
                errors.enter()
                DispatchQueue.global().async {
                    let data = stderr.fileHandleForReading.readDataToEndOfFile()
                    FileHandle.standardError.write(data)
                    errorOutput.set(data)
                    errors.leave()
                }
                let (seconds, atto) = timeout.components
                DispatchQueue.global().asyncAfter(
                    deadline: .now() + .milliseconds(Int(seconds * 1000 + atto / 1_000_000_000_000_000)),
                    execute: killer)
                let output = stdout.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                killer.cancel()
                errors.wait()
                let lastLine = String(decoding: errorOutput.get(), as: UTF8.self).split(whereSeparator: \.isNewline)
                    .last { !$0.allSatisfy(\.isWhitespace) }.map { String($0.prefix(200)) }
                continuation.resume(
                    returning: Result(
                        status: process.terminationStatus, stdout: output, lastErrorLine: lastLine,
                        timedOut: killed.isSet))
            }
        }
    }
}

/// A flag set from one thread and read from another.
private final class ProcessFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// Bytes handed from the stderr reader to the waiting thread.
private final class ProcessBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func set(_ data: Data) { lock.withLock { self.data = data } }
    func get() -> Data { lock.withLock { data } }
}
