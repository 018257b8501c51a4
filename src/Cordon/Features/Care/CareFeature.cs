using System.Globalization;
using Cordon.Platform.Auth;
using Cordon.Platform.Care;
using Cordon.Platform.Clock;
using Cordon.Platform.Data;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Care;

/// <summary>重点人群关爱: the needs register and care tasks tracked until the resident confirms (issue 14).</summary>
public static class CareFeature
{
    public static WebApplicationBuilder AddCare(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<CareOptions>(builder.Configuration.GetSection(CareOptions.Section));
        builder.Services.AddNavItem("nav.care", "/Care", Permission.ProvideCare, 29);
        builder.Services.AddScoped<CareDesk>();
        builder.Services.AddScoped<ICareTasks>(s => s.GetRequiredService<CareDesk>());
        builder.Services.AddScoped<CareRegister>();
        builder.Services.AddScoped<IDeadlineSubject, CareTaskSubject>();
        builder.Services.AddSingleton<IClockJob, CareRounds>();
        builder.Services.AddScoped<INavBadge, MyTasksBadge>();
        builder.Services.AddScoped<IHomeTile, CareTile>();
        return builder;
    }

    public static WebApplication MapCare(this WebApplication app)
    {
        app.MapCareApi();
        return app;
    }

    /// <summary>Beside 关爱: the caller's tasks still to do (a task that came back unconfirmed counts again).</summary>
    private sealed class MyTasksBadge(CordonDb db, Caller caller) : INavBadge
    {
        public string Path => "/Care";

        public Task<int> CountAsync(CancellationToken cancellationToken)
        {
            var me = caller.UserId;
            return db.Set<CareTask>().CountAsync(t => t.OwnerId == me && (t.State == CareState.Assigned || t.State == CareState.InProgress), cancellationToken);
        }
    }

    /// <summary>Care on the start page: open tasks, those overdue, those done and waiting for the resident's word.</summary>
    private sealed class CareTile(CordonDb db, TimeProvider clock) : IHomeTile
    {
        public int Order => 29;

        public Permission? Permission => Platform.Auth.Permission.ProvideCare;

        public async Task<HomeTileView> BuildAsync(CancellationToken cancellationToken)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var open = db.Set<CareTask>().Where(t => t.State == CareState.Requested || t.State == CareState.Assigned || t.State == CareState.InProgress);
            var count = await open.CountAsync(cancellationToken);
            var overdue = await open.CountAsync(t => t.DueAt < now, cancellationToken);
            var waiting = await db.Set<CareTask>().CountAsync(t => t.State == CareState.Done, cancellationToken);
            return new HomeTileView("nav.care", "care.lead", "/Care",
            [
                new HomeFigure("care.view.open", count.ToString(CultureInfo.InvariantCulture)),
                new HomeFigure("care.view.overdue", overdue.ToString(CultureInfo.InvariantCulture)),
                new HomeFigure("care.view.done", waiting.ToString(CultureInfo.InvariantCulture)),
            ]);
        }
    }
}
