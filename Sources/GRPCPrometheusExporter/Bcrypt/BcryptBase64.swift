/// bcrypt's own base64: the alphabet `./A-Za-z0-9`, no padding. A 16-byte salt takes 22
/// characters and the 23-byte hash 31.
enum BcryptBase64 {
  private static let alphabet = Array(
    "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8
  )

  private static let values: [UInt8] = {
    var values = [UInt8](repeating: 0xff, count: 256)
    for (index, character) in alphabet.enumerated() {
      values[Int(character)] = UInt8(index)
    }
    return values
  }()

  static func encode(_ bytes: [UInt8]) -> String {
    var output: [UInt8] = []
    output.reserveCapacity((bytes.count * 4 + 2) / 3)
    var index = 0
    while index < bytes.count {
      let b0 = bytes[index]
      output.append(Self.alphabet[Int(b0 >> 2)])
      var carry = (b0 & 0x03) << 4
      guard index + 1 < bytes.count else {
        output.append(Self.alphabet[Int(carry)])
        break
      }
      let b1 = bytes[index + 1]
      output.append(Self.alphabet[Int(carry | (b1 >> 4))])
      carry = (b1 & 0x0f) << 2
      guard index + 2 < bytes.count else {
        output.append(Self.alphabet[Int(carry)])
        break
      }
      let b2 = bytes[index + 2]
      output.append(Self.alphabet[Int(carry | (b2 >> 6))])
      output.append(Self.alphabet[Int(b2 & 0x3f)])
      index += 3
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// Decodes `byteCount` bytes from `text`, or `nil` on a character outside the alphabet or a
  /// length that does not match. Bits beyond `byteCount` in the last character are ignored, as
  /// every bcrypt implementation does.
  static func decode(_ text: ArraySlice<UInt8>, byteCount: Int) -> [UInt8]? {
    guard text.count == (byteCount * 4 + 2) / 3 else { return nil }
    var sextets: [UInt8] = []
    sextets.reserveCapacity(text.count)
    for character in text {
      let value = Self.values[Int(character)]
      guard value != 0xff else { return nil }
      sextets.append(value)
    }
    var output: [UInt8] = []
    output.reserveCapacity(byteCount)
    var index = 0
    while output.count < byteCount {
      let c0 = sextets[index]
      let c1 = sextets[index + 1]
      output.append((c0 << 2) | (c1 >> 4))
      guard output.count < byteCount else { break }
      let c2 = sextets[index + 2]
      output.append(((c1 & 0x0f) << 4) | (c2 >> 2))
      guard output.count < byteCount else { break }
      let c3 = sextets[index + 3]
      output.append(((c2 & 0x03) << 6) | c3)
      index += 4
    }
    return output
  }
}
