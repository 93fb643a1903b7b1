import Testing
@testable import AKSNetLab

/// The kubelet's `$(VAR)` expansion, one test per documented rule (kubelet's expansion.Expand).
struct ContainerExpansionTests {
    let variables: [(String, String)] = [("FOO", "bar"), ("EMPTY", ""), ("X", "1"), ("X", "2")]
    func expand(_ text: String) -> String { ContainerExpansion.expand(text, in: variables) }

    @Test func aKnownReferenceIsReplaced() {
        #expect(expand("$(FOO)") == "bar")
        #expect(expand("a-$(FOO)-b$(FOO)") == "a-bar-bbar")
        #expect(expand("$(EMPTY)x") == "x", "defined but empty is still defined")
    }

    @Test func theLaterDefinitionWins() {
        #expect(expand("$(X)") == "2")
    }

    @Test func anUnknownReferenceStaysAsWritten() {
        #expect(expand("$(NOPE)") == "$(NOPE)")
        #expect(expand("$()") == "$()", "an empty name is unknown too")
        #expect(expand("$(NOPE) $(FOO)") == "$(NOPE) bar")
    }

    @Test func doubleDollarIsOneDollar() {
        #expect(expand("$$") == "$")
        #expect(expand("$$$$") == "$$")
        #expect(expand("a$$b") == "a$b")
    }

    @Test func escapedReferenceIsLiteral() {
        #expect(expand("$$(FOO)") == "$(FOO)")
        #expect(expand("$$(NOPE)") == "$(NOPE)")
        #expect(expand("$$$(FOO)") == "$bar", "an escaped `$`, then a reference")
    }

    @Test func dollarBeforeAnythingElseStays() {
        #expect(expand("$FOO") == "$FOO")
        #expect(expand("${FOO}") == "${FOO}")
        #expect(expand("100$") == "100$", "a `$` at the end")
        #expect(expand("$") == "$")
    }

    @Test func anUnclosedReferenceStays() {
        #expect(expand("$(FOO") == "$(FOO")
        #expect(expand("$(FOO $(FOO)") == "$(FOO $(FOO)", "the first `)` closes the name `FOO $(FOO`, unknown")
    }

    @Test func shellQuotingMeansNothing() {
        #expect(expand("echo '$(FOO)' \"$$(FOO)\"") == "echo 'bar' \"$(FOO)\"")
    }

    @Test func nonASCIIPassesThrough() {
        #expect(expand("é$(FOO)ü$é") == "ébarü$é")
    }
}
