import Foundation
import PullKeeperCore
import Testing

extension Integration {
    /// `pullkeeper run` as a process: it writes Secrets and ends cleanly on SIGTERM.
    @Suite("pullkeeper run as a process", .serialized)
    struct RunProcessTests {
        /// The binary of the same build as these tests (debug or release): it lies next to the test bundle.
        static var binary: String {
            if let given = ProcessInfo.processInfo.environment["PULLKEEPER_BIN"] { return given }
            var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            // The bundle is `<build dir>/pullkeeperPackageTests.xctest` (a file on Linux, a folder elsewhere).
            if directory.lastPathComponent.hasSuffix(".xctest") { directory.deleteLastPathComponent() }
            return directory.appendingPathComponent("pullkeeper").path
        }

        @Test("SIGTERM ends pullkeeper run with exit code 0")
        func sigtermEndsRunCleanly() async throws {
            try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build first: \(Self.binary)")
            try await World.run { world in
                try await world.optIn("process")
                let process = Process()
                process.executableURL = URL(fileURLWithPath: Self.binary)
                process.arguments = [
                    "run", "--kubeconfig", world.sim.kubeconfigPath, "--config", world.sim.configPath,
                    "--metrics-address", "127.0.0.1:0", "--health-address", "off", "--log-format", "json",
                ]
                let log = Pipe()
                process.standardError = log
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                let written = await eventually { await world.pullSecretNames("process") == ["acr-pull"] }
                process.terminate()  // SIGTERM
                let exited = await eventually(timeout: .seconds(15)) { !process.isRunning }
                if !exited { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                let output = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                #expect(written, "\(output)")
                #expect(exited)
                #expect(process.terminationReason == .exit)
                #expect(process.terminationStatus == 0, "\(output)")
                // Every line is JSON (the log pipeline's format) and the controller said it stopped.
                let lines = output.split(separator: "\n")
                #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
                #expect(output.contains("controller stopped"))
            }
        }
    }
}
