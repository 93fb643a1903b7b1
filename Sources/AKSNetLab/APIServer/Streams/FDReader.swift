#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NIOCore

/// A thread that reads a descriptor until EOF and hands each chunk to the event loop.
enum FDReader {
    static let chunkSize = 256 * 1024

    /// `deliver` runs on `loop` with each chunk and returns the write's future (nil if dropped);
    /// `finished` runs on `loop` after the last chunk. The reader owns and closes `fd`.
    static func start(fd: Int32, name: String, loop: any EventLoop, credit: OutputCredit,
                      deliver: @escaping @Sendable ([UInt8]) -> EventLoopFuture<Void>?,
                      finished: @escaping @Sendable () -> Void) {
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: chunkSize)
            while true {
                let count = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress, raw.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }  // EOF, or EIO on a pty master once the slave side is gone
                let chunk = Array(buffer[0..<count])
                if credit.acquire(count) {
                    loop.execute {
                        if let written = deliver(chunk) {
                            written.whenComplete { _ in credit.release(count) }
                        } else {
                            credit.release(count)
                        }
                    }
                }
            }
            close(fd)
            loop.execute { finished() }
        }
        thread.name = name
        thread.start()
    }
}
