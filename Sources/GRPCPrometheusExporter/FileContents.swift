#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads with POSIX calls: small files (configuration, `/proc`) read at start-up or
/// at scrape time, without Foundation on the scrape path.
enum FileContents {
  /// An `errno` from a failed call, described with `strerror`.
  struct SystemError: Error, CustomStringConvertible {
    let operation: String
    let code: Int32
    var description: String { "\(self.operation): \(String(cString: strerror(self.code)))" }
  }

  /// The bytes of the file at `path`.
  static func bytes(atPath path: String) throws -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw SystemError(operation: "open", code: errno) }
    defer { close(descriptor) }
    var contents: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw SystemError(operation: "read", code: errno)
      }
      if count == 0 { return contents }
      contents.append(contentsOf: chunk[0 ..< count])
    }
  }

  /// The file at `path` as text.
  static func string(atPath path: String) throws -> String {
    String(decoding: try Self.bytes(atPath: path), as: UTF8.self)
  }
}
