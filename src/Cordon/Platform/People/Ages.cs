namespace Cordon.Platform.People;

/// <summary>Age in whole years: what masked roles see instead of a birth date.</summary>
public static class Ages
{
    public static int Of(DateOnly birth, DateOnly today) =>
        today.Year - birth.Year - (today < birth.AddYears(today.Year - birth.Year) ? 1 : 0);
}
