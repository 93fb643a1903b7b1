import AKSNet
import Testing

@Suite struct SSHConfigBlockTests {
    @Test func printsAHostBlockForTheNodes() {
        var block = SSHConfigBlock(context: "prod", nodes: ["aks-nodepool1-0", "akswin000000"])
        #expect(block.text == """
            # kubectl aksnet jump: the nodes of context prod, through a relay pod each
            Host aks-nodepool1-0 akswin000000
                ProxyCommand kubectl aksnet jump --context prod --stdio %h
                User azureuser

            """)
        #expect(!block.text.contains("HostKeyAlias"), "ssh does not expand %h there")
        block.kubeconfig = "/home/me/my kube/config"
        #expect(block.text.contains("ProxyCommand kubectl aksnet jump --kubeconfig '/home/me/my kube/config' --context prod --stdio %h"))
    }
}
