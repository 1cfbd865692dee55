/// An Azure cloud: where Entra ID lives, the ACR login suffix and the audiences tokens are requested for.
public struct AzureCloud: Sendable, Hashable {
    /// Entra ID authority host with a trailing `/`, e.g. `https://login.microsoftonline.com/`.
    public var authorityHost: String
    /// Login-server suffix of the cloud's registries, e.g. `azurecr.io`.
    public var registrySuffix: String
    /// ACR data-plane audience (same in every public cloud).
    public var acrAudience: String
    /// Resource Manager audience.
    public var armAudience: String

    public init(
        authorityHost: String, registrySuffix: String,
        acrAudience: String = "https://containerregistry.azure.net",
        armAudience: String = "https://management.azure.com/"
    ) {
        self.authorityHost = authorityHost.hasSuffix("/") ? authorityHost : authorityHost + "/"
        self.registrySuffix = registrySuffix
        self.acrAudience = acrAudience
        self.armAudience = armAudience
    }

    /// Azure public cloud.
    public static let azurePublic = AzureCloud(
        authorityHost: "https://login.microsoftonline.com/", registrySuffix: "azurecr.io")
    /// Azure China (21Vianet).
    public static let azureChina = AzureCloud(
        authorityHost: "https://login.chinacloudapi.cn/", registrySuffix: "azurecr.cn",
        armAudience: "https://management.chinacloudapi.cn/")
    /// Azure US Government.
    public static let azureUSGovernment = AzureCloud(
        authorityHost: "https://login.microsoftonline.us/", registrySuffix: "azurecr.us",
        armAudience: "https://management.usgovcloudapi.net/")

    /// The same cloud with another authority host (`AZURE_AUTHORITY_HOST`, sovereign proxies, simulators).
    public func withAuthorityHost(_ host: String?) -> AzureCloud {
        guard let host, !host.isEmpty else { return self }
        var copy = self
        copy.authorityHost = host.hasSuffix("/") ? host : host + "/"
        return copy
    }

    /// The Entra scope for an audience: `<resource>/.default`.
    public func scope(for audience: RegistryTokenAudience) -> String {
        TokenScope.defaultScope(forResource: audience == .acr ? acrAudience : armAudience)
    }
}

/// Which audience the Entra token is requested for before the ACR exchange.
public enum RegistryTokenAudience: String, Sendable, Hashable {
    /// `https://containerregistry.azure.net`: works whatever the registry's authentication-as-arm policy.
    case acr
    /// The cloud's Resource Manager audience.
    case arm
}

/// Conversions between Entra v2 scopes and v1 resources (IMDS takes resources).
public enum TokenScope {
    /// `https://x/` or `https://x` to `https://x/.default`.
    public static func defaultScope(forResource resource: String) -> String {
        if resource.hasSuffix("/.default") { return resource }
        return (resource.hasSuffix("/") ? String(resource.dropLast()) : resource) + "/.default"
    }

    /// `https://x/.default` to `https://x` (azidentity strips the suffix for managed identity).
    public static func resource(forScope scope: String) -> String {
        scope.hasSuffix("/.default") ? String(scope.dropLast("/.default".count)) : scope
    }
}
