using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

public static class TestingFeature
{
    public static WebApplicationBuilder AddTesting(this WebApplicationBuilder builder)
    {
        builder.Services.AddNavItem("nav.testing", "/Testing", Permission.Sample, 30);
        builder.Services.Configure<SamplingOptions>(builder.Configuration.GetSection(SamplingOptions.Section));
        builder.Services.AddScoped<SamplingRegistrar>();
        builder.Services.AddSingleton<SampleWriter>();
        builder.Services.AddSingleton<SamplingCache>();
        builder.Services.AddHostedService(s => s.GetRequiredService<SampleWriter>());
        builder.Services.AddScoped<IHomeTile, TestingTile>();
        builder.Services.AddScoped<Platform.Offline.IConflictResolver, SamplingConflicts>();
        builder.Services.AddNavItem("nav.lab", "/Testing/Lab", Permission.ReportResults, 31);
        builder.Services.AddNavItem("nav.knock", "/Testing/Knock", Permission.ViewResidents, 32);
        builder.Services.AddSingleton<IResidentSection>(new TestingHistorySection());
        builder.Services.AddSingleton<Platform.Screening.IScreening, Screening>();
        return builder;
    }

    public static WebApplication MapTesting(this WebApplication app)
    {
        app.MapRoundsApi();
        app.MapSamplingApi();
        app.MapCoverageApi();
        app.MapLabApi();
        return app;
    }

    private sealed class TestingHistorySection : IResidentSection
    {
        public int Order => 10;

        public string Component => "TestingHistory";
    }

    /// <summary>Open rounds and their progress; positive pools in red for the commander.</summary>
    private sealed class TestingTile(CordonDb db, TimeProvider clock) : IHomeTile
    {
        public int Order => 10;

        public Permission? Permission => Platform.Auth.Permission.Sample;

        public async Task<HomeTileView> BuildAsync(CancellationToken cancellationToken)
        {
            var open = await db.TestingRounds.CountAsync(r => r.Status == RoundStatus.Open, cancellationToken);
            var since = clock.GetUtcNow().UtcDateTime.AddDays(-2);
            var samples = await db.SampleRecords.CountAsync(s => s.TakenAt >= since, cancellationToken);
            var positive = await db.Tubes.CountAsync(t => t.Result == TubeResult.Positive && t.ResultAt >= since, cancellationToken);
            return new HomeTileView("nav.testing", "testing.lead", "/Testing",
            [
                new HomeFigure("testing.open-rounds", open.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new HomeFigure("testing.samples-48h", samples.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
                new HomeFigure("testing.positive-tubes-48h", positive.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ]);
        }
    }
}
