/// Why a lab run (bench, chaos, demo, a simulated world) could not go on; commands report it and exit 1.
package struct LabFailure: Error, CustomStringConvertible, Sendable {
    package let description: String

    package init(_ description: String) { self.description = description }
}
