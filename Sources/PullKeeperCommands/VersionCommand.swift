import ArgumentParser

/// `pullkeeper version`: version and build info.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print version and build info.")

    @Flag(help: "Print JSON.") var json = false

    func run() {
        if json {
            print(
                #"{"version":"\#(BuildInfo.version)","swift":"\#(BuildInfo.swiftVersion)","platform":"\#(BuildInfo.platform)"}"#
            )
        } else {
            print("pullkeeper \(BuildInfo.version) (swift \(BuildInfo.swiftVersion), \(BuildInfo.platform))")
        }
    }
}
