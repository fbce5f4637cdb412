/// The state and outer loop of an `Inflater`: which part of a block comes next, the bits
/// already read, the unconsumed input, the tables of the current block and the output window.
///
/// The window is a linear buffer: 32 KiB of history followed by room for up to `chunkSize`
/// new bytes. When it fills, the new bytes go to the caller and the last 32 KiB slide to the
/// front, so a match never wraps around. Input is consumed only up to the last complete step
/// (block header, symbol or stored run); the rest waits in `pending` for the next call.
final class InflaterCore {
    enum Mode: Equatable {
        case blockHeader
        case stored(remaining: Int)
        case codes
        case done
        case failed(InflateError)
    }

    enum Step {
        case blockEnd
        case needInput
        case outputFull
    }

    static let historySize = 32 * 1024
    static let chunkSize = 256 * 1024
    static let capacity = historySize + chunkSize
    /// A match may write up to 258 bytes plus 7 bytes of overshoot from the 8-byte copies.
    static let slack = 258 + 16
    /// Above this the symbol loop stops and the window is flushed.
    static let symbolLimit = capacity - 258

    let window: UnsafeMutablePointer<UInt8>
    var outputPosition = 0
    var flushedPosition = 0
    private(set) var totalOutput: Int64 = 0

    var pending: [UInt8] = []
    var bitBuffer: UInt64 = 0
    var bitCount = 0

    var mode = Mode.blockHeader
    var isFinalBlock = false
    var literalLengthTable: [UInt32] = []
    var distanceTable: [UInt32] = []

    init() {
        window = .allocate(capacity: Self.capacity + Self.slack)
        window.initialize(repeating: 0, count: Self.capacity + Self.slack)
    }

    deinit { window.deallocate() }

    var isFinished: Bool { mode == .done }

    func copy() -> InflaterCore {
        let other = InflaterCore()
        other.window.update(from: window, count: Self.capacity + Self.slack)
        other.outputPosition = outputPosition
        other.flushedPosition = flushedPosition
        other.totalOutput = totalOutput
        other.pending = pending
        other.bitBuffer = bitBuffer
        other.bitCount = bitCount
        other.mode = mode
        other.isFinalBlock = isFinalBlock
        other.literalLengthTable = literalLengthTable
        other.distanceTable = distanceTable
        return other
    }

    func finish() throws(InflateError) {
        switch mode {
        case .done: return
        case .failed(let error): throw error
        default: throw .truncated
        }
    }

    func inflate(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        if case .failed(let error) = mode { throw error }
        guard mode != .done else { return }
        pending.append(contentsOf: input)
        guard !pending.isEmpty else { return }
        do {
            let consumed = try pending.withUnsafeBufferPointer { bytes in
                var cursor = BitCursor(
                    base: bytes.baseAddress!, end: bytes.count, position: 0, buffer: bitBuffer, count: bitCount)
                try run(&cursor, output: output)
                cursor.returnWholeBytes()
                bitBuffer = cursor.buffer
                bitCount = cursor.count
                return cursor.position
            }
            pending.removeFirst(consumed)
            try flush(output)
        } catch let error as InflateError {
            mode = .failed(error)
            throw error
        }
    }

    /// Decodes from `cursor` until the input runs out or the final block ends.
    private func run(_ cursor: inout BitCursor, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        while true {
            switch mode {
            case .done, .failed:
                return
            case .blockHeader:
                guard try readBlockHeader(&cursor) else { return }
            case .stored(let remaining):
                if outputPosition >= Self.capacity { try flushAndSlide(output) }
                cursor.returnWholeBytes()
                let count = min(remaining, cursor.end - cursor.position, Self.capacity - outputPosition)
                if count > 0 {
                    (window + outputPosition).update(from: cursor.base + cursor.position, count: count)
                    cursor.position += count
                    outputPosition += count
                }
                if count == remaining {
                    mode = isFinalBlock ? .done : .blockHeader
                } else {
                    mode = .stored(remaining: remaining - count)
                    if cursor.position == cursor.end { return }
                }
            case .codes:
                let step = try literalLengthTable.withUnsafeBufferPointer { literals in
                    try distanceTable.withUnsafeBufferPointer { distances in
                        try decodeSymbols(&cursor, literals: literals.baseAddress!, distances: distances.baseAddress!)
                    }
                }
                switch step {
                case .blockEnd: mode = isFinalBlock ? .done : .blockHeader
                case .needInput: return
                case .outputFull: try flushAndSlide(output)
                }
            }
        }
    }

    /// Reads a block header; `false` when the input ends inside it.
    private func readBlockHeader(_ cursor: inout BitCursor) throws(InflateError) -> Bool {
        let saved = cursor
        cursor.refill()
        let isFinal = cursor.take(1) == 1
        let type = cursor.take(2)
        switch type {
        case 0:
            cursor.drop(cursor.count & 7)
            cursor.refill()
            let length = cursor.take(16)
            let complement = cursor.take(16)
            if cursor.overrun {
                cursor = saved
                return false
            }
            guard length == ~complement & 0xFFFF else { throw .invalid("stored block length check failed") }
            mode = .stored(remaining: length)
        case 1:
            if cursor.overrun {
                cursor = saved
                return false
            }
            literalLengthTable = HuffmanTable.fixedLiteralLength
            distanceTable = HuffmanTable.fixedDistance
            mode = .codes
        case 2:
            do {
                try readDynamicTables(&cursor)
            } catch {
                // Near the end of the input the zero bits read past it may be what failed.
                if saved.availableBits < Self.longestDynamicHeaderBits {
                    cursor = saved
                    return false
                }
                throw error
            }
            if cursor.overrun {
                cursor = saved
                return false
            }
            mode = .codes
        default:
            if cursor.overrun {
                cursor = saved
                return false
            }
            throw .invalid("block type 3 is reserved")
        }
        isFinalBlock = isFinal
        return true
    }

    /// Hands the new bytes to the caller.
    private func flush(_ output: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard outputPosition > flushedPosition else { return }
        let count = outputPosition - flushedPosition
        totalOutput += Int64(count)
        let start = flushedPosition
        flushedPosition = outputPosition
        try output(UnsafeRawBufferPointer(start: window + start, count: count))
    }

    /// Flushes, then keeps only the last 32 KiB of history at the front of the window.
    private func flushAndSlide(_ output: (UnsafeRawBufferPointer) throws -> Void) throws {
        try flush(output)
        guard outputPosition > Self.historySize else { return }
        // memmove: the two ranges may overlap when the window holds less than 64 KiB.
        UnsafeMutableRawPointer(window).copyMemory(
            from: window + (outputPosition - Self.historySize), byteCount: Self.historySize)
        outputPosition = Self.historySize
        flushedPosition = outputPosition
    }
}
