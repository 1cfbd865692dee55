import Testing
import YAML

@Suite struct YAMLCodableTests {
    struct Cluster: Codable, Equatable {
        var name: String
        var server: String
        var insecure: Bool?
        var port: Int
        var ratio: Double
        var tags: [String]
        var labels: [String: String]
    }

    @Test func decodesTypedValues() throws {
        let text = """
            name: prod
            server: https://127.0.0.1:6443
            insecure: yes
            port: 0x1F90
            ratio: 0.5
            tags: [a, b]
            labels: {team: a}
            """
        let cluster = try YAMLDecoder().decode(Cluster.self, from: text)
        #expect(
            cluster
                == Cluster(
                    name: "prod", server: "https://127.0.0.1:6443", insecure: true, port: 8080,
                    ratio: 0.5, tags: ["a", "b"], labels: ["team": "a"]))
    }

    @Test func quotedNumbersStayStrings() throws {
        struct Port: Codable { var port: Int }
        #expect(throws: YAMLError.self) { try YAMLDecoder().decode(Port.self, from: "port: \"8080\"") }
    }

    /// Found fuzzing: a second sign after `0x`/`0o` let `Int(_:radix:)` return Int.min, whose negation trapped.
    @Test func signAfterRadixPrefixIsNotAnInteger() throws {
        for text in ["-0x-8000000000000000", "-0o-1000000000000000000000", "0x-5", "+0x+5", "0o-7"] {
            let scalar = YAMLScalar(text, style: .plain)
            #expect(scalar.intValue == nil, "\(text)")
            #expect(scalar.doubleValue == nil, "\(text)")
        }
        struct Port: Codable { var port: Int }
        #expect(throws: YAMLError.self) { try YAMLDecoder().decode(Port.self, from: "port: -0x-8000000000000000") }
        #expect(YAMLScalar("-0x7FFFFFFFFFFFFFFF", style: .plain).intValue == -Int.max)
        #expect(YAMLScalar("-0o17", style: .plain).intValue == -15)
    }

    @Test func typeMismatchNamesLineColumnAndPath() throws {
        struct Outer: Codable { var items: [Cluster] }
        let text = "items:\n  - name: a\n    server: s\n    port: eighty\n    ratio: 1\n    tags: []\n    labels: {}\n"
        do {
            _ = try YAMLDecoder().decode(Outer.self, from: text)
            Issue.record("decoded an invalid port")
        } catch let error as YAMLError {
            #expect(error.kind == .typeMismatch)
            #expect(error.mark == YAMLMark(line: 4, column: 11))
            #expect(error.path == "items[0].port")
        }
    }

    @Test func missingKeyNamesTheMapping() throws {
        do {
            _ = try YAMLDecoder().decode(Cluster.self, from: "name: a\n")
            Issue.record("decoded without required keys")
        } catch let error as YAMLError {
            #expect(error.kind == .missingKey)
            #expect(error.mark == YAMLMark(line: 1, column: 1))
        }
    }

    @Test func encoderKeepsEncodeOrderAndQuotesAmbiguousStrings() throws {
        struct Manifest: Encodable {
            var kind = "ConfigMap"
            var apiVersion = "v1"
            var data = ["enabled": "yes"]
            var replicas = 2
            var optional: String? = nil
        }
        let yaml = try YAMLEncoder().encode(Manifest())
        #expect(yaml == "kind: ConfigMap\napiVersion: v1\ndata:\n  enabled: \"yes\"\nreplicas: 2\n")
    }

    @Test func encoderSortsDictionaryKeys() throws {
        struct Labels: Encodable {
            var labels = ["zeta": "1", "app.kubernetes.io/name": "x", "beta": "on", "alpha": "2"]
            var nested = ["b": ["q": 1, "p": 2], "a": ["c": 3]]
        }
        let yaml = try YAMLEncoder().encode(Labels())
        #expect(
            yaml == """
                labels:
                  alpha: "2"
                  app.kubernetes.io/name: x
                  beta: "on"
                  zeta: "1"
                nested:
                  a:
                    c: 3
                  b:
                    p: 2
                    q: 1

                """)
    }

    @Test func encodeDecodeRoundTrip() throws {
        let value = Cluster(
            name: "on", server: "0123", insecure: nil, port: 443, ratio: 0.25, tags: ["null", "~"],
            labels: ["a": "1e3"])
        let text = try YAMLEncoder().encode(value)
        #expect(try YAMLDecoder().decode(Cluster.self, from: text) == value)
    }
}
