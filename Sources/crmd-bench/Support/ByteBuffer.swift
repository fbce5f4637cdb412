/// A growable byte buffer over raw memory, for the hot loops: no copy-on-write, no
/// exclusivity checks, no bounds checks beyond the capacity test on append.
///
/// Owned by one thread; not `Sendable`.
final class ByteBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var freeSpace: Int { capacity - count }

    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        fresh.update(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = newCapacity
    }

    @inline(__always)
    func append(_ bytes: [UInt8]) {
        reserve(bytes.count)
        bytes.withUnsafeBufferPointer { source in
            (base + count).update(from: source.baseAddress!, count: source.count)
        }
        count += bytes.count
    }

    @inline(__always)
    func append(_ pointer: UnsafePointer<UInt8>, _ length: Int) {
        reserve(length)
        (base + count).update(from: pointer, count: length)
        count += length
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0.baseAddress!, $0.count) }
    }

    /// The decimal digits of `value`.
    @inline(__always)
    func appendDecimal(_ value: UInt64) {
        reserve(20)
        if value == 0 { base[count] = 0x30; count += 1; return }
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes, filled backwards
        withUnsafeMutableBytes(of: &scratch) { digits in
            var v = value
            var i = 24
            while v > 0 {
                i -= 1
                digits[i] = UInt8(truncatingIfNeeded: v % 10) + 0x30
                v /= 10
            }
            for j in i..<24 { base[count] = digits[j]; count += 1 }
        }
    }

    /// `value` in exactly `width` decimal digits, zero-padded (higher digits dropped).
    @inline(__always)
    func appendPadded(_ value: UInt64, width: Int) {
        reserve(width)
        var v = value
        var i = width
        while i > 0 {
            i -= 1
            base[count + i] = UInt8(truncatingIfNeeded: v % 10) + 0x30
            v /= 10
        }
        count += width
    }

    /// Drops the first `n` bytes, moving the rest to the front.
    func consume(_ n: Int) {
        guard n > 0 else { return }
        let rest = count - n
        if rest > 0 { base.update(from: base + n, count: rest) }
        count = rest
    }

    func clear() { count = 0 }

    /// Makes room for `minimum` more bytes, growing if needed, and returns the write position.
    func writableTail(minimum: Int) -> UnsafeMutablePointer<UInt8> {
        reserve(minimum)
        return base + count
    }

    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }
}
