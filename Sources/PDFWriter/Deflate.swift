/// A deflate (RFC 1951) compressor with a zlib (RFC 1950) wrapper, used for FlateDecode streams.
///
/// Rule: the output is a single final block with the fixed Huffman code; matches are found
/// by LZ77 over a 32 KiB window with a hash chain (greedy, bounded chain length), so the
/// same input always gives the same output.
public enum Deflate {
    /// Compresses `input` into a zlib stream: 2-byte header, deflate data, Adler-32 (big-endian).
    public static func zlib(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]  // CM=8, CINFO=7 (32 KiB); FLEVEL=0; FCHECK makes it a multiple of 31
        out.append(contentsOf: deflate(input))
        let adler = adler32(input)
        out.append(UInt8(adler >> 24)); out.append(UInt8((adler >> 16) & 0xFF))
        out.append(UInt8((adler >> 8) & 0xFF)); out.append(UInt8(adler & 0xFF))
        return out
    }

    /// The Adler-32 checksum of `input`.
    public static func adler32(_ input: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        input.withUnsafeBufferPointer { buf in
            var i = 0
            while i < buf.count {
                let end = min(i + 5552, buf.count)
                while i < end { a &+= UInt32(buf[i]); b &+= a; i += 1 }
                a %= 65521; b %= 65521
            }
        }
        return (b << 16) | a
    }

    private static let windowSize = 32768
    private static let hashBits = 15
    private static let maxChain = 48
    private static let maxMatch = 258

    /// Compresses `input` into raw deflate data (no header).
    public static func deflate(_ input: [UInt8]) -> [UInt8] {
        var writer = BitWriter(capacity: input.count / 2 + 64)
        writer.write(1, bits: 1)  // BFINAL
        writer.write(1, bits: 2)  // BTYPE = 01, fixed Huffman
        let codes = FixedHuffman.shared
        input.withUnsafeBufferPointer { data in
            let n = data.count
            let mask = windowSize - 1
            var head = [Int32](repeating: -1, count: 1 << hashBits)
            var prev = [Int32](repeating: -1, count: windowSize)
            head.withUnsafeMutableBufferPointer { head in
                prev.withUnsafeMutableBufferPointer { prev in
                    @inline(__always) func hash(_ i: Int) -> Int {
                        (Int(data[i]) << 10 ^ Int(data[i + 1]) << 5 ^ Int(data[i + 2])) & ((1 << hashBits) - 1)
                    }
                    @inline(__always) func insert(_ i: Int) {
                        let h = hash(i)
                        prev[i & mask] = head[h]
                        head[h] = Int32(i)
                    }
                    var i = 0
                    while i < n {
                        var bestLength = 0
                        var bestDistance = 0
                        if i + 3 <= n {
                            let limit = min(maxMatch, n - i)
                            var candidate = Int(head[hash(i)])
                            var chain = maxChain
                            while candidate >= 0 && i - candidate < windowSize && chain > 0 {
                                if data[candidate + bestLength] == data[i + bestLength] || bestLength == 0 {
                                    var length = 0
                                    while length < limit && data[candidate + length] == data[i + length] { length += 1 }
                                    if length > bestLength {
                                        bestLength = length
                                        bestDistance = i - candidate
                                        if length == limit { break }
                                    }
                                }
                                let next = Int(prev[candidate & mask])
                                if next >= candidate { break }
                                candidate = next
                                chain -= 1
                            }
                            insert(i)
                        }
                        if bestLength >= 3 {
                            codes.writeLength(bestLength, to: &writer)
                            codes.writeDistance(bestDistance, to: &writer)
                            let end = i + bestLength
                            i += 1
                            while i < end {
                                if i + 3 <= n { insert(i) }
                                i += 1
                            }
                        } else {
                            codes.writeLiteral(Int(data[i]), to: &writer)
                            i += 1
                        }
                    }
                }
            }
        }
        codes.writeLiteral(256, to: &writer)  // end of block
        return writer.finish()
    }
}
