import Foundation
import PullKeeperCommands
import PullKeeperCore
import PullKeeperLab
import Testing

extension Integration {
    /// Issue 9 §1 and §7: 2,000 namespaces through every kind of fault at once, at debug log level.
    @Suite("Chaos: faults of every kind at once", .serialized)
    struct ChaosTests {
        @Test("every namespace ends with a valid Secret; nothing expired, lost or foreign changed; no secret leaked")
        func chaosRun() async throws {
            // 2-minute tokens: a debug build of the controller and both simulators in one process on 2 cores refreshes
            // about 2,000 Secrets a minute under these faults; `pullkeeper bench --chaos` runs 10,000 with 1-minute
            // tokens on a release build.
            let run = ChaosRun(
                namespaces: 2000, tokenLifetime: .seconds(120), chaosDuration: .seconds(90),
                settleTimeout: .seconds(150))
            let directory = NSTemporaryDirectory() + "pullkeeper-chaos-test-\(UUID().uuidString.prefix(8))"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let report = try await run.run(directory: directory, keys: try World.keys.get())
            print(
                "chaos: \(report.namespaces) namespaces, converged \(report.converged) (first after "
                    + "\(report.convergeSeconds.map { String(format: "%.1f", $0) } ?? "-") s), expired \(report.expiredSecrets), "
                    + "valid lost \(report.validSecretsLost), foreign modified \(report.foreignObjectsModified), faults "
                    + "\(report.faultsInjected) \(report.faults.sorted { $0.key < $1.key }), leaks \(report.secretLeaks) in "
                    + "\(report.logLines) debug log lines, \(String(format: "%.0f", report.wallSeconds)) s")
            #expect(report.converged)
            #expect(report.expiredSecrets == 0)
            #expect(report.validSecretsLost == 0)
            #expect(report.foreignObjectsModified == 0)
            #expect(report.secretLeaks == 0)
            #expect(report.logLines > 0)
            #expect(report.faultsInjected > 1000)
        }
    }
}
