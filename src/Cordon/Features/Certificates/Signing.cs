using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Features.Certificates;

/// <summary>
/// A sub-district's certificate signing key (ES256, P-256): the public point in the clear for the JWKS, the private
/// key only as Data Protection ciphertext. A retired key signs nothing new and still verifies what it signed.
/// </summary>
public sealed class SigningKey : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    /// <summary>The key id in the JWS header and the JWKS: 16 characters, base64url of a hash of the public point.</summary>
    public string Kid { get; set; } = "";

    public string X { get; set; } = "";

    public string Y { get; set; } = "";

    /// <summary>The PKCS#8 private key, protected with the app's Data Protection keys.</summary>
    public string Protected { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime? RetiredAt { get; set; }
}

internal sealed class SigningKeyMap : IEntityTypeConfiguration<SigningKey>
{
    public void Configure(EntityTypeBuilder<SigningKey> b)
    {
        b.ToTable("CertificateKeys");
        b.Property(k => k.Kid).HasMaxLength(32);
        b.Property(k => k.X).HasMaxLength(64);
        b.Property(k => k.Y).HasMaxLength(64);
        b.Property(k => k.Protected).HasMaxLength(2000);
        b.HasIndex(k => k.Kid).IsUnique();
        b.HasIndex(k => new { k.SubdistrictId, k.RetiredAt });
    }
}

public sealed record Jwk(string Kty, string Crv, string X, string Y, string Kid);

public sealed record Jwks(IReadOnlyList<Jwk> Keys);

/// <summary>
/// Compact JWS (RFC 7515) with ES256 (RFC 7518 §3.4: the signature is R‖S, 64 bytes): what the QR carries and the
/// verifier page checks with WebCrypto. Keys are made on first use per sub-district and rotated by hand.
/// </summary>
public sealed class CertificateSigner(CordonDb db, IDataProtectionProvider protection, TimeProvider clock) : IDisposable
{
    private const string Purpose = "Cordon.Certificates.SigningKey.v1";

    private SigningKey? _current;
    private ECDsa? _ecdsa;

    public void Dispose() => _ecdsa?.Dispose();

    /// <summary>The signed token: base64url(header).base64url(payload).base64url(signature).</summary>
    public async Task<(string Jws, string Kid)> SignAsync(Guid subdistrictId, object payload, CancellationToken cancellationToken)
    {
        if (_current?.SubdistrictId != subdistrictId)
        {
            var key = await CurrentAsync(subdistrictId, cancellationToken);
            _ecdsa?.Dispose();
            _ecdsa = ECDsa.Create();
            _ecdsa.ImportPkcs8PrivateKey(protection.CreateProtector(Purpose).Unprotect(Convert.FromBase64String(key.Protected)), out _);
            _current = key;
        }

        var (ecdsa, kid) = (_ecdsa!, _current.Kid);
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "ES256", kid }));
        var body = Base64Url(JsonSerializer.SerializeToUtf8Bytes(payload, PayloadJson));
        var signature = ecdsa.SignData(Encoding.ASCII.GetBytes(header + "." + body), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return ($"{header}.{body}.{Base64Url(signature)}", kid);
    }

    /// <summary>Every public key, retired ones included (what was signed stays verifiable).</summary>
    public async Task<Jwks> KeysAsync(CancellationToken cancellationToken) =>
        new([.. (await db.Set<SigningKey>().IgnoreQueryFilters().AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken))
            .Select(k => new Jwk("EC", "P-256", k.X, k.Y, k.Kid))]);

    /// <summary>A new key for the sub-district; the old one stops signing but keeps verifying.</summary>
    public async Task<SigningKey> RotateAsync(Guid subdistrictId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var old in await db.Set<SigningKey>().IgnoreQueryFilters().Where(k => k.SubdistrictId == subdistrictId && k.RetiredAt == null).ToListAsync(cancellationToken))
        {
            old.RetiredAt = now;
        }

        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var point = ecdsa.ExportParameters(false).Q;
        var key = new SigningKey
        {
            SubdistrictId = subdistrictId,
            Kid = Base64Url(SHA256.HashData([.. point.X!, .. point.Y!]))[..16],
            X = Base64Url(point.X!),
            Y = Base64Url(point.Y!),
            Protected = Convert.ToBase64String(protection.CreateProtector(Purpose).Protect(ecdsa.ExportPkcs8PrivateKey())),
            CreatedAt = now,
        };
        db.Set<SigningKey>().Add(key);
        await db.SaveChangesAsync(cancellationToken);
        _current = null;
        return key;
    }

    /// <summary>Checks a token against the published keys: its payload when the signature holds, null otherwise.</summary>
    public static JsonElement? Verify(string jws, Jwks keys)
    {
        var parts = jws.Split('.');

        // Only canonical base64url: a last character that differs in its unused bits alone decodes to the same bytes,
        // and a changed character must never still verify.
        if (parts.Length != 3 || parts.Any(p => !IsCanonical(p)))
        {
            return null;
        }

        try
        {
            var header = JsonDocument.Parse(FromBase64Url(parts[0])).RootElement;
            if (header.GetProperty("alg").GetString() != "ES256" || keys.Keys.FirstOrDefault(k => k.Kid == header.GetProperty("kid").GetString()) is not { } jwk)
            {
                return null;
            }

            using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = FromBase64Url(jwk.X), Y = FromBase64Url(jwk.Y) } });
            return ecdsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
                ? JsonDocument.Parse(FromBase64Url(parts[1])).RootElement.Clone()
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException or CryptographicException)
        {
            return null;
        }
    }

    private static bool IsCanonical(string part)
    {
        try
        {
            return part.Length > 0 && Base64Url(FromBase64Url(part)) == part;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    private static readonly JsonSerializerOptions PayloadJson = new()
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private async Task<SigningKey> CurrentAsync(Guid subdistrictId, CancellationToken cancellationToken) =>
        await db.Set<SigningKey>().IgnoreQueryFilters().Where(k => k.SubdistrictId == subdistrictId && k.RetiredAt == null).OrderByDescending(k => k.CreatedAt).FirstOrDefaultAsync(cancellationToken)
        ?? await RotateAsync(subdistrictId, cancellationToken);
}
