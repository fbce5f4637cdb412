/// Why a QR code could not be made.
public enum QRCodeError: Error, Sendable, Equatable {
    /// The data does not fit in a version 40 symbol (or in the version asked for) at this level;
    /// `capacity` is the largest number of bytes that would have fitted.
    case dataTooLong(count: Int, capacity: Int)
    /// A version outside 1...40 was asked for.
    case invalidVersion(Int)
    /// A mask outside 0...7 was asked for.
    case invalidMask(Int)
}
