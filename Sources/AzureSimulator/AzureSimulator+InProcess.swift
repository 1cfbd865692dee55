import Foundation

extension AzureSimulator {
    /// Serves one request in-process, exactly as its HTTPS listeners would, without a socket or TLS: the fast test
    /// tier's Entra ID, IMDS and registries. `url` is what the client addressed (`https://127.0.0.1:PORT/...`);
    /// its host and port are the `Host` a listener would see, which tells the registries apart.
    public func respond(
        method: String, url: String, headers: [(String, String)], body: [UInt8]
    ) -> (status: Int, headers: [(String, String)], body: [UInt8]) {
        guard let components = URLComponents(string: url) else { return (400, [], Array("bad URL".utf8)) }
        guard body.count <= configuration.maxBodyBytes else { return (413, [], Array("request body too large".utf8)) }
        var fields: [String: String] = [:]
        if let host = components.host {
            fields["host"] = components.port.map { "\(host):\($0)" } ?? host
        }
        for (name, value) in headers {
            let key = name.lowercased()
            fields[key] = fields[key].map { $0 + ", " + value } ?? value
        }
        let request = SimRequest(
            method: method.uppercased(), path: components.percentEncodedPath.removingPercentEncoding ?? components.path,
            query: FormData(components.percentEncodedQuery ?? ""), headers: fields, body: body)
        let response = handle(request)
        return (response.status, response.headers, response.body)
    }
}
