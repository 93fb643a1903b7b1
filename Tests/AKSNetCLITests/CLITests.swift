import AKSNetCLI
import KubeModel
import Testing

struct CLITests {
    @Test func kubectlFlagSpellingsAreNormalized() {
        #expect(ArgumentNormalizer.normalize(["version", "-v=9", "-n=kube-system", "-v6"]) == ["version", "--v=9", "--namespace=kube-system", "--v=6"])
        #expect(ArgumentNormalizer.normalize(["jump", "--", "-v=9"]) == ["jump", "--", "-v=9"])
    }

    @Test func yamlOutputQuotesWhatYAMLWouldMisread() {
        let value: JSONValue = ["a": "yes", "b": "1.0", "c": "plain", "d": ["x", ["k": "v"]], "e": [:], "f": ""]
        #expect(YAMLWriter.render(value) == """
            a: "yes"
            b: "1.0"
            c: plain
            d:
            - x
            - k: v
            e: {}
            f: ""

            """)
    }

    @Test func multiCallDispatchOnArgvZero() {
        #expect(Entry.main(["/usr/local/bin/kubectl-aksnet-version", "--client"]) == 0)
        #expect(Entry.main(["kubectl-aksnet-nosuchcommand"]) == 2)
    }

    @Test func usageErrorsExitTwoAndHelpExitsZero() {
        #expect(Entry.main(["kubectl-aksnet", "version", "--no-such-flag"]) == 2)
        #expect(Entry.main(["kubectl-aksnet", "version", "-o", "xml"]) == 2)
        #expect(Entry.main(["kubectl-aksnet", "--help"]) == 0)
    }
}
