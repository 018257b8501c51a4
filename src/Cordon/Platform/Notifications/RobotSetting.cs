using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Platform.Notifications;

/// <summary>
/// A sub-district's own WeCom group robot, set by its admin in the UI (/Admin/Robot); it replaces
/// <see cref="NotificationOptions.WeComWebhook"/> for that sub-district. Not in the audit values: the URL carries the
/// robot's key. A robot per team arrives with call-ups.
/// </summary>
public sealed class RobotSetting : ITenantOwned
{
    public Guid SubdistrictId { get; set; }

    public string WeComWebhook { get; set; } = "";

    public DateTime UpdatedAt { get; set; }

    public string UpdatedBy { get; set; } = "";

    public const int MaxLength = 400;

    /// <summary>An https URL (http only to this machine, for a local relay or a test robot) without spaces, at most 400 characters.</summary>
    public static bool IsValid(string? url) =>
        url is { Length: > 0 and <= MaxLength } && !url.Any(char.IsWhiteSpace)
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));

    /// <summary>What a page shows of it: the host and the key's last four characters.</summary>
    public static string Masked(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}?key=…{(url.Length > 4 ? url[^4..] : "")}" : "…";
}

internal sealed class RobotSettingMap : IEntityTypeConfiguration<RobotSetting>
{
    public void Configure(EntityTypeBuilder<RobotSetting> b)
    {
        b.ToTable("RobotSettings");
        b.HasKey(r => r.SubdistrictId);
        b.Property(r => r.WeComWebhook).HasMaxLength(RobotSetting.MaxLength);
        b.Property(r => r.UpdatedBy).HasMaxLength(128);
    }
}
