extension InflaterCore {
    /// Decodes literal/length and distance symbols of a Huffman block into the window until the
    /// block ends, the window is nearly full or the input runs out.
    ///
    /// Each symbol starts with at least 56 bits in the accumulator, enough for the longest one
    /// (15 + 5 + 15 + 13 bits). A symbol that turns out to have used bits past the end of the
    /// input is undone and left for the next call.
    func decodeSymbols(
        _ cursor: inout BitCursor, literals: UnsafePointer<UInt32>, distances: UnsafePointer<UInt32>
    ) throws(InflateError) -> Step {
        let window = self.window
        var out = outputPosition
        defer { outputPosition = out }
        let literalMask = UInt64(1 << HuffmanTable.literalLengthPrimaryBits - 1)
        let distanceMask = UInt64(1 << HuffmanTable.distancePrimaryBits - 1)
        while true {
            if out >= Self.symbolLimit { return .outputFull }
            let saved = cursor
            cursor.refill()
            var entry = literals[Int(truncatingIfNeeded: cursor.buffer & literalMask)]
            if entry & HuffmanTable.kindMask == HuffmanTable.link {
                let bits = UInt64((entry >> 8) & 0x1F)
                let index = (cursor.buffer &>> UInt64(HuffmanTable.literalLengthPrimaryBits)) & ((1 &<< bits) &- 1)
                entry = literals[Int(entry >> 16) &+ Int(truncatingIfNeeded: index)]
            }
            let kind = entry & HuffmanTable.kindMask
            if kind == HuffmanTable.literal {
                cursor.drop(Int(entry & 0xF))
                if cursor.overrun {
                    cursor = saved
                    return .needInput
                }
                window[out] = UInt8(truncatingIfNeeded: entry >> 16)
                out &+= 1
                continue
            }
            if kind == HuffmanTable.base {
                cursor.drop(Int(entry & 0xF))
                let length = Int(entry >> 16) &+ cursor.take(Int((entry >> 8) & 0x1F))
                var distanceEntry = distances[Int(truncatingIfNeeded: cursor.buffer & distanceMask)]
                if distanceEntry & HuffmanTable.kindMask == HuffmanTable.link {
                    let bits = UInt64((distanceEntry >> 8) & 0x1F)
                    let index = (cursor.buffer &>> UInt64(HuffmanTable.distancePrimaryBits)) & ((1 &<< bits) &- 1)
                    distanceEntry = distances[Int(distanceEntry >> 16) &+ Int(truncatingIfNeeded: index)]
                }
                guard distanceEntry & HuffmanTable.kindMask == HuffmanTable.base else {
                    if saved.availableBits < 64 {
                        cursor = saved
                        return .needInput
                    }
                    throw .invalid("invalid distance code")
                }
                cursor.drop(Int(distanceEntry & 0xF))
                let distance = Int(distanceEntry >> 16) &+ cursor.take(Int((distanceEntry >> 8) & 0x1F))
                if cursor.overrun {
                    cursor = saved
                    return .needInput
                }
                guard distance <= out else { throw .invalid("distance too far back") }
                copyMatch(window + out, distance: distance, length: length)
                out &+= length
                continue
            }
            if kind == HuffmanTable.endOfBlock {
                cursor.drop(Int(entry & 0xF))
                if cursor.overrun {
                    cursor = saved
                    return .needInput
                }
                return .blockEnd
            }
            if saved.availableBits < 64 {
                cursor = saved
                return .needInput
            }
            throw .invalid("invalid literal/length code")
        }
    }

    /// Copies `length` bytes from `distance` bytes back; the source may overlap the destination.
    @inline(__always)
    private func copyMatch(_ destination: UnsafeMutablePointer<UInt8>, distance: Int, length: Int) {
        let source = destination - distance
        if distance >= 8 {
            // Each 8-byte step reads only bytes already written; it may write up to 7 bytes
            // past the match, into the slack after the window.
            var offset = 0
            while offset < length {
                let word = UnsafeRawPointer(source + offset).loadUnaligned(as: UInt64.self)
                UnsafeMutableRawPointer(destination + offset).storeBytes(of: word, as: UInt64.self)
                offset &+= 8
            }
        } else if distance == 1 {
            destination.update(repeating: source.pointee, count: length)
        } else {
            for offset in 0..<length {
                destination[offset] = source[offset]
            }
        }
    }
}
