import KubeModel

/// hostPath volumes as real bind mounts in a mount namespace of the container's own: the
/// node's `/` is the directory DIR/nodes/<node>, so hostPath `P` mounts `<node root>/P`.
/// A hostPath `/` also gets the host's programs, libraries, /proc, /sys and /dev bound
/// inside it, so that `chroot /host sh` works in a node-mode helper pod as on a node.
/// Pure: the kubelet makes the folders (`Bind.prepare`) and runs the argv.
struct HostPathMounts: Equatable {
    struct Bind: Equatable {
        var source: String
        var target: String
        var readOnly: Bool
    }

    /// Directories of the host bound into a node's `/` (the lab's containers run host binaries).
    static let systemDirectories = ["usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "proc", "sys", "dev"]

    var binds: [Bind]
    /// Folders that must exist first, in the lab's node roots (made with their parents).
    var nodeFolders: [String]
    /// Mount points in the container's view that may not exist on this machine yet.
    var mountPoints: [String]
    /// Symlinks of this machine's `/` to copy into a node root (`bin` → `usr/bin`): (node path, host path).
    var nodeLinks: [(node: String, host: String)] = []

    static func == (a: HostPathMounts, b: HostPathMounts) -> Bool {
        a.binds == b.binds && a.nodeFolders == b.nodeFolders && a.mountPoints == b.mountPoints
            && a.nodeLinks.map(\.node) == b.nodeLinks.map(\.node) && a.nodeLinks.map(\.host) == b.nodeLinks.map(\.host)
    }

    /// `isSymlink(path)` and `exists(path)` look at this machine's `/` (for /bin → usr/bin).
    static func make(pod: JSONValue, container: JSONValue, nodeRoot: String,
                     isSymlink: (String) -> Bool, exists: (String) -> Bool) -> HostPathMounts {
        var volumes: [String: String] = [:]
        for volume in pod["spec"]?["volumes"]?.arrayValue ?? [] {
            guard let name = volume["name"]?.stringValue, let path = volume["hostPath"]?["path"]?.stringValue else { continue }
            volumes[name] = path
        }
        var result = HostPathMounts(binds: [], nodeFolders: [], mountPoints: [])
        for mount in container["volumeMounts"]?.arrayValue ?? [] {
            guard let name = mount["name"]?.stringValue, let hostPath = volumes[name],
                  let target = mount["mountPath"]?.stringValue, target.hasPrefix("/") else { continue }
            var source = nodeRoot + normalized(hostPath)
            if let subPath = mount["subPath"]?.stringValue, !subPath.isEmpty, !subPath.contains("..") {
                source += "/" + subPath
            }
            if source.hasSuffix("/") && source.count > 1 { source.removeLast() }
            let readOnly = mount["readOnly"]?.boolValue == true
            result.nodeFolders.append(source)
            result.mountPoints.append(target)
            result.binds.append(Bind(source: source, target: target, readOnly: readOnly))
            guard normalized(hostPath) == "/" else { continue }
            for directory in systemDirectories where exists("/" + directory) {
                if isSymlink("/" + directory) {
                    result.nodeLinks.append((nodeRoot + "/" + directory, "/" + directory))
                    continue
                }
                result.nodeFolders.append(nodeRoot + "/" + directory)
                result.binds.append(Bind(source: "/" + directory, target: joined(target, directory), readOnly: readOnly))
            }
        }
        return result
    }

    /// "" and "/" are the node root; a trailing slash is dropped.
    static func normalized(_ path: String) -> String {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path == "/" ? "/" : path
    }

    static func joined(_ base: String, _ name: String) -> String {
        base.hasSuffix("/") ? base + name : base + "/" + name
    }

    /// The argv that makes the binds in a new private mount namespace and execs the rest;
    /// empty when there is nothing to mount. Paths travel as arguments, never in the script (the
    /// script is constant; a mountPath is absolute, so it can never be the `--` that ends the list).
    var argvPrefix: [String] {
        guard !binds.isEmpty else { return [] }
        let script = #"while [ "$1" != "--" ]; do mount --bind "$1" "$2" || exit 126; "#
            + #"if [ "$3" = ro ]; then mount -o remount,bind,ro "$2" || exit 126; fi; shift 3; done; shift; exec "$@""#
        var argv = ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script, "aksnet-mounts"]
        for bind in binds { argv += [bind.source, bind.target, bind.readOnly ? "ro" : "rw"] }
        return argv + ["--"]
    }
}
