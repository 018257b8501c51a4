using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cordon.Platform.Auth;
using Cordon.Platform.Clock;
using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cordon.Platform.Notifications;

/// <summary>Sends text messages; the real provider is configured, not coded (the default only logs, masked).</summary>
public interface ISmsSender
{
    Task SendAsync(string phone, string text, CancellationToken cancellationToken);
}

internal sealed class LogSmsSender(ILogger<LogSmsSender> logger) : ISmsSender
{
    public Task SendAsync(string phone, string text, CancellationToken cancellationToken)
    {
        logger.LogInformation("SMS to {Phone} (no provider configured): {Length} characters", Mask.Phone(phone), text.Length);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Sends the outbox (docs/decisions/013): on one node at a time (a lease), every few seconds. A WeCom group robot
/// takes <see cref="NotificationOptions.WeComPerMinute"/> messages a minute; when more are waiting, the oldest are
/// sent and the rest folded into one digest. A failed send (HTTP error, or WeCom's <c>errcode</c> not 0) is retried
/// with backoff from 5 seconds to 10 minutes, then given up and logged.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes, IHttpClientFactory http, IOptions<NotificationOptions> options, IOptions<ClockOptions> clockOptions, TimeProvider clock, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    public const string WeCom = "wecom";
    public const string Sms = "sms";
    public const string HttpClientName = "wecom";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!clockOptions.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.DispatchSeconds)), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await DispatchAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Sending the outbox failed; it is tried again shortly");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass: what is due is sent, within each robot's rate; returns the number of messages posted.</summary>
    public async Task<int> DispatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("notifications");
        var db = scope.ServiceProvider.GetRequiredService<CordonDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        if (!await Leases.TryTakeAsync(db, "outbox", now, TimeSpan.FromSeconds(30), cancellationToken, clockOptions.Value.NodeName))
        {
            return 0;
        }

        var due = await db.Set<OutboxMessage>().Where(m => m.State == OutboxState.Pending && m.NextAttemptAt <= now)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Take(500).ToListAsync(cancellationToken);
        var posted = 0;
        foreach (var target in due.GroupBy(m => (m.Channel, m.Target)))
        {
            posted += target.Key.Channel == WeCom
                ? await SendWeComAsync(db, target.Key.Target, [.. target], now, cancellationToken)
                : await SendSmsAsync(scope.ServiceProvider.GetRequiredService<ISmsSender>(), [.. target], now, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        return posted;
    }

    private async Task<int> SendWeComAsync(CordonDb db, string robot, List<OutboxMessage> waiting, DateTime now, CancellationToken cancellationToken)
    {
        var since = now.AddMinutes(-1);
        var sentLastMinute = await db.Set<OutboxMessage>().CountAsync(m => m.Channel == WeCom && m.Target == robot && m.State == OutboxState.Sent && m.SentAt > since, cancellationToken);
        var room = options.Value.WeComPerMinute - sentLastMinute;
        if (room <= 0)
        {
            return 0;
        }

        // Messages with personal links go first and whole; what does not fit waits for the next minute.
        var whole = waiting.Where(m => m.NoDigest).Take(room).ToList();
        room -= whole.Count;
        waiting = [.. waiting.Where(m => !m.NoDigest)];

        // Within the robot's rate: each on its own. Over it: the oldest on their own and one digest of the rest.
        var single = waiting.Count <= room ? waiting : waiting.Take(Math.Max(0, room - 1)).ToList();
        var folded = room > 0 ? waiting.Skip(single.Count).ToList() : [];
        single = [.. whole, .. single];
        var posted = 0;
        foreach (var message in single)
        {
            posted += await PostAsync(robot, Markdown(message), cancellationToken) is { } error ? Retry(message, error, now) : Sent(message, now);
        }

        if (folded.Count > 0)
        {
            var digest = new StringBuilder($"**Cordon · {folded.Count} 条提醒 / alerts**\n");
            foreach (var message in folded)
            {
                digest.Append("> ").Append(message.Title).Append('\n');
            }

            if (await PostAsync(robot, digest.ToString(), cancellationToken) is { } error)
            {
                folded.ForEach(m => Retry(m, error, now));
            }
            else
            {
                folded.ForEach(m =>
                {
                    m.State = OutboxState.Coalesced;
                    m.SentAt = now;
                });
                folded[0].State = OutboxState.Sent;
                posted++;
            }
        }

        return posted;
    }

    private async Task<int> SendSmsAsync(ISmsSender sms, List<OutboxMessage> waiting, DateTime now, CancellationToken cancellationToken)
    {
        foreach (var message in waiting)
        {
            try
            {
                await sms.SendAsync(message.Target, (message.Title + " " + message.Body).Trim(), cancellationToken);
                Sent(message, now);
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or IOException)
            {
                Retry(message, e.Message, now);
            }
        }

        return waiting.Count;
    }

    /// <summary>Null when WeCom took it; else why not.</summary>
    private async Task<string?> PostAsync(string robot, string markdown, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.CreateClient(HttpClientName).PostAsJsonAsync(robot, new { msgtype = "markdown", markdown = new { content = markdown } }, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return $"HTTP {(int)response.StatusCode}";
            }

            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return answer.RootElement.TryGetProperty("errcode", out var code) && code.TryGetInt32(out var value) && value == 0
                ? null
                : $"errcode {answer.RootElement.GetRawText()[..Math.Min(120, answer.RootElement.GetRawText().Length)]}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return e.GetType().Name + ": " + e.Message[..Math.Min(200, e.Message.Length)];
        }
    }

    private string Markdown(OutboxMessage message)
    {
        var text = new StringBuilder().Append("**").Append(message.Title).Append("**\n").Append(message.Body);
        if (message.Link is { } link && options.Value.PublicBaseUrl is { Length: > 0 } site)
        {
            text.Append("\n[打开 Cordon / Open](").Append(site.TrimEnd('/')).Append(link).Append(')');
        }

        return text.ToString();
    }

    private static int Sent(OutboxMessage message, DateTime now)
    {
        message.State = OutboxState.Sent;
        message.SentAt = now;
        message.Attempts++;
        return 1;
    }

    private int Retry(OutboxMessage message, string error, DateTime now)
    {
        message.Attempts++;
        message.LastError = error.Length > 300 ? error[..300] : error;
        if (message.Attempts >= options.Value.MaxAttempts)
        {
            message.State = OutboxState.Failed;
            logger.LogWarning("A {Channel} message was given up after {Attempts} attempts: {Error}", message.Channel, message.Attempts, message.LastError);
            return 0;
        }

        message.NextAttemptAt = now + TimeSpan.FromSeconds(Math.Min(600, 5 * Math.Pow(2, message.Attempts - 1)));
        return 0;
    }
}
