import KubeModel
import Testing

struct JSONTests {
    @Test func roundTripKeepsKeyOrderAndEscapes() throws {
        let text = #"{"b":1,"a":[true,null,-2.5,"x\"y\\z\n\u00e9\ud83d\ude00"],"c":{}}"#
        let value = try JSONValue.parse(text)
        #expect(value.objectValue?.keys == ["b", "a", "c"])
        #expect(value["a"]?.arrayValue?[3].stringValue == "x\"y\\z\né😀")
        let again = try JSONValue.parse(value.serialized())
        #expect(again == value)
        #expect(value.serialized(indent: 2).contains("\n  \"b\": 1"))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01x", "\"\u{01}\"", "tru", "[1] 2", "\"\\q\"", "-", "1e"])
    func rejectsInvalid(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func goStyleEscapesForHTMLCharacters() {
        #expect(JSONValue.string("<a&b>").serialized() == #""\u003ca\u0026b\u003e""#)
    }

    @Test func sameJSONIgnoresKeyOrderOnly() throws {
        let a = try JSONValue.parse(#"{"x":1,"y":[1,2]}"#)
        let b = try JSONValue.parse(#"{"y":[1,2],"x":1.0}"#)
        let c = try JSONValue.parse(#"{"y":[2,1],"x":1}"#)
        #expect(a.sameJSON(as: b))
        #expect(!a.sameJSON(as: c))
    }
}

struct EncodingTests {
    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")])
    func base64RFC4648Vectors(_ plain: String, _ encoded: String) throws {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(try Base64.decode(encoded).get() == Array(plain.utf8))
    }

    @Test func base64RejectsGarbageAndSkipsNewlines() throws {
        #expect(throws: Base64Error.self) { try Base64.decode("Zm9v*").get() }
        #expect(throws: Base64Error.self) { try Base64.decode("Zg==Zg==").get() }
        #expect(throws: Base64Error.self) { try Base64.decode("Zm9").get() }
        #expect(try Base64.decode("Zm9v\nYmFy\r\n").get() == Array("foobar".utf8))
    }

    @Test func rfc3339() {
        #expect(RFC3339.parse("1970-01-01T00:00:00Z") == 0)
        #expect(RFC3339.parse("2026-11-25T17:44:06Z") == 1_795_628_646)
        #expect(RFC3339.parse("2026-11-25T18:44:06+01:00") == 1_795_628_646)
        #expect(RFC3339.parse("2026-11-25T17:44:06.5Z") == 1_795_628_646.5)
        #expect(RFC3339.parse("2026-11-25 17:44") == nil)
        #expect(RFC3339.parse("2026-13-25T17:44:06Z") == nil)
        #expect(RFC3339.format(1_795_628_646) == "2026-11-25T17:44:06Z")
    }

    @Test func goDurations() {
        #expect(Durations.parse("30s") == 30)
        #expect(Durations.parse("5m") == 300)
        #expect(Durations.parse("1h30m") == 5400)
        #expect(Durations.parse("250ms") == 0.25)
        #expect(Durations.parse("soon") == nil)
        #expect(Durations.parse("5") == nil)
        #expect(Durations.shortAge(90) == "90s")
        #expect(Durations.shortAge(7300) == "2h")
    }

    @Test func trimmingHandlesCRLF() {
        #expect("  1\r\n".trimmed == "1")
        #expect("\r\n".trimmed == "")
    }
}

struct StatusTests {
    @Test func decodesServerStatus() throws {
        let json = try JSONValue.parse(#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"x\" not found","reason":"NotFound","details":{"name":"x","kind":"pods"},"code":404}"#)
        let status = try #require(Status(json: json))
        #expect(status.code == 404)
        #expect(status.reason == "NotFound")
        #expect(status.detailsName == "x")
        #expect(Status(json: status.json) == status)
    }

    @Test func exitCodeCauses() throws {
        let json = try JSONValue.parse(#"{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"7"}]}}"#)
        #expect(Status(json: json)?.causes.first?.message == "7")
    }
}
