/// Comparisons whose duration does not depend on where the inputs differ.
enum ConstantTime {
  /// Whether `lhs` and `rhs` hold the same bytes, looking at every byte of both whatever the
  /// outcome (only the lengths, which are not secret here, can end it early).
  static func equals<L: Collection<UInt8>, R: Collection<UInt8>>(_ lhs: L, _ rhs: R) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for (left, right) in zip(lhs, rhs) {
      difference |= left ^ right
    }
    return difference == 0
  }
}
