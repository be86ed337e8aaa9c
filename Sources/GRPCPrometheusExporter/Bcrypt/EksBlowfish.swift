/// The "expensive key schedule" Blowfish of bcrypt (Provos and Mazières, 1999), which is all of
/// Blowfish that bcrypt needs: key expansion with and without salt, and block encryption.
///
/// The state lives in one manually allocated buffer so the hot loops index memory directly; a
/// password check at cost 10 runs about a million block encryptions.
final class EksBlowfish {
  /// P-array at `0 ..< 18`, S-boxes at `18 ..< 1042`.
  private let state: UnsafeMutablePointer<UInt32>
  private static let wordCount = 18 + 4 * 256

  init() {
    self.state = .allocate(capacity: Self.wordCount)
    BlowfishTables.initialP.withUnsafeBufferPointer { p in
      self.state.initialize(from: p.baseAddress!, count: 18)
    }
    BlowfishTables.initialS.withUnsafeBufferPointer { s in
      (self.state + 18).initialize(from: s.baseAddress!, count: 1024)
    }
  }

  deinit {
    // Key material: clear it before giving the memory back.
    self.state.update(repeating: 0, count: Self.wordCount)
    self.state.deallocate()
  }

  /// Encrypts one 64-bit block given as two big-endian halves.
  @inline(__always)
  func encrypt(_ left: inout UInt32, _ right: inout UInt32) {
    let p = self.state
    let s = self.state + 18
    var l = left
    var r = right
    var round = 0
    while round < 16 {
      l ^= p[round]
      r ^= Self.f(s, l)
      r ^= p[round + 1]
      l ^= Self.f(s, r)
      round += 2
    }
    left = r ^ p[17]
    right = l ^ p[16]
  }

  @inline(__always)
  private static func f(_ s: UnsafeMutablePointer<UInt32>, _ x: UInt32) -> UInt32 {
    let a = s[Int(x >> 24)]
    let b = s[256 + Int((x >> 16) & 0xff)]
    let c = s[512 + Int((x >> 8) & 0xff)]
    let d = s[768 + Int(x & 0xff)]
    return ((a &+ b) ^ c) &+ d
  }

  /// Blowfish's key schedule, with bcrypt's salt mixed into every encrypted block when `salt`
  /// is given (`ExpandKey(state, salt, key)` in the paper; `ExpandKey(state, 0, key)` without).
  func expand(key: [UInt8], salt: [UInt8]?) {
    var keyPosition = 0
    for index in 0 ..< 18 {
      self.state[index] ^= Self.nextWord(key, &keyPosition)
    }
    var saltPosition = 0
    var left: UInt32 = 0
    var right: UInt32 = 0
    var index = 0
    while index < Self.wordCount {
      if let salt {
        left ^= Self.nextWord(salt, &saltPosition)
        right ^= Self.nextWord(salt, &saltPosition)
      }
      self.encrypt(&left, &right)
      self.state[index] = left
      self.state[index + 1] = right
      index += 2
    }
  }

  /// The next four bytes of `bytes` as a big-endian word, wrapping around at the end.
  @inline(__always)
  static func nextWord(_ bytes: [UInt8], _ position: inout Int) -> UInt32 {
    var word: UInt32 = 0
    for _ in 0 ..< 4 {
      word = (word << 8) | UInt32(bytes[position])
      position += 1
      if position == bytes.count {
        position = 0
      }
    }
    return word
  }
}
