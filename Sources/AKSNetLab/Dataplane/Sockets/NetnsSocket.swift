#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// TCP sockets that live in a lab network namespace while the lab's code runs in the root one.
/// A socket belongs to the namespace of the thread that created it, for its whole life: so each
/// socket is made on a short-lived thread that first joined the namespace (`setns` changes only
/// the calling thread), and the descriptor is then handed to NIO on any thread.
enum NetnsSocket {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A listening socket on `ip:port` inside `netns` (nil: the calling process's namespace).
    static func listen(netns: String?, ip: String, port: UInt16, backlog: Int32 = 128) throws -> Int32 {
        try inNamespace(netns) { try bound(ip: ip, port: port, backlog: backlog) }
    }

    /// A socket connected to `ip:port`, made inside `netns`. Blocking: call it off the event loops.
    static func connect(netns: String?, ip: String, port: UInt16, timeoutSeconds: Int = 5) throws -> Int32 {
        try inNamespace(netns) { try connected(ip: ip, port: port, timeoutSeconds: timeoutSeconds) }
    }

    /// Runs `body` on a new thread that joined `netns` first, and waits for it.
    static func inNamespace<T>(_ netns: String?, _ body: @escaping () throws -> T) throws -> T {
        guard let netns else { return try body() }
        let box = ThreadResult<T>()
        let done = DispatchSemaphore(value: 0)
        detached(netns) { joined in
            defer { done.signal() }
            box.value = Result { try joined.get(); return try body() }
        }
        done.wait()
        guard let value = box.value else { throw Failure(description: "netns \(netns): no result") }
        return try value.get()
    }

    /// Runs `body` on a new thread inside `netns` (nil: the process's own), without waiting;
    /// `body` learns whether joining the namespace worked.
    static func detached(_ netns: String?, _ body: @escaping (Result<Void, any Error>) -> Void) {
        let task = UncheckedBox(body)
        let thread = Thread {
            task.value(Result { if let netns { try join(netns) } })
        }
        thread.name = "netns-\(netns ?? "root")"
        thread.start()
    }

    /// `setns` into `/run/netns/NAME` (what `ip netns exec` does), for the calling thread only.
    private static func join(_ netns: String) throws {
        guard LabNames.isValidName(netns) else { throw Failure(description: "bad namespace name \(netns)") }
        let fd = open("/run/netns/\(netns)", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(description: "open /run/netns/\(netns): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard let setns = setnsFunction, setns(fd, cloneNewNet) == 0 else {
            throw Failure(description: "setns \(netns): \(String(cString: strerror(errno)))")
        }
    }

    /// glibc's `setns(2)` wrapper: Swift's Glibc module hides it (it needs _GNU_SOURCE), so it
    /// is looked up by name; CLONE_NEWNET is the kernel's constant.
    private typealias SetnsFunction = @convention(c) (Int32, Int32) -> Int32
    private static let cloneNewNet: Int32 = 0x4000_0000
    private static let setnsFunction: SetnsFunction? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setns") else { return nil }
        return unsafeBitCast(symbol, to: SetnsFunction.self)
    }()

    private static func address(ip: String, port: UInt16) throws -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, ip, &address.sin_addr) == 1 else { throw Failure(description: "not an IPv4 address: \(ip)") }
        return address
    }

    private static func newSocket() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        return fd
    }

    private static func bound(ip: String, port: UInt16, backlog: Int32) throws -> Int32 {
        var address = try address(ip: ip, port: port)
        let fd = try newSocket()
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0, Glibc.listen(fd, backlog) == 0 else {
            let why = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "listen tcp \(ip):\(port): \(why)")
        }
        return fd
    }

    private static func connected(ip: String, port: UInt16, timeoutSeconds: Int) throws -> Int32 {
        var address = try address(ip: ip, port: port)
        let fd = try newSocket()
        // On Linux SO_SNDTIMEO also bounds a blocking connect: a black-holed node fails in seconds.
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var result: Int32
        repeat {
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        } while result != 0 && errno == EINTR
        guard result == 0 else {
            let why = errno == EINPROGRESS || errno == EAGAIN ? "i/o timeout" : String(cString: strerror(errno)).lowercased()
            close(fd)
            throw Failure(description: "dial tcp \(ip):\(port): connect: \(why)")
        }
        var zero = timeval(tv_sec: 0, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &zero, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }
}

/// The outcome of a body run on another thread (written before the semaphore is signalled).
private final class ThreadResult<T>: @unchecked Sendable {
    var value: Result<T, any Error>?
}

/// A closure handed to exactly one other thread, which alone calls it.
private final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
