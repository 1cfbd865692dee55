/// Version and build facts printed by `pullkeeper version`.
package enum BuildInfo {
    package static let version = "0.1.0-dev"

    static var swiftVersion: String {
        #if swift(>=6.3)
            "6.3"
        #elseif swift(>=6.2)
            "6.2"
        #else
            "6.x"
        #endif
    }

    static var platform: String {
        #if os(Linux)
            let os = "linux"
        #else
            let os = "darwin"
        #endif
        #if arch(x86_64)
            return "\(os)/amd64"
        #elseif arch(arm64)
            return "\(os)/arm64"
        #else
            return os
        #endif
    }
}
