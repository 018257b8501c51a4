namespace Cordon.Platform.Notifications;

/// <summary>The <c>Cordon:Notifications</c> section.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Cordon:Notifications";

    /// <summary>The sub-district's default WeCom group robot (企业微信群机器人) webhook URL; none: no robot messages.</summary>
    public string? WeComWebhook { get; set; }

    /// <summary>WeCom accepts 20 messages a minute per robot; beyond that, messages are folded into one digest.</summary>
    public int WeComPerMinute { get; set; } = 20;

    /// <summary>How often the outbox is looked at.</summary>
    public int DispatchSeconds { get; set; } = 5;

    /// <summary>Retries of a message before it is given up (with backoff from 5 s to 10 min).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The address people open (<c>https://cordon.example.gov.cn</c>), for links in robot messages; none: no links.</summary>
    public string? PublicBaseUrl { get; set; }
}
