import AKSNet
import Testing

struct NodeMenuTests {
    static let nodes = [
        JumpNode(name: "aks-pool1-1", internalIP: "10.224.0.5"),
        JumpNode(name: "aks-pool1-0", internalIP: "10.224.0.4"),
        JumpNode(name: "akswin000000", internalIP: "10.224.0.10", os: "windows"),
        JumpNode(name: "aks-pool1-12", internalIP: "10.224.0.16", ready: false, readyReason: "KubeletNotReady"),
    ]

    @Test func listsByNameNumberedAndAligned() {
        let menu = NodeMenu(nodes: Self.nodes)
        #expect(menu.text == """
              1) aks-pool1-0   10.224.0.4   linux  Ready
              2) aks-pool1-1   10.224.0.5   linux  Ready
              3) aks-pool1-12  10.224.0.16  linux  NotReady (KubeletNotReady)
              4) akswin000000  10.224.0.10  windows  Ready
            node [1-4]: 
            """)
    }

    @Test func everyNodeIsListedSortedByName() {
        #expect(NodeMenu(nodes: Self.nodes.reversed()).nodes.map(\.name) == ["aks-pool1-0", "aks-pool1-1", "aks-pool1-12", "akswin000000"])
    }

    @Test(arguments: [
        ("1", NodeMenu.Answer.node("aks-pool1-0")),
        (" 2\n", .node("aks-pool1-1")),
        ("aks-pool1-12", .node("aks-pool1-12")),
        ("10.224.0.10", .node("akswin000000")),
        ("0", .again("pick a number from 1 to 4")),
        ("5", .again("pick a number from 1 to 4")),
        ("99999999999999999999999", .again("no node \"99999999999999999999999\" in the list; type its number")),
        ("٣", .again("no node \"٣\" in the list; type its number")),
        ("web", .again("no node \"web\" in the list; type its number")),
        ("", .cancelled),
        ("   ", .cancelled),
    ])
    func readsTheAnswer(typed: String, answer: NodeMenu.Answer) {
        #expect(NodeMenu(nodes: Self.nodes).pick(typed) == answer)
    }

    @Test func endOfInputCancels() {
        #expect(NodeMenu(nodes: Self.nodes).pick(nil) == .cancelled)
    }
}
