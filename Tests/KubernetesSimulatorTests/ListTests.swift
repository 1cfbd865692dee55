import KubernetesSimulator
import Testing

@Suite("LIST: pagination and selectors")
struct ListTests {
    @Test("1,200 secrets with limit=500 come in three pages of one consistent snapshot")
    func pagination() async throws {
        try await TestCluster.with { cluster in
            for index in 0..<1_200 {
                try cluster.simulator.create(
                    .secrets, namespace: "default", ["metadata": ["name": .string("s-\(index)")]])
            }
            let path = "/api/v1/namespaces/default/secrets?limit=500"
            var names: [String] = []
            var pageRevisions: Set<String> = []
            var token: String?
            var pages = 0
            repeat {
                let suffix = token.map { "&continue=\($0.addingPercentEncodingForQuery())" } ?? ""
                let page = try await cluster.get(path + suffix)
                #expect(page.status == 200)
                pages += 1
                names += page.body?["items"]?.arrayValue?.compactMap(\.name) ?? []
                pageRevisions.insert(page.resourceVersion ?? "")
                token = page.body?.value(at: ["metadata", "continue"])?.stringValue
                if pages == 1 {
                    #expect(page.body?.value(at: ["metadata", "remainingItemCount"]) == 700)
                    // Writes after the first page must not show up in later pages.
                    try cluster.simulator.create(.secrets, namespace: "default", ["metadata": ["name": "zz-late"]])
                    try cluster.simulator.delete(.secrets, namespace: "default", name: "s-999")
                }
            } while token != nil && pages < 10
            #expect(pages == 3)
            #expect(names.count == 1_200)
            #expect(Set(names).count == 1_200)
            #expect(names.contains("s-999"))
            #expect(!names.contains("zz-late"))
            #expect(pageRevisions.count == 1)
        }
    }

    @Test("a continue token from before a compaction is 410 Expired")
    func expiredContinue() async throws {
        try await TestCluster.with { cluster in
            for index in 0..<5 {
                try cluster.simulator.create(
                    .secrets, namespace: "default", ["metadata": ["name": .string("s\(index)")]])
            }
            let first = try await cluster.get("/api/v1/namespaces/default/secrets?limit=2")
            let token = try #require(first.body?.value(at: ["metadata", "continue"])?.stringValue)
            cluster.simulator.compact()
            let next = try await cluster.get(
                "/api/v1/namespaces/default/secrets?limit=2&continue=\(token.addingPercentEncodingForQuery())")
            #expect(next.status == 410)
            #expect(next.reason == "Expired")
        }
    }

    @Test(
        "label selectors",
        arguments: [
            ("team=a", ["a1", "a2"]),
            ("team==a", ["a1", "a2"]),
            ("team!=a", ["b1", "none"]),
            ("team in (a,b)", ["a1", "a2", "b1"]),
            ("team notin (a)", ["b1", "none"]),
            ("team", ["a1", "a2", "b1"]),
            ("!team", ["none"]),
            ("team=a,tier=web", ["a1"]),
            ("team in (a, b),!tier", ["a2", "b1"]),
        ])
    func labelSelectors(selector: String, expected: [String]) async throws {
        try await TestCluster.with { cluster in
            let objects: [(String, JSONValue)] = [
                ("a1", ["team": "a", "tier": "web"]), ("a2", ["team": "a"]), ("b1", ["team": "b"]), ("none", [:]),
            ]
            for (name, labels) in objects {
                try cluster.simulator.create(
                    .namespaces, ["metadata": ["name": .string(name), "labels": labels]])
            }
            let query = selector.addingPercentEncodingForQuery()
            let response = try await cluster.get("/api/v1/namespaces?labelSelector=\(query)")
            #expect(response.status == 200)
            let names = response.body?["items"]?.arrayValue?.compactMap(\.name) ?? []
            #expect(names.filter { ["a1", "a2", "b1", "none"].contains($0) } == expected)
        }
    }

    @Test("field selectors on metadata.name and metadata.namespace; bad selectors are 400")
    func fieldSelectors() async throws {
        try await TestCluster.with { cluster in
            try cluster.simulator.create(.secrets, namespace: "default", ["metadata": ["name": "one"]])
            try cluster.simulator.create(.secrets, namespace: "kube-system", ["metadata": ["name": "two"]])
            let byName = try await cluster.get("/api/v1/secrets?fieldSelector=metadata.name%3Done")
            #expect(byName.body?["items"]?.arrayValue?.compactMap(\.name) == ["one"])
            let notDefault = try await cluster.get("/api/v1/secrets?fieldSelector=metadata.namespace!%3Ddefault")
            #expect(notDefault.body?["items"]?.arrayValue?.compactMap(\.name) == ["two"])
            #expect(try await cluster.get("/api/v1/secrets?fieldSelector=spec.x%3D1").status == 400)
            #expect(try await cluster.get("/api/v1/secrets?labelSelector=a%3D%3D%3Db").status == 400)
        }
    }
}

extension String {
    /// Percent-encodes everything but unreserved characters (safe inside a query value).
    func addingPercentEncodingForQuery() -> String {
        var result = ""
        for byte in utf8 {
            let scalar = Unicode.Scalar(byte)
            if (byte < 128)
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar))
                    || "-._~".unicodeScalars.contains(scalar))
            {
                result.unicodeScalars.append(scalar)
            } else {
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded()
            }
        }
        return result
    }

    fileprivate func leftPadded() -> String { count == 1 ? "0" + self : self }
}
