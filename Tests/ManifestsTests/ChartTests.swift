import Foundation
import Manifests
import PullKeeperCommands
import Testing
import YAML

/// Issue 6, item 5: the chart's metadata, values and schema (helm itself runs in scripts/check-manifests).
@Suite struct ChartTests {
    static let valuesText = (try? Repository.text(Repository.chart.appendingPathComponent("values.yaml"))) ?? ""

    @Test func appVersionIsThePullkeeperVersion() throws {
        let chart = try #require(
            try YAML.parseDocument(Repository.text(Repository.chart.appendingPathComponent("Chart.yaml"))))
        #expect(chart["appVersion"]?.scalar?.value == BuildInfo.version)
        #expect(chart["name"]?.scalar?.value == "pullkeeper")
        #expect(chart["apiVersion"]?.scalar?.value == "v2")
        let values = try #require(try YAML.parseDocument(Self.valuesText))
        #expect(values["image"]?["repository"]?.scalar?.value == ManifestNames.imageRepository)
        #expect(values["identity"]?["mode"]?.scalar?.value == IdentityMode.workload.rawValue)
        #expect(values["replicaCount"]?.scalar?.intValue == 2)
    }

    /// The chart's admission values default to what `pullkeeper render` does without flags (scripts/check-manifests
    /// compares the templates with the renderer's objects, for the defaults and for other values).
    @Test func admissionDefaultsAreTheRenderersDefaults() throws {
        let values = try #require(try YAML.parseDocument(Self.valuesText))
        let admission = try #require(values["admission"], "values.yaml has no admission section")
        let defaults = ManifestOptions(version: BuildInfo.version)
        #expect(admission["enabled"]?.scalar?.value == String(defaults.admissionPolicies))
        #expect(admission["podInjection"]?.scalar?.value == String(defaults.podInjection))
        #expect(admission["api"]?.scalar?.value == defaults.admissionAPI.rawValue)
        let groups = admission["namespaceAdmins"]?["groups"]?.sequence?.compactMap { $0.scalar?.value }
        #expect(groups == defaults.namespaceAdminGroups)
        let users = admission["namespaceAdmins"]?["users"]?.sequence?.compactMap { $0.scalar?.value }
        #expect(users == defaults.namespaceAdminUsers)
        let schema = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: Repository.chart.appendingPathComponent("values.schema.json")))
                as? [String: Any])
        let properties = (schema["properties"] as? [String: Any])?["admission"] as? [String: Any]
        let api = (properties?["properties"] as? [String: Any])?["api"] as? [String: Any]
        #expect(api?["enum"] as? [String] == AdmissionAPIVersion.allCases.map(\.rawValue))
    }

    /// Every `key:` line has a comment right above it, at its own indentation.
    @Test func everyValueHasAComment() {
        let lines = Self.valuesText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var uncommented: [String] = []
        for (index, line) in lines.enumerated() {
            let indent = line.prefix { $0 == " " }
            let rest = line.dropFirst(indent.count)
            guard let first = rest.first, first.isLetter, rest.contains(":") else { continue }
            let above = index > 0 ? lines[index - 1] : ""
            if !above.hasPrefix(indent + "#") { uncommented.append(line) }
        }
        #expect(uncommented.isEmpty, "values.yaml keys without a comment: \(uncommented)")
        #expect(lines.count > 50)
    }

    @Test func schemaRefusesUnknownKeysAndCoversEveryValue() throws {
        let data = try Data(contentsOf: Repository.chart.appendingPathComponent("values.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let values = try #require(try YAML.parseDocument(Self.valuesText))
        var problems: [String] = []
        check(schema: schema, values: values, path: "", problems: &problems)
        #expect(problems.isEmpty, "\(problems)")
    }

    /// Objects with declared properties refuse others; every value is declared and described.
    private func check(schema: [String: Any], values: YAMLNode?, path: String, problems: inout [String]) {
        guard let properties = schema["properties"] as? [String: Any] else { return }
        if schema["additionalProperties"] as? Bool != false {
            problems.append("\(path.isEmpty ? "(root)" : path): additionalProperties is not false")
        }
        for (key, property) in properties {
            guard let property = property as? [String: Any] else { continue }
            if property["description"] == nil { problems.append("\(path)\(key): no description") }
            check(schema: property, values: values?[key], path: "\(path)\(key).", problems: &problems)
        }
        for pair in values?.mapping ?? [] {
            let key = pair.key.scalar?.value ?? ""
            if properties[key] == nil { problems.append("\(path)\(key): in values.yaml but not in the schema") }
        }
    }

    @Test func snapshotsExistForEveryIdentityMode() {
        let snapshots = Repository.root.appendingPathComponent("Tests/ManifestsTests/Fixtures/chart")
        for mode in IdentityMode.allCases {
            #expect(
                FileManager.default.fileExists(atPath: snapshots.appendingPathComponent("\(mode.rawValue).yaml").path),
                "scripts/check-manifests compares helm template with this snapshot")
        }
    }
}
