using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;
using Microsoft.Extensions.Localization;

namespace Cordon.Platform.Localization;

/// <summary>Model-binding messages ("the value 'abc' is not valid") in the user's language.</summary>
internal static class LocalizedBinding
{
    public static void Configure(DefaultModelBindingMessageProvider messages)
    {
        var text = new CatalogLocalizer(new Catalog());
        messages.SetValueIsInvalidAccessor(v => text["validation.value-invalid", v]);
        messages.SetAttemptedValueIsInvalidAccessor((v, f) => text["validation.attempted-value-invalid", v, f]);
        messages.SetMissingBindRequiredValueAccessor(f => text["validation.required", f]);
        messages.SetValueMustNotBeNullAccessor(f => text["validation.required", f]);
        messages.SetMissingKeyOrValueAccessor(() => text["validation.required-plain"]);
        messages.SetMissingRequestBodyRequiredValueAccessor(() => text["validation.required-plain"]);
        messages.SetNonPropertyAttemptedValueIsInvalidAccessor(v => text["validation.value-invalid", v]);
        messages.SetNonPropertyUnknownValueIsInvalidAccessor(() => text["validation.unknown-invalid"]);
        messages.SetNonPropertyValueMustBeANumberAccessor(() => text["validation.must-be-number-plain"]);
        messages.SetUnknownValueIsInvalidAccessor(f => text["validation.field-invalid", f]);
        messages.SetValueMustBeANumberAccessor(f => text["validation.must-be-number", f]);
    }
}
