using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Staffing;

/// <summary>A roster row as typed (a form, an API body, a spreadsheet row), before the rules.</summary>
public sealed record StaffInput(
    string? Name, string? Mobile, string? Organisation, string? Roles, string? Neighborhood, string? TravelMinutes, string? NightCallable);

/// <summary>A roster row that passed every rule.</summary>
public sealed record StaffValues(
    string Name, string Mobile, string Organisation, StaffRoles Roles, Guid? NeighborhoodId, int TravelMinutes, bool NightCallable);

/// <summary>One refused field: which, the code, the value as given and the message's argument.</summary>
public sealed record StaffFieldError(string Field, Error Error, string? Value, object? Argument = null);

/// <summary>
/// Field rules of a roster row, shared by the page, the API and the import, so a value refused in one is refused in
/// all with the same code. Each returns <c>(value, Error?)</c>.
/// </summary>
public static partial class StaffRules
{
    public const int NameLength = 32;
    public const int OrganisationLength = 32;
    public const int MaxTravelMinutes = 600;

    public static class Fields
    {
        public const string Name = "name";
        public const string Mobile = "mobile";
        public const string Organisation = "organisation";
        public const string Roles = "roles";
        public const string Neighborhood = "neighborhood";
        public const string TravelMinutes = "travelMinutes";
        public const string NightCallable = "nightCallable";
        public const string UserName = "userName";
    }

    /// <summary>Every single role, in the order lists show them.</summary>
    public static readonly IReadOnlyList<StaffRoles> All =
        [StaffRoles.Leader, StaffRoles.Sweeper, StaffRoles.Sampler, StaffRoles.Driver, StaffRoles.Registrar, StaffRoles.Gatekeeper, StaffRoles.Other];

    /// <summary>The organisations (单位) the issue names, offered as suggestions; any other text is allowed.</summary>
    public static readonly IReadOnlyList<string> Organisations = ["街道机关", "居委", "物业", "医护", "民警", "志愿者"];

    private static readonly char[] RoleSeparators = ['、', '，', ',', ';', '；', '/', '|', ' '];

    public static (string Value, Error? Error) Name(string? raw)
    {
        var value = Text.Fold(raw);
        if (value.Length == 0)
        {
            return (value, StaffingErrors.NameRequired);
        }

        if (value.Length > NameLength)
        {
            return (value, StaffingErrors.NameTooLong);
        }

        // Letters of any script, combining marks, the middle dot of minority and foreign names, space, hyphen,
        // apostrophe, period: a name is never markup, never a look-alike with hidden characters.
        var ok = value.EnumerateRunes().All(r =>
            Rune.IsLetter(r) || Rune.GetUnicodeCategory(r) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            || r.Value is '·' or '•' or '・' or ' ' or '-' or '\'' or '.' or '’');
        return ok ? (value, null) : (value, StaffingErrors.NameInvalid);
    }

    /// <summary>11 digits, +86/0086 and separators stripped; a number Excel wrote in scientific notation is refused by name.</summary>
    public static (string Value, Error? Error) Mobile(string? raw)
    {
        var text = (raw ?? "").Trim();
        if (text.Length == 0)
        {
            return ("", StaffingErrors.MobileRequired);
        }

        if (Scientific().IsMatch(text))
        {
            return (text, StaffingErrors.MobileMangled);
        }

        var value = Phone.Normalize(text.EndsWith(".0", StringComparison.Ordinal) ? text[..^2] : text);
        return Phone.Check(value) is null ? (value, null) : (value, StaffingErrors.MobileInvalid);
    }

    public static (string Value, Error? Error) Organisation(string? raw)
    {
        var value = Text.Clean(raw);
        if (value.Length == 0)
        {
            return (value, StaffingErrors.OrganisationRequired);
        }

        var ok = value.Length <= OrganisationLength
            && !value.Any(c => char.IsControl(c) || Text.IsInvisible(c) || c is '<' or '>' or '"' or '`');
        return ok ? (value, null) : (value, StaffingErrors.OrganisationInvalid);
    }

    /// <summary>Roles from Chinese labels (带队、扫楼…) or API codes (leader, sweeper…), separated by 、，, ; or spaces.</summary>
    public static (StaffRoles Value, Error? Error, string? Unknown) Roles(string? raw)
    {
        var roles = StaffRoles.None;
        foreach (var part in Text.Fold(raw).Split(RoleSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var role = ParseRole(part);
            if (role == StaffRoles.None)
            {
                return (roles, StaffingErrors.RoleUnknown, part);
            }

            roles |= role;
        }

        return roles == StaffRoles.None ? (roles, StaffingErrors.RolesRequired, null) : (roles, null, null);
    }

    /// <summary>One role from its Chinese label or API code; <see cref="StaffRoles.None"/> when it is neither.</summary>
    public static StaffRoles ParseRole(string? token) => (token ?? "").Trim().ToLowerInvariant() switch
    {
        "带队" or "领队" or "队长" or "leader" => StaffRoles.Leader,
        "扫楼" or "排摸" or "sweeper" => StaffRoles.Sweeper,
        "采样" or "采样员" or "sampler" => StaffRoles.Sampler,
        "司机" or "驾驶员" or "driver" => StaffRoles.Driver,
        "登记" or "登记员" or "录入" or "registrar" => StaffRoles.Registrar,
        "守门" or "门岗" or "gatekeeper" => StaffRoles.Gatekeeper,
        "其他" or "其它" or "other" => StaffRoles.Other,
        _ => StaffRoles.None,
    };

    /// <summary>The lower-case API code of one role: <c>leader</c>, <c>sweeper</c>…</summary>
    public static string Code(StaffRoles single) => single.ToString().ToLowerInvariant();

    /// <summary>The catalog key of a role's label (带队 / Team leader).</summary>
    public static string LabelKey(StaffRoles single) => "staff.role." + Code(single);

    /// <summary>The Chinese label the spreadsheet uses for one role.</summary>
    public static string Label(StaffRoles single) => single switch
    {
        StaffRoles.Leader => "带队",
        StaffRoles.Sweeper => "扫楼",
        StaffRoles.Sampler => "采样",
        StaffRoles.Driver => "司机",
        StaffRoles.Registrar => "登记",
        StaffRoles.Gatekeeper => "守门",
        _ => "其他",
    };

    /// <summary>The single roles set in <paramref name="flags"/>, in list order.</summary>
    public static IEnumerable<StaffRoles> Each(StaffRoles flags) => All.Where(r => (flags & r) == r);

    public static IReadOnlyList<string> Codes(StaffRoles flags) => [.. Each(flags).Select(Code)];

    /// <summary>By name among the sub-district's neighborhoods (name → id); blank is no neighborhood.</summary>
    public static (Guid? Value, Error? Error) Neighborhood(string? raw, IReadOnlyDictionary<string, Guid> byName)
    {
        var value = Text.Fold(raw);
        if (value.Length == 0)
        {
            return (null, null);
        }

        return byName.TryGetValue(value, out var id) ? (id, null) : (null, StaffingErrors.NeighborhoodUnknown);
    }

    /// <summary>Whole minutes 0–600; "15", "15分钟", "15 min" and Excel's "15.0" are 15.</summary>
    public static (int Value, Error? Error) TravelMinutes(string? raw)
    {
        var value = Text.Fold(raw).ToLowerInvariant();
        foreach (var unit in new[] { "分钟", "分", "min", "minutes" })
        {
            if (value.EndsWith(unit, StringComparison.Ordinal))
            {
                value = value[..^unit.Length].Trim();
                break;
            }
        }

        if (value.EndsWith(".0", StringComparison.Ordinal))
        {
            value = value[..^2];
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) ? TravelMinutes(minutes) : (0, StaffingErrors.TravelInvalid);
    }

    public static (int Value, Error? Error) TravelMinutes(int? minutes) =>
        minutes is >= 0 and <= MaxTravelMinutes ? (minutes.Value, null) : (0, StaffingErrors.TravelInvalid);

    public static (bool Value, Error? Error) NightCallable(string? raw) => Text.Fold(raw).ToLowerInvariant() switch
    {
        "是" or "可" or "可以" or "y" or "yes" or "true" or "1" or "√" => (true, null),
        "否" or "不可" or "不" or "n" or "no" or "false" or "0" or "×" => (false, null),
        _ => (false, StaffingErrors.NightInvalid),
    };

    /// <summary>All rules at once: the values, or every refused field (none missing, so a form shows them together).</summary>
    public static (StaffValues? Values, List<StaffFieldError> Errors) Check(StaffInput input, IReadOnlyDictionary<string, Guid> neighborhoods)
    {
        var errors = new List<StaffFieldError>();
        void Add(string field, Error? error, string? value, object? argument = null)
        {
            if (error is not null)
            {
                errors.Add(new StaffFieldError(field, error, value, argument ?? value));
            }
        }

        var (name, nameError) = Name(input.Name);
        Add(Fields.Name, nameError, input.Name, NameLength);
        var (mobile, mobileError) = Mobile(input.Mobile);
        Add(Fields.Mobile, mobileError, input.Mobile);
        var (organisation, organisationError) = Organisation(input.Organisation);
        Add(Fields.Organisation, organisationError, input.Organisation, OrganisationLength);
        var (roles, rolesError, unknown) = Roles(input.Roles);
        Add(Fields.Roles, rolesError, input.Roles, unknown);
        var (neighborhood, neighborhoodError) = Neighborhood(input.Neighborhood, neighborhoods);
        Add(Fields.Neighborhood, neighborhoodError, input.Neighborhood);
        var (travel, travelError) = TravelMinutes(input.TravelMinutes);
        Add(Fields.TravelMinutes, travelError, input.TravelMinutes, MaxTravelMinutes);
        var (night, nightError) = NightCallable(input.NightCallable);
        Add(Fields.NightCallable, nightError, input.NightCallable);
        return errors.Count > 0 ? (null, errors) : (new StaffValues(name, mobile, organisation, roles, neighborhood, travel, night), errors);
    }

    /// <summary>The stored row takes the values; true when anything changed.</summary>
    public static bool Apply(this StaffMember staff, StaffValues v)
    {
        var changed = staff.Name != v.Name || staff.Mobile != v.Mobile || staff.Organisation != v.Organisation || staff.Roles != v.Roles
            || staff.NeighborhoodId != v.NeighborhoodId || staff.TravelMinutes != v.TravelMinutes || staff.NightCallable != v.NightCallable;
        staff.Name = v.Name;
        staff.Mobile = v.Mobile;
        staff.Organisation = v.Organisation;
        staff.Roles = v.Roles;
        staff.NeighborhoodId = v.NeighborhoodId;
        staff.TravelMinutes = v.TravelMinutes;
        staff.NightCallable = v.NightCallable;
        return changed;
    }

    /// <summary>The sub-district's neighborhoods by name (the caller's query filter applies).</summary>
    public static async Task<Dictionary<string, Guid>> NeighborhoodsByNameAsync(this CordonDb db, CancellationToken cancellationToken) =>
        (await db.Neighborhoods.Select(n => new { n.Name, n.Id }).ToListAsync(cancellationToken))
        .GroupBy(n => Text.Fold(n.Name), StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);

    [GeneratedRegex(@"^[0-9](\.[0-9]+)?[eE][+]?[0-9]+$")]
    private static partial Regex Scientific();
}
