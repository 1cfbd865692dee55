import Testing
import YAML

/// Hostile and broken inputs: each must give a `YAMLError` of the right kind at the right place, never a crash.
@Suite struct YAMLMalformedTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        let kind: YAMLError.Kind
        let line: Int?
        let column: Int?
        var testDescription: String { name }

        init(_ name: String, _ text: String, _ kind: YAMLError.Kind, _ line: Int?, _ column: Int?) {
            self.init(name, Array(text.utf8), kind, line, column)
        }

        init(_ name: String, _ bytes: [UInt8], _ kind: YAMLError.Kind, _ line: Int?, _ column: Int?) {
            self.name = name
            self.bytes = bytes
            self.kind = kind
            self.line = line
            self.column = column
        }
    }

    static let billionLaughs = """
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
        i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        """

    static let cases: [Case] = [
        // a..f expand to 672,609 nodes; the first *f of g crosses one million.
        Case("billion laughs", billionLaughs, .aliasBudget, 7, 8),
        Case("10,000-deep flow nesting", String(repeating: "[", count: 10_000), .tooDeep, 1, 257),
        Case(
            "10,000-deep block nesting",
            (0..<10_000).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n"),
            .tooDeep, 257, 257),
        Case("invalid UTF-8 byte", Array("name: ok\nvalue: ".utf8) + [0xC3, 0x28] + Array("\n".utf8), .encoding, 2, 9),
        Case("lone continuation byte", Array("a: ".utf8) + [0x80], .encoding, 1, 4),
        Case("tab indentation", "root:\n\tchild: 1\n", .syntax, 2, 1),
        Case("unterminated double quote", "key: \"open\nnext: 1\n", .syntax, 3, 1),
        Case("unterminated single quote", "key: 'open\n", .syntax, 2, 1),
        Case("truncated flow sequence", "items: [1, 2", .syntax, 2, 1),
        Case("truncated flow mapping", "m: {a: 1, b:", .syntax, 2, 1),
        Case("duplicate key", "name: a\nother: b\nname: c\n", .duplicateKey, 3, 1),
        Case("duplicate nested key", "outer:\n  x: 1\n  x: 2\n", .duplicateKey, 3, 3),
        // Found fuzzing: the style took part in the comparison, so a quoted twin of a key passed.
        Case("duplicate key in another style", "secretName: a\n\"secretName\": b\n", .duplicateKey, 2, 1),
        Case("duplicate key single-quoted", "'a': 1\nb: 2\na: 3\n", .duplicateKey, 3, 1),
        Case("duplicate flow key", "{x: 1, \"x\": 2}\n", .duplicateKey, 1, 8),
        Case("unknown alias", "a: *missing\n", .unknownAnchor, 1, 4),
        Case("mapping value in plain scalar", "key: value: other\n", .syntax, 1, 11),
        Case("bad indentation", "a:\n  b: 1\n c: 2\n", .syntax, 3, 2),
        Case("sequence then mapping at one level", "- a\nb: c\n", .syntax, 2, 1),
        Case("reserved indicator starts a token", "key: @value\n", .syntax, 1, 6),
        Case("incompatible YAML version", "%YAML 2.0\n---\na: 1\n", .syntax, 1, 1),
        Case("control character", Array("a: b".utf8) + [0x01], .encoding, 1, 5),
        Case("anchor without a name", "a: & x\n", .syntax, 1, 5),
        Case("unclosed block scalar indicator", "a: |x\n  text\n", .syntax, 1, 5),
    ]

    @Test(arguments: cases)
    func malformedInputIsAnErrorWithPosition(_ entry: Case) {
        do {
            let documents = try YAML.parse(bytes: entry.bytes)
            Issue.record("parsed \(documents.count) document(s) instead of failing")
        } catch {
            #expect(error.kind == entry.kind, "\(error)")
            #expect(error.line == entry.line, "\(error)")
            #expect(error.column == entry.column, "\(error)")
            #expect(!error.problem.isEmpty)
        }
    }

    @Test func aliasesWithinTheBudgetAreResolved() throws {
        let node = try #require(try YAML.parseDocument("base: &b {x: 1}\ncopy: *b\n"))
        #expect(node["copy"] == node["base"])
        #expect(node["copy"]?.mark == YAMLMark(line: 2, column: 7))
    }

    /// Found fuzzing: a finished collection counted its children a second time, so the budget shrank with depth
    /// and the alias-expanded text pullkeeper emits could exceed the budget its aliased source had met.
    @Test func nodeBudgetCountsEveryExpandedNodeOnce() throws {
        // 13 nodes each way: the root mapping, 2 keys, 2 + 2 sequences and 6 scalars.
        let aliased = "a: &x [1, 2]\nb: [*x, *x]\n"
        let expanded = "a: [1, 2]\nb: [[1, 2], [1, 2]]\n"
        for text in [aliased, expanded] {
            #expect(try YAML.parse(text, limits: YAMLLimits(maxNodes: 13)).count == 1, "\(text)")
            #expect(throws: YAMLError.self, "\(text)") { try YAML.parse(text, limits: YAMLLimits(maxNodes: 12)) }
        }
    }

    /// Each key is checked against a set of its mapping's keys, not against every earlier key (quadratic: a
    /// 20,000-key file took two minutes). Correctness only here; the cost is not timed in a test.
    @Test func manyKeysAndTheirDuplicateAreFound() throws {
        let keys = (0..<20_000).map { "key\($0): \($0)\n" }.joined()
        let node = try #require(try YAML.parseDocument(keys))
        #expect(node.mapping?.count == 20_000)
        #expect(node["key19999"]?.scalar?.value == "19999")
        let error = try #require(throws: YAMLError.self) { try YAML.parse(keys + "\"key7\": again\n") }
        #expect(error.kind == .duplicateKey)
        #expect(error.mark?.line == 20_001)
    }

    @Test func duplicateKeysCanBeAllowedExplicitly() throws {
        let node = try YAML.parseDocument("a: 1\na: 2\n", limits: YAMLLimits(allowDuplicateKeys: true))
        #expect(node?.mapping?.count == 2)
    }

    @Test func marksAreOneBased() throws {
        let node = try #require(try YAML.parseDocument("first: 1\nsecond:\n  - item\n"))
        #expect(node.mark == YAMLMark(line: 1, column: 1))
        #expect(node["second"]?.mark == YAMLMark(line: 3, column: 3))
        #expect(node["second"]?.sequence?.first?.mark == YAMLMark(line: 3, column: 5))
    }

    @Test func emptyInputHasNoDocuments() throws {
        #expect(try YAML.parse("").isEmpty)
        #expect(try YAML.parseDocument("# only a comment\n") == nil)
    }
}
