import KubeConfig
import KubeModel
import Testing

/// YAML 1.1 resolution as kubectl's go-yaml v2 does it.
struct YAMLTests {
    @Test(arguments: [
        ("a: yes", JSONValue.bool(true)), ("a: Off", .bool(false)), ("a: y", .bool(true)), ("a: ~", .null),
        ("a:", .null), ("a: 0x1F", .int(31)), ("a: 010", .int(8)), ("a: 1_000", .int(1000)), ("a: -3", .int(-3)),
        ("a: 1.5e3", .double(1500)), ("a: .5", .double(0.5)), ("a: '1'", .string("1")), ("a: \"yes\"", .string("yes")),
        ("a: !!str 12", .string("12")), ("a: 12:30:00", .string("12:30:00")), ("a: 2001-12-14", .string("2001-12-14")),
        ("a: v1.32", .string("v1.32")), ("a: 1.2.3", .string("1.2.3")),
    ])
    func plainScalars(_ yaml: String, _ expected: JSONValue) throws {
        #expect(try YAMLReader.read(yaml)["a"] == expected)
    }

    @Test func anchorsMergeKeysAndFirstDocument() throws {
        let doc = try YAMLReader.read("""
            base: &b {p: 1, q: 2, y: 5}
            child:
              <<: *b
              q: 3
            list: [*b]
            ---
            second: true
            """)
        #expect(doc["child"]?["p"] == .int(1))
        #expect(doc["child"]?["q"] == .int(3))
        #expect(doc["list"]?.arrayValue?.first?["q"] == .int(2))
        #expect(doc["base"]?["true"] == .int(5), "a plain y key is the boolean true, as in go-yaml v2")
        #expect(doc["second"] == nil)
    }

    @Test func errorsCarryLineAndColumn() {
        do {
            _ = try YAMLReader.read("a: [1,\nb: }")
            Issue.record("expected an error")
        } catch {
            #expect(error.line >= 1)
            #expect(error.description.hasPrefix("yaml: line"))
        }
    }

    @Test func emptyAndCommentOnlyDocumentsAreNull() throws {
        #expect(try YAMLReader.read("") == .null)
        #expect(try YAMLReader.read("# nothing\n") == .null)
    }
}
