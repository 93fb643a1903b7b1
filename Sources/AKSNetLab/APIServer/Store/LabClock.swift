import Foundation

/// Wall-clock seconds and ids for object metadata.
enum LabClock {
    static func now() -> Double { Date().timeIntervalSince1970 }
    static func uid() -> String { UUID().uuidString.lowercased() }

    /// The 5-character suffix `generateName` gets (the API server's alphabet, no vowels).
    static func nameSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }
}
