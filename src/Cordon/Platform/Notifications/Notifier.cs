using System.Text.RegularExpressions;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cordon.Platform.Notifications;

/// <summary>A message to send: the same <see cref="DedupeKey"/> twice is one message. No personal data in it.</summary>
public sealed record Message(string DedupeKey, string Title, string Body, string? Link = null)
{
    /// <summary>The robot sends it whole or later, never folded into a digest (a call-up's personal links).</summary>
    public bool NoDigest { get; init; }
}

/// <summary>Who receives it: in-app, the users holding a permission (or named users); and the sub-district's robot.</summary>
public sealed record Audience(Permission? Permission = null, IReadOnlyList<string>? UserIds = null, bool Robot = true)
{
    /// <summary>A team's own group robot instead of the sub-district's.</summary>
    public string? RobotUrl { get; init; }
}

/// <summary>
/// Puts messages in the caller's unit of work (docs/decisions/013): in-app notifications and outbox rows are saved
/// with the change that causes them, or not at all. Text is checked on the way in: a run of seven or more digits (a
/// phone, an ID number) is replaced, so a careless caller cannot leak one into a group chat.
/// </summary>
public sealed partial class Notifier(CordonDb db, IOptions<NotificationOptions> options, TimeProvider clock)
{
    public async Task AddAsync(Guid subdistrictId, Message message, Audience audience, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var title = Scrub(message.Title, 200);
        var body = Scrub(message.Body, 1000);
        foreach (var user in await RecipientsAsync(subdistrictId, audience, cancellationToken))
        {
            var known = db.Set<Notification>().Local.Any(n => n.UserId == user && n.DedupeKey == message.DedupeKey)
                || await db.Set<Notification>().IgnoreQueryFilters().AnyAsync(n => n.SubdistrictId == subdistrictId && n.UserId == user && n.DedupeKey == message.DedupeKey, cancellationToken);
            if (!known)
            {
                db.Set<Notification>().Add(new Notification
                {
                    SubdistrictId = subdistrictId,
                    UserId = user,
                    DedupeKey = message.DedupeKey,
                    Title = title,
                    Body = body,
                    Link = message.Link,
                    CreatedAt = now,
                });
            }
        }

        var own = audience.RobotUrl is { Length: > 0 } team ? team : audience.Robot
            ? await db.Set<RobotSetting>().IgnoreQueryFilters().Where(r => r.SubdistrictId == subdistrictId).Select(r => r.WeComWebhook).FirstOrDefaultAsync(cancellationToken)
            : null;
        if (audience.Robot && (own is { Length: > 0 } ? own : options.Value.WeComWebhook) is { Length: > 0 } robot)
        {
            var known = db.Set<OutboxMessage>().Local.Any(m => m.Target == robot && m.DedupeKey == message.DedupeKey)
                || await db.Set<OutboxMessage>().IgnoreQueryFilters().AnyAsync(m => m.Channel == OutboxDispatcher.WeCom && m.Target == robot && m.DedupeKey == message.DedupeKey, cancellationToken);
            if (!known)
            {
                db.Set<OutboxMessage>().Add(new OutboxMessage
                {
                    SubdistrictId = subdistrictId,
                    Channel = OutboxDispatcher.WeCom,
                    Target = robot,
                    DedupeKey = message.DedupeKey,
                    Title = title,
                    Body = Scrub(message.Body, 2000),
                    Link = message.Link,
                    NoDigest = message.NoDigest,
                    CreatedAt = now,
                    NextAttemptAt = now,
                });
            }
        }
    }

    /// <summary>A text message to one phone, sent from <paramref name="notBefore"/> unless withdrawn first (<see cref="WithdrawAsync"/>).</summary>
    public async Task AddSmsAsync(Guid subdistrictId, string phone, string dedupeKey, string text, DateTime notBefore, CancellationToken cancellationToken)
    {
        var known = db.Set<OutboxMessage>().Local.Any(m => m.Channel == OutboxDispatcher.Sms && m.Target == phone && m.DedupeKey == dedupeKey)
            || await db.Set<OutboxMessage>().IgnoreQueryFilters().AnyAsync(m => m.Channel == OutboxDispatcher.Sms && m.Target == phone && m.DedupeKey == dedupeKey, cancellationToken);
        if (!known)
        {
            db.Set<OutboxMessage>().Add(new OutboxMessage
            {
                SubdistrictId = subdistrictId,
                Channel = OutboxDispatcher.Sms,
                Target = phone,
                DedupeKey = dedupeKey,
                Title = "",
                Body = text.Length <= 300 ? text : text[..300],
                CreatedAt = clock.GetUtcNow().UtcDateTime,
                NextAttemptAt = notBefore,
            });
        }
    }

    /// <summary>
    /// Withdraws what was not sent yet of messages whose key starts with <paramref name="dedupePrefix"/> (an answer
    /// on one channel silences the others): outbox rows still pending are cancelled, unread in-app ones are read.
    /// </summary>
    public async Task WithdrawAsync(Guid subdistrictId, string dedupePrefix, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var m in await db.Set<OutboxMessage>().IgnoreQueryFilters()
            .Where(m => m.SubdistrictId == subdistrictId && m.State == OutboxState.Pending && m.DedupeKey.StartsWith(dedupePrefix)).ToListAsync(cancellationToken))
        {
            m.State = OutboxState.Cancelled;
        }

        foreach (var n in await db.Set<Notification>().IgnoreQueryFilters()
            .Where(n => n.SubdistrictId == subdistrictId && n.ReadAt == null && n.DedupeKey.StartsWith(dedupePrefix)).ToListAsync(cancellationToken))
        {
            n.ReadAt = now;
        }
    }

    /// <summary>No phone or ID number leaves Cordon in a message: any run of seven digits or more is replaced.</summary>
    public static string Scrub(string text, int max)
    {
        var scrubbed = LongNumber().Replace(text, "•••");
        return scrubbed.Length <= max ? scrubbed : scrubbed[..(max - 1)] + "…";
    }

    private async Task<List<string>> RecipientsAsync(Guid subdistrictId, Audience audience, CancellationToken cancellationToken)
    {
        var users = new HashSet<string>(audience.UserIds ?? [], StringComparer.Ordinal);
        if (audience.Permission is { } permission)
        {
            var holders = await db.Users.IgnoreQueryFilters().Where(u => u.SubdistrictId == subdistrictId && u.IsActive)
                .Join(db.UserRoles, u => u.Id, ur => ur.UserId, (u, ur) => new { u.Id, ur.RoleId })
                .Join(db.Roles, x => x.RoleId, r => r.Id, (x, r) => new { x.Id, r.Name })
                .ToListAsync(cancellationToken);
            users.UnionWith(holders.GroupBy(h => h.Id).Where(g => RolePermissions.For(g.Select(h => h.Name!)).Contains(permission)).Select(g => g.Key));
        }

        return [.. users];
    }

    [GeneratedRegex(@"[0-9Xx]?\d{6,}[0-9Xx]?")]
    private static partial Regex LongNumber();
}
