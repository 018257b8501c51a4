using System.Security.Cryptography;

namespace Cordon.Platform.People;

/// <summary>
/// A resident's personal sampling code: <c>R</c> and ten Crockford base-32 characters (50 random bits).
/// Random, never derived from the ID number, so a slip reveals nothing if it is lost.
/// </summary>
public static class SamplingCodes
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New() => "R" + new string(RandomNumberGenerator.GetItems<char>(Alphabet, 10));

    public static bool LooksLike(string value) =>
        value.Length == 11 && value[0] == 'R' && value.Skip(1).All(c => Alphabet.Contains(c, StringComparison.Ordinal));
}
