import Foundation
import Testing
import YAML

@Suite struct YAMLEmitterGoldenTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures/emit")
    static let update = ProcessInfo.processInfo.environment["PULLKEEPER_UPDATE_GOLDEN"] == "1"

    @Test(arguments: GoldenCases.cases.map(\.name))
    func emitsTheGoldenDocument(name: String) throws {
        let node = try #require(GoldenCases.cases.first { $0.name == name }?.node)
        let yaml = try YAML.emit(node)
        let json = try JSONSerialization.data(withJSONObject: node.plainValue, options: [.prettyPrinted, .sortedKeys])
        let yamlURL = Self.fixtures.appendingPathComponent("\(name).yaml")
        let jsonURL = Self.fixtures.appendingPathComponent("\(name).json")
        if Self.update {
            try yaml.write(to: yamlURL, atomically: true, encoding: .utf8)
            try (String(decoding: json, as: UTF8.self) + "\n").write(to: jsonURL, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: yamlURL, encoding: .utf8)
        #expect(yaml == golden, "emitted YAML differs from \(name).yaml (PULLKEEPER_UPDATE_GOLDEN=1 rewrites it)")
        let expectedJSON = try String(contentsOf: jsonURL, encoding: .utf8)
        #expect(String(decoding: json, as: UTF8.self) + "\n" == expectedJSON)
        // And our own parser reads the golden text back as the same data.
        let parsed = try #require(try YAML.parseDocument(golden))
        #expect(parsed.plainValue as? NSDictionary == node.plainValue as? NSDictionary)
    }

    @Test func separatesDocumentsWithDashes() throws {
        let yaml = try YAML.emit([.mapping(["a": .scalar("1")]), .mapping(["b": .scalar("2")])])
        #expect(yaml == "a: \"1\"\n---\nb: \"2\"\n")
    }

    @Test func indentsNestedMappingsByTwoSpaces() throws {
        let yaml = try YAML.emit(.mapping(["outer": .mapping(["inner": .mapping(["leaf": .scalar("x")])])]))
        #expect(yaml == "outer:\n  inner:\n    leaf: x\n")
    }
}

extension YAMLNode {
    /// The data as Foundation values; a scalar is a string unless it was emitted plain as a number or bool.
    var plainValue: Any {
        switch content {
        case .scalar(let scalar):
            if scalar.style == .plain, let bool = scalar.boolValue, ["true", "false"].contains(scalar.value) {
                return bool
            }
            if scalar.style == .plain, let int = scalar.intValue { return int }
            return scalar.value
        case .sequence(let items): return items.map(\.plainValue)
        case .mapping(let pairs):
            var dictionary: [String: Any] = [:]
            for pair in pairs { dictionary[pair.key.scalar?.value ?? pair.key.description] = pair.value.plainValue }
            return dictionary
        }
    }
}
