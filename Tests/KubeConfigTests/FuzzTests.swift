import TestSupport
import Foundation
import KubeConfig
import KubeModel
import Testing

/// A bounded randomized test of the kubeconfig loader: 100,000 mutated
/// kubeconfigs (from the oracle fixtures) must each parse or fail with an
/// error, never trap or hang.
struct FuzzTests {
    static func seeds() throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        let root = TestPaths.oracleCases
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard ["yaml", "json", "config", "kubeconfig"].contains(url.pathExtension) || url.lastPathComponent == "config" else { continue }
            if let data = try? Data(contentsOf: url), data.count < 20_000 { out.append(Array(data)) }
        }
        return out
    }

    static let tokens: [[UInt8]] = [":", "{", "}", "[", "]", "&a", "*a", "!!str", "|", ">", "'", "\"", "%", "@", "- ", "\n",
                                    "  ", "\t", "---\n", "<<: *a\n", "~", "0x", "yes", "\u{FEFF}", "\\", "#", "?", ","].map { Array($0.utf8) }

    static func mutate(_ input: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0 where !bytes.isEmpty: bytes[position] = UInt8.random(in: 0...255, using: &rng)
            case 1: bytes.insert(contentsOf: tokens[Int.random(in: 0..<tokens.count, using: &rng)], at: position)
            case 2 where !bytes.isEmpty: bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...16, using: &rng)))
            case 3: bytes = Array(bytes.prefix(position))
            case 4 where bytes.count > 8:
                let start = Int.random(in: 0..<bytes.count - 4, using: &rng)
                let slice = bytes[start..<min(bytes.count, start + Int.random(in: 1...64, using: &rng))]
                bytes.insert(contentsOf: slice, at: position)
            default: bytes.append(UInt8.random(in: 0...127, using: &rng))
            }
        }
        return bytes
    }

    @Test func hundredThousandMutatedKubeconfigsNeverTrap() throws {
        let seeds = try Self.seeds()
        #expect(seeds.count >= 30)
        var rng = SplitMix(state: 0xA45_2026)
        var parsed = 0
        var rejected = 0
        for _ in 0..<100_000 {
            let input = Self.mutate(seeds[Int.random(in: 0..<seeds.count, using: &rng)], &rng)
            do {
                let config = try KubeconfigLoader.parse(input, origin: "/fuzz/config")
                _ = config.viewJSON.serialized()
                _ = try? config.minified()
                parsed += 1
            } catch {
                #expect(!error.message.isEmpty)
                rejected += 1
            }
        }
        #expect(parsed + rejected == 100_000)
        #expect(parsed > 1000 && rejected > 1000, "mutations should exercise both paths: \(parsed) parsed, \(rejected) rejected")
    }

    @Test func pathologicalDocumentsAreRefusedNotCrashed() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: KubeconfigError.self) { try KubeconfigLoader.parse(Array(deep.utf8), origin: "deep") }
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 { bomb += "\(Character(UnicodeScalar(97 + i)!)): &\(Character(UnicodeScalar(97 + i)!)) [" + Array(repeating: "*\(Character(UnicodeScalar(96 + i)!))", count: 10).joined(separator: ", ") + "]\n" }
        #expect(throws: KubeconfigError.self) { try KubeconfigLoader.parse(Array(bomb.utf8), origin: "bomb") }
        let deepJSON = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deepJSON) }
    }
}
