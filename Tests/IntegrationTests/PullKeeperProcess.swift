import Foundation

/// The built `pullkeeper` binary as a subprocess, with a clean environment (no in-cluster variables, no
/// `$KUBECONFIG`): its exit code and everything it printed.
enum PullKeeperProcess {
    struct Output: Sendable {
        var exitCode: Int32
        var stdout: String
        var stderr: String
        var all: String { stdout + stderr }
    }

    /// `environment` is added to the clean one (e.g. the `AZURE_*` variables of an identity).
    static func run(
        _ arguments: [String], in directory: String, environment: [String: String] = [:]
    ) async throws -> Output {
        let binary = Integration.RunProcessTests.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw LaunchError(description: "build first: \(binary)")
        }
        // Files, not pipes: a chatty child can never block on a full pipe while nobody reads it.
        let stdoutPath = directory + "/stdout-\(UUID().uuidString)"
        let stderrPath = directory + "/stderr-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let stdout = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        let stderr = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": directory].merging(environment) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try stdout.close()
        try stderr.close()
        let read = { (path: String) in
            String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        }
        return Output(exitCode: status, stdout: read(stdoutPath), stderr: read(stderrPath))
    }

    struct LaunchError: Error, CustomStringConvertible {
        var description: String
    }
}
