using System.Security.Cryptography;
using System.Text;
using Cordon.Platform.People;

namespace Cordon.Platform.Offline;

/// <summary>
/// A keyed hash of a personal number, for matching a record later without keeping the number: the same ID number
/// gives the same pseudonym on this installation, and nothing without the key (kept beside the Data Protection
/// keys, <c>keys/pseudonym.key</c>, 0600) turns one back into the other — ID numbers are too few to hash unkeyed.
/// </summary>
public sealed class Pseudonyms(DataDirectory data)
{
    private readonly Lazy<byte[]> _key = new(() => LoadOrCreate(data));

    public string Of(string number) =>
        Convert.ToHexString(HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes(IdNumber.Normalize(number))))[..32];

    private static byte[] LoadOrCreate(DataDirectory data)
    {
        var path = Path.Combine(data.Sub("keys"), "pseudonym.key");
        if (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }

        var key = RandomNumberGenerator.GetBytes(32);
        var temporary = path + "." + Guid.NewGuid().ToString("N");
        File.WriteAllText(temporary, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            // Two nodes starting at once: the first key written wins, the other reads it.
            File.Move(temporary, path, overwrite: false);
            return key;
        }
        catch (IOException)
        {
            File.Delete(temporary);
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
    }
}
