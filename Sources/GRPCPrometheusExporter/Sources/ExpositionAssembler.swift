/// Asks every source for its families in turn and joins them into one exposition, refusing one
/// in which two sources emit the same family.
struct ExpositionAssembler: Sendable {
  /// A family emitted by two sources.
  struct DuplicateFamily: Error, CustomStringConvertible {
    let family: String
    let firstSource: String
    let secondSource: String
    var description: String {
      "metric family \(self.family) is emitted by both \(self.firstSource) and "
        + "\(self.secondSource); each family must come from one source"
    }
  }

  /// A source that failed.
  struct SourceFailed: Error, CustomStringConvertible {
    let source: String
    let error: any Error
    var description: String { "\(self.source) failed: \(self.error)" }
  }

  let sources: [any MetricsSource]

  /// The joined exposition.
  func assemble() async throws -> [UInt8] {
    var exposition: [UInt8] = []
    var owners: [String: Int] = [:]
    for (index, source) in self.sources.enumerated() {
      let start = exposition.count
      do {
        try await source.emit(into: &exposition)
      } catch {
        throw SourceFailed(source: Self.name(source, index), error: error)
      }
      if exposition.count > start && exposition.last != UInt8(ascii: "\n") {
        exposition.append(UInt8(ascii: "\n"))
      }
      for family in Self.familyNames(in: exposition[start...]) {
        if let owner = owners[family], owner != index {
          throw DuplicateFamily(
            family: family,
            firstSource: Self.name(self.sources[owner], owner),
            secondSource: Self.name(source, index)
          )
        }
        owners[family] = index
      }
    }
    return exposition
  }

  /// `source #1 (ProcessMetricsCollector)`, for error messages.
  private static func name(_ source: any MetricsSource, _ index: Int) -> String {
    "source #\(index) (\(type(of: source)))"
  }

  /// The names in the `# TYPE <name> <type>` lines of a text exposition.
  static func familyNames(in text: ArraySlice<UInt8>) -> [String] {
    let marker = Array("# TYPE ".utf8)
    let newline = UInt8(ascii: "\n")
    let space = UInt8(ascii: " ")
    return text.withUnsafeBufferPointer { bytes in
      var names: [String] = []
      var lineStart = 0
      while lineStart < bytes.count {
        if bytes.count - lineStart > marker.count, bytes[lineStart] == marker[0],
          bytes[lineStart ..< lineStart + marker.count].elementsEqual(marker)
        {
          var end = lineStart + marker.count
          while end < bytes.count && bytes[end] != space && bytes[end] != newline {
            end += 1
          }
          names.append(String(decoding: bytes[(lineStart + marker.count) ..< end], as: UTF8.self))
        }
        // Only line starts matter: skip to the next one.
        var next = lineStart
        while next < bytes.count && bytes[next] != newline {
          next += 1
        }
        lineStart = next + 1
      }
      return names
    }
  }
}
