import YAML

/// Documents whose emitted form is checked byte for byte against `Fixtures/emit/<name>.yaml`, and whose data
/// PyYAML must read back as `Fixtures/emit/<name>.json` (scripts/check-yaml-pyyaml).
enum GoldenCases {
    static let quotingStrings = [
        "yes", "no", "on", "off", "y", "n", "Yes", "NO", "true", "False", "null", "Null", "~", "",
        "0123", "1e3", "0x1F", "0o17", "0b101", ".inf", "-.inf", ".NaN", "+1", "-2", "3.14", "1_000", "12:30:45",
        "2026-01-01", "2026-01-01T10:00:00Z", " leading", "trailing ", "a: b", "a #b", "ends:",
        "-dash", "?question", ":colon", ",comma", "[bracket", "]close", "{brace", "}close", "#hash", "&anchor",
        "*alias", "!tag", "|pipe", ">fold", "'single", "\"double", "%percent", "@at", "`backtick",
        "<<", "=", "plain text", "kebab-case-name", "contoso.azurecr.io", "tab\there", "bell\u{07}",
    ]

    static let cases: [(name: String, node: YAMLNode)] = [
        (
            "mapping",
            .mapping([
                "apiVersion": .scalar("v1"), "kind": .scalar("ConfigMap"),
                "metadata": .mapping(["name": .scalar("pullkeeper"), "namespace": .scalar("pullkeeper-system")]),
                "replicas": .scalar("2", style: .plain), "enabled": .scalar("true", style: .plain),
            ])
        ),
        (
            "nested-sequences",
            .mapping([
                "matrix": .sequence([
                    .sequence([.scalar("a"), .scalar("b")]), .sequence([.sequence([.scalar("deep")])]),
                    .mapping(["key": .sequence([.scalar("x"), .mapping(["y": .scalar("z")])])]),
                ]),
                "rules": .sequence([
                    .mapping([
                        "apiGroups": .sequence([.scalar("")]), "resources": .sequence([.scalar("secrets")]),
                        "verbs": .sequence([.scalar("get"), .scalar("list")]),
                    ])
                ]),
            ])
        ),
        (
            "multiline",
            .mapping([
                "script": .scalar("#!/bin/sh\nset -eu\necho \"hello\"\n"),
                "noTrailingNewline": .scalar("line one\nline two"),
                "keepTrailing": .scalar("a\nb\n\n"),
                "indentedFirstLine": .scalar("  indented\nnext"),
                "config.yaml": .scalar("cloud: public\nidentities:\n  - name: x\n"),
            ])
        ),
        (
            "quoting",
            .mapping(
                KeyValuePairs<String, YAMLNode>(
                    dictionaryLiteral: ("values", .sequence(quotingStrings.map { .scalar($0) })),
                    ("yes", .scalar("key that needs quotes")),
                    ("8080", .scalar("numeric key"))
                ))
        ),
        (
            "empty-collections",
            .mapping([
                "emptyList": .sequence([]), "emptyMap": .mapping([KeyValuePairs<String, YAMLNode>.Element]()),
                "listOfEmpty": .sequence([.mapping([YAMLPair]()), .sequence([])]),
                "emptyString": .scalar(""),
            ])
        ),
        (
            "unicode",
            .mapping([
                "greeting": .scalar("héllo wörld"), "japanese": .scalar("名前空間"), "emoji": .scalar("🔐 secret-free"),
                "rtl": .scalar("שלום"), "bom-like": .scalar("\u{FEFF}bom"), "combining": .scalar("e\u{301}"),
            ])
        ),
    ]
}

extension YAMLNode {
    static func mapping(_ pairs: [KeyValuePairs<String, YAMLNode>.Element]) -> YAMLNode {
        .mapping(pairs.map { YAMLPair(.scalar($0.key), $0.value) })
    }
}
