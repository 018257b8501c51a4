using Cordon.Platform.Auth;

namespace Cordon.Platform.People;

/// <summary>
/// What a caller may see and search of a person, in one place (docs/decisions/009). The rule: what a role
/// without <see cref="Permission.RevealPersonalData"/> can see and query, combined over every page and API,
/// never narrows an ID number or a phone number below a million candidates.
/// </summary>
public static class Disclosure
{
    /// <summary>Birth dates only to roles that may reveal (and whose reveals are audited); others see the age.</summary>
    public static bool SeesBirthDate(this Caller caller) => caller.Can(Permission.RevealPersonalData);

    /// <summary>Searching by ID number or phone digits answers "does this number live here": an oracle for masked roles.</summary>
    public static bool MaySearchByNumber(this Caller caller) => caller.Can(Permission.RevealPersonalData);

    public static string? Phone(this Caller caller, string? phone) => caller.Can(Permission.SeePhones) ? phone : Mask.Phone(phone);

    public static string? Document(string? number) => Mask.IdNumber(number);

    /// <summary>A resident row as this caller may see it: numbers masked, birth date replaced by the age where required.</summary>
    public static ResidentRow Masked(this ResidentRow row, Caller caller, DateOnly today) => row with
    {
        DocumentNumber = Document(row.DocumentNumber),
        Phone = caller.Phone(row.Phone),
        BirthDate = caller.SeesBirthDate() ? row.BirthDate : null,
        Age = row.BirthDate is { } birth ? Ages.Of(birth, today) : null,
    };
}
