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
    var names: [String] = []
    let marker = Array("# TYPE ".utf8)
    var lineStart = text.startIndex
    while lineStart < text.endIndex {
      let lineEnd = text[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? text.endIndex
      let line = text[lineStart ..< lineEnd]
      if line.starts(with: marker) {
        let rest = line.dropFirst(marker.count)
        let name = rest.prefix { $0 != UInt8(ascii: " ") }
        names.append(String(decoding: name, as: UTF8.self))
      }
      lineStart = lineEnd + 1
    }
    return names
  }
}
