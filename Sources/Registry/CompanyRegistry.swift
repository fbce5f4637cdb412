/// A source of company data by INN: the imported offline registry or the online service.
///
/// `lookup` blocks the calling thread (call it from a dedicated OS thread, never from the Swift
/// concurrency pool) and returns `nil` when the registry does not know the INN.
public protocol CompanyRegistry: Sendable {
    func lookup(inn: String) throws(RegistryError) -> RegistryEntry?
}
