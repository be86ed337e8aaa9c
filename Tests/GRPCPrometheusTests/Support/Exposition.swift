import Testing

/// A parsed text-format exposition. Family order changes between processes in swift-prometheus,
/// so tests look samples up by name and labels rather than comparing whole texts.
struct Exposition: CustomStringConvertible {
  struct Sample: Hashable {
    var name: String
    var labels: [String: String]
    var value: Double
  }

  let text: String
  private(set) var samples: [Sample] = []
  private(set) var help: [String: String] = [:]
  private(set) var type: [String: String] = [:]

  init(_ text: String) throws {
    self.text = text
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
      if line.hasPrefix("# HELP ") {
        let rest = line.dropFirst("# HELP ".count)
        let name = rest.prefix { $0 != " " }
        self.help[String(name)] = String(rest.dropFirst(name.count + 1))
      } else if line.hasPrefix("# TYPE ") {
        let parts = line.dropFirst("# TYPE ".count).split(separator: " ")
        self.type[String(parts[0])] = String(parts[1])
      } else if line.hasPrefix("#") {
        continue
      } else {
        self.samples.append(try Self.parseSample(line))
      }
    }
  }

  struct ParseError: Error, CustomStringConvertible {
    var line: String
    var description: String { "cannot parse sample line: \(self.line)" }
  }

  private static func parseSample(_ line: Substring) throws -> Sample {
    var labels: [String: String] = [:]
    let name: Substring
    let valueText: Substring
    if let brace = line.firstIndex(of: "{") {
      name = line[..<brace]
      var index = line.index(after: brace)
      while line[index] != "}" {
        let equals = line[index...].firstIndex(of: "=")!
        let labelName = String(line[index ..< equals])
        index = line.index(equals, offsetBy: 2)  // skip ="
        var value = ""
        while line[index] != "\"" {
          if line[index] == "\\" {
            index = line.index(after: index)
            switch line[index] {
            case "n": value.append("\n")
            default: value.append(line[index])
            }
          } else {
            value.append(line[index])
          }
          index = line.index(after: index)
        }
        labels[labelName] = value
        index = line.index(after: index)  // closing quote
        if line[index] == "," {
          index = line.index(after: index)
        }
      }
      valueText = line[line.index(after: index)...].drop { $0 == " " }
    } else {
      let parts = line.split(separator: " ")
      guard parts.count >= 2 else { throw ParseError(line: String(line)) }
      name = parts[0]
      valueText = parts[1]
    }
    let valueField = valueText.split(separator: " ").first ?? valueText
    guard let value = Double(valueField) ?? (valueField == "+Inf" ? .infinity : nil) else {
      throw ParseError(line: String(line))
    }
    return Sample(name: String(name), labels: labels, value: value)
  }

  /// The value of the one sample with exactly these labels, or `nil`.
  func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
    self.samples.first { $0.name == name && $0.labels == labels }?.value
  }

  /// All samples of a metric name.
  func samples(named name: String) -> [Sample] {
    self.samples.filter { $0.name == name }
  }

  /// The sum of every sample of `name` whose labels include `matching`.
  func sum(_ name: String, matching: [String: String] = [:]) -> Double {
    self.samples(named: name)
      .filter { sample in matching.allSatisfy { sample.labels[$0.key] == $0.value } }
      .reduce(0) { $0 + $1.value }
  }

  /// The family a sample belongs to: its own name, or a histogram's name for its `_bucket`,
  /// `_count` and `_sum` series.
  func family(of sampleName: String) -> String {
    for suffix in ["_bucket", "_count", "_sum"] where sampleName.hasSuffix(suffix) {
      let base = String(sampleName.dropLast(suffix.count))
      if self.type[base] == "histogram" {
        return base
      }
    }
    return sampleName
  }

  var description: String { self.text }
}
