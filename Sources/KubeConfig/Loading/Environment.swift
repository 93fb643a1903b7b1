#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process environment the loader reads, as a value so tests can set it.
public struct Environment: Sendable, Equatable {
    public var variables: [String: String]
    public var cwd: String

    public init(variables: [String: String], cwd: String) {
        self.variables = variables
        self.cwd = cwd
    }

    public subscript(name: String) -> String? { variables[name] }

    /// HOME, or the passwd entry when HOME is unset.
    public var home: String {
        if let home = variables["HOME"], !home.isEmpty { return home }
        if let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir { return String(cString: dir) }
        return "/"
    }

    public static func current() -> Environment {
        var variables: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                variables[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            pointer += 1
        }
        return Environment(variables: variables, cwd: Files.currentDirectory())
    }
}
