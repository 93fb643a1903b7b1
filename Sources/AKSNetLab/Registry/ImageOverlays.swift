import Foundation

/// Images whose programs differ from the host's: each gets a folder of wrapper scripts that goes
/// first on the container's PATH (for its main process and for exec into it), as an image's own
/// binaries shadow nothing but are all a container sees. Written under `DIR/images/` by the kubelet.
enum ImageOverlays {
    /// A tcpdump built to drop privileges to a user the image lacks: capturing fails at once with
    /// `tcpdump: Couldn't find user 'aksnet-nouser'`, unless the caller names its own `-Z` (the last
    /// `-Z` wins); `tcpdump -d` (compile only) never looks the user up and works.
    static let tcpdumpNoUser = "aksnet/tcpdump-nouser"
    /// A tcpdump whose every capture fails the same way: the caller's `-Z` are dropped.
    static let tcpdumpBroken = "aksnet/tcpdump-broken"
    static let missingUser = "aksnet-nouser"

    static var repositories: Set<String> { [tcpdumpNoUser, tcpdumpBroken] }

    /// The scripts of an image's overlay (program name → script text); empty for plain images.
    static func scripts(for repository: String, tcpdump: String) -> [String: String] {
        switch repository {
        case tcpdumpNoUser:
            return ["tcpdump": """
                #!/bin/sh
                # \(tcpdumpNoUser): this build's default privilege-drop user does not exist in the image.
                # A later -Z from the caller wins (tcpdump keeps the last one).
                exec \(tcpdump) -Z \(missingUser) "$@"

                """]
        case tcpdumpBroken:
            // The caller's -Z (either spelling) is dropped before `--`; the filter after `--` is kept as is.
            return ["tcpdump": """
                #!/bin/sh
                # \(tcpdumpBroken): every capture fails to drop privileges, whatever -Z the caller gives.
                count=$#
                skip=0
                rest=0
                for arg do
                    if [ "$rest" = 1 ]; then set -- "$@" "$arg"
                    elif [ "$skip" = 1 ]; then skip=0
                    else
                        case $arg in
                            --) rest=1; set -- "$@" "$arg" ;;
                            -Z|--relinquish-privileges) skip=1 ;;
                            -Z*|--relinquish-privileges=*) ;;
                            *) set -- "$@" "$arg" ;;
                        esac
                    fi
                done
                shift "$count"
                exec \(tcpdump) -Z \(missingUser) "$@"

                """]
        default:
            return [:]
        }
    }

    /// `DIR/images/<repository with / as _>/bin`.
    static func binDirectory(_ repository: String, root: String) -> String {
        "\(root)/\(repository.replacingOccurrences(of: "/", with: "_"))/bin"
    }

    /// The container's PATH for `image`: its overlay first, then the host's programs.
    static func path(for image: String, root: String) -> String {
        let repository = LabImages.repository(image)
        guard repositories.contains(repository) else { return ContainerLaunch.defaultPath }
        return binDirectory(repository, root: root) + ":" + ContainerLaunch.defaultPath
    }

    /// Writes every overlay under `root` (mode 0755 scripts), pointing at the host's tcpdump.
    static func install(root: String) throws {
        let tcpdump = StreamChild.lookup("tcpdump").path ?? "/usr/bin/tcpdump"
        for repository in repositories {
            let folder = binDirectory(repository, root: root)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (program, script) in scripts(for: repository, tcpdump: tcpdump) {
                let file = folder + "/" + program
                try script.write(toFile: file, atomically: true, encoding: .utf8)
                guard chmod(file, 0o755) == 0 else { throw LabError("chmod \(file): errno \(errno)") }
            }
        }
    }
}
