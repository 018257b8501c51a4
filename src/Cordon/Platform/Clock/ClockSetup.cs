using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Platform.Clock;

/// <summary>The clock, the alerts and the notifications every feature with deadlines uses (docs/decisions/013).</summary>
public static class ClockSetup
{
    public static IServiceCollection AddClockAndNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ClockOptions>(configuration.GetSection(ClockOptions.Section));
        services.Configure<NotificationOptions>(configuration.GetSection(NotificationOptions.Section));
        services.AddScoped<Notifier>();
        services.AddSingleton<DeadlineWatcher>();
        services.AddHostedService(s => s.GetRequiredService<DeadlineWatcher>());
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(s => s.GetRequiredService<OutboxDispatcher>());
        services.AddSingleton<ISmsSender, LogSmsSender>();
        services.AddHttpClient(OutboxDispatcher.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        return services;
    }

    public sealed record AlertView(Guid Id, string Kind, string Subject, Guid? LockdownId, string Key, string State, DateTime RaisedAt);

    public sealed record NotificationView(Guid Id, string Title, string Body, string? Link, DateTime CreatedAt, bool Read);

    public static IEndpointRouteBuilder MapClockApi(this IEndpointRouteBuilder app)
    {
        app.MapApi("/alerts").RequireAuthorization(RolePermissions.PolicyName(Permission.ViewResidents)).MapGet("", Alerts);
        var mine = app.MapApi("/notifications");
        mine.MapGet("", Mine);
        mine.MapPost("/{id:guid}/read", Read);
        return app;
    }

    /// <summary>Alerts of the caller's sub-district, newest first; <c>open=true</c>: those still standing.</summary>
    public static async Task<Ok<List<AlertView>>> Alerts(CordonDb db, bool? open, CancellationToken cancellationToken)
    {
        var alerts = db.Set<Alert>().AsNoTracking();
        if (open == true)
        {
            alerts = alerts.Where(a => a.ClosedAt == null);
        }

        var rows = await alerts.OrderByDescending(a => a.RaisedAt).Take(500).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(a => new AlertView(a.Id, a.Kind, a.Title, a.SubjectType == "lockdown" ? a.SubjectId : null, a.Key,
            a.State.ToString().ToLowerInvariant(), a.RaisedAt)).ToList());
    }

    public static async Task<Ok<List<NotificationView>>> Mine(CordonDb db, Caller caller, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Set<Notification>().AsNoTracking().Where(n => n.UserId == caller.UserId)
            .OrderByDescending(n => n.CreatedAt).Take(100)
            .Select(n => new NotificationView(n.Id, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt != null)).ToListAsync(cancellationToken));

    public static async Task<Results<NoContent, NotFound>> Read(Guid id, CordonDb db, Caller caller, TimeProvider clock, CancellationToken cancellationToken) =>
        await db.Set<Notification>().Where(n => n.Id == id && n.UserId == caller.UserId && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, clock.GetUtcNow().UtcDateTime), cancellationToken) > 0
            || await db.Set<Notification>().AnyAsync(n => n.Id == id && n.UserId == caller.UserId, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.NotFound();
}
