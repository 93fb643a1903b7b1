/// The lab's "registry": image names it serves. Containers run the host's binaries, so an
/// image is only a name; matching is on the repository (registry, tag and digest ignored
/// where Docker Hub spells them implicitly).
public enum LabImages {
    /// The usual debug and base images (repositories; any tag or digest matches).
    public static let defaults: Set<String> = [
        "nicolaka/netshoot", "busybox", "alpine", "ubuntu", "debian", "python", "nginx", "curlimages/curl",
        "mcr.microsoft.com/cbl-mariner/busybox", "mcr.microsoft.com/azurelinux/busybox",
        "mcr.microsoft.com/cbl-mariner/base/core", "mcr.microsoft.com/azurelinux/base/core",
        "mcr.microsoft.com/dotnet/runtime-deps", "mcr.microsoft.com/aks/periscope",
        "mcr.microsoft.com/oss/kubernetes/pause", "mcr.microsoft.com/mirror/docker/library/busybox",
        "mcr.microsoft.com/mirror/docker/library/alpine", "mcr.microsoft.com/mirror/docker/library/ubuntu",
        "mcr.microsoft.com/mirror/docker/library/nginx", "registry.k8s.io/pause",
        "registry.k8s.io/e2e-test-images/agnhost",
        // tcpdump images that fail to capture (see ImageOverlays).
        ImageOverlays.tcpdumpNoUser, ImageOverlays.tcpdumpBroken,
    ]

    /// `busybox`, `library/busybox:1.36`, `docker.io/library/busybox@sha256:…` → `busybox`;
    /// `mcr.microsoft.com/x/y:tag` → `mcr.microsoft.com/x/y`.
    public static func repository(_ image: String) -> String {
        var name = image
        if let at = name.firstIndex(of: "@") { name = String(name[..<at]) }
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") { name = String(name[..<colon]) }
        for prefix in ["docker.io/", "index.docker.io/", "registry-1.docker.io/"] where name.hasPrefix(prefix) {
            name = String(name.dropFirst(prefix.count))
        }
        if name.hasPrefix("library/"), !name.dropFirst(8).contains("/") { name = String(name.dropFirst(8)) }
        return name.lowercased()
    }

    /// containerd's spelling of a reference: `busybox` → `docker.io/library/busybox:latest`.
    public static func fullReference(_ image: String) -> String {
        var parts = image.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let hasRegistry = parts.count > 1 && (parts[0].contains(".") || parts[0].contains(":") || parts[0] == "localhost")
        if !hasRegistry {
            if parts.count == 1 { parts.insert("library", at: 0) }
            parts.insert("docker.io", at: 0)
        }
        var reference = parts.joined(separator: "/")
        let last = parts.last ?? ""
        if !last.contains(":"), !last.contains("@") { reference += ":latest" }
        return reference
    }

    static func normalized(_ images: Set<String>) -> Set<String> { Set(images.map(repository)) }
}
