import CCurl

/// The state one libcurl transfer's callbacks fill in: status line, headers
/// and either a collected body or bytes handed to a stream consumer.
final class Transfer {
    var status = 0
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    let maxBody: Int
    /// For streams: gets each chunk of a 2xx answer; returning false stops the transfer.
    let onData: (([UInt8]) -> Bool)?
    let isCancelled: () -> Bool
    var upload: [UInt8]
    var uploadOffset = 0
    var overflow = false

    init(maxBody: Int = 1 << 30, upload: [UInt8] = [], onData: (([UInt8]) -> Bool)? = nil,
         isCancelled: @escaping () -> Bool = { false }) {
        self.maxBody = maxBody
        self.upload = upload
        self.onData = onData
        self.isCancelled = isCancelled
    }

    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if let onData, (200..<300).contains(status) {
            return onData(Array(bytes))
        }
        guard body.count + bytes.count <= maxBody else { overflow = true; return false }
        body.append(contentsOf: bytes)
        return true
    }

    func receiveHeader(_ line: String) {
        let text = line.trimmed
        if text.hasPrefix("HTTP/") {
            // A new status line (after 100 Continue or a proxy CONNECT) starts a new header block.
            headers.removeAll()
            let parts = text.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return }
        headers.append((String(text[..<colon]).trimmed, String(text[text.index(after: colon)...]).trimmed))
    }

    func fillUpload(_ destination: UnsafeMutableRawBufferPointer) -> Int {
        let n = min(destination.count, upload.count - uploadOffset)
        guard n > 0 else { return 0 }
        upload.withUnsafeBytes { source in
            guard let base = source.baseAddress, let out = destination.baseAddress else { return }
            out.copyMemory(from: base + uploadOffset, byteCount: n)
        }
        uploadOffset += n
        return n
    }
}

/// The C callbacks: each recovers its Transfer from the user-data pointer.
enum TransferCallbacks {
    static let write: ccurl_data_cb = { pointer, size, count, user in
        guard let user else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
        let n = size * count
        guard let pointer else { return n }
        return transfer.receive(UnsafeRawBufferPointer(start: pointer, count: n)) ? n : 0
    }

    static let header: ccurl_data_cb = { pointer, size, count, user in
        guard let user, let pointer else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
        let n = size * count
        let bytes = UnsafeRawBufferPointer(start: pointer, count: n)
        transfer.receiveHeader(String(decoding: bytes, as: UTF8.self))
        return n
    }

    static let read: ccurl_data_cb = { pointer, size, count, user in
        guard let user, let pointer else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
        return transfer.fillUpload(UnsafeMutableRawBufferPointer(start: pointer, count: size * count))
    }

    /// Called about once a second even when idle: lets a cancelled watch stop.
    static let progress: ccurl_xferinfo_cb = { user, _, _, _, _ in
        guard let user else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
        return transfer.isCancelled() ? 1 : 0
    }
}
