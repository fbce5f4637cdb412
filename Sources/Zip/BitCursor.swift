/// Reads a DEFLATE stream's bits, least significant first, from a byte buffer into a 64-bit
/// accumulator.
///
/// Past the end of the buffer it reads zero bits, so a decode step can run without checking
/// each read; `overrun` then tells whether the step used bits that do not exist yet, and the
/// caller rolls back to a copy of the cursor taken before the step and waits for more input.
/// Bits above `count` in `buffer` are either zero or a copy of the next byte's bits.
struct BitCursor {
    let base: UnsafePointer<UInt8>
    let end: Int
    var position: Int
    var buffer: UInt64
    var count: Int

    /// Tops the accumulator up to at least 56 bits.
    @inline(__always)
    mutating func refill() {
        if position &+ 8 <= end {
            let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self).littleEndian
            buffer |= word &<< UInt64(count)
            position &+= (63 &- count) &>> 3
            count |= 56
        } else {
            while count <= 55 {
                let byte: UInt64 = position < end ? UInt64(base[position]) : 0
                buffer |= byte &<< UInt64(count)
                position &+= 1
                count &+= 8
            }
        }
    }

    @inline(__always)
    func peek(_ bits: Int) -> Int {
        Int(truncatingIfNeeded: buffer & ((1 &<< UInt64(bits)) &- 1))
    }

    @inline(__always)
    mutating func drop(_ bits: Int) {
        buffer = buffer &>> UInt64(bits)
        count &-= bits
    }

    @inline(__always)
    mutating func take(_ bits: Int) -> Int {
        let value = peek(bits)
        drop(bits)
        return value
    }

    /// Whether more bits were consumed than the input holds.
    @inline(__always)
    var overrun: Bool { position > end && (position &- end) &* 8 > count }

    /// Real bits left: the accumulator's plus the unread bytes' (virtual zero bytes excluded).
    var availableBits: Int { (end - position) * 8 + count }

    /// Moves whole unconsumed bytes from the accumulator back to the input, leaving fewer than 8
    /// bits in it, so that `position` is where the next unread byte is.
    mutating func returnWholeBytes() {
        let bytes = count / 8
        position -= bytes
        count -= bytes * 8
        buffer &= (1 &<< UInt64(count)) &- 1
    }
}
