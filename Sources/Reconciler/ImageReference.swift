import Foundation

/// A container image reference split the way container runtimes read it: the registry host is the first path
/// component when it has a dot or a port or is `localhost`, else Docker Hub.
public struct ImageReference: Sendable, Hashable {
    public var registry: String
    /// The repository path without tag or digest (`team/app`).
    public var repository: String

    public init(_ image: String) {
        var rest = Substring(image)
        if let at = rest.firstIndex(of: "@") { rest = rest[..<at] }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if let first = components.first, components.count > 1,
            first.contains(".") || first.contains(":") || first == "localhost"
        {
            registry = first.lowercased()
            components.removeFirst()
        } else {
            registry = "docker.io"
        }
        var path = components.joined(separator: "/")
        // A tag follows the last colon after the last slash.
        if let colon = path.lastIndex(of: ":"), !path[colon...].contains("/") { path = String(path[..<colon]) }
        if registry == "docker.io" && !path.contains("/") { path = "library/" + path }
        repository = path
    }
}
