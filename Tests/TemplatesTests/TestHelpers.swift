import Templates

/// The no-break space the `money` and `number` filters group digits with.
let nbsp = "\u{00A0}"

/// Compiles and renders in one step, for tests.
func render(_ source: String, _ context: TemplateValue = [:], strict: Bool = false) throws(TemplateError) -> String {
    try Template(source).render(context, strict: strict)
}

/// The error compiling `source` gives, or nil when it compiles.
func compileError(_ source: String) -> TemplateError? {
    do throws(TemplateError) {
        _ = try Template(source)
        return nil
    } catch {
        return error
    }
}

/// The error rendering `source` (which must compile) gives, or nil when it renders.
func renderError(_ source: String, _ context: TemplateValue, strict: Bool = false) throws(TemplateError) -> TemplateError? {
    let template = try Template(source)
    do throws(TemplateError) {
        _ = try template.render(context, strict: strict)
        return nil
    } catch {
        return error
    }
}
