using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Ledger;

public static class LedgerFeature
{
    public static WebApplicationBuilder AddLedger(this WebApplicationBuilder builder)
    {
        builder.Services.AddNavItem("nav.ledger", "/Ledger", Permission.ViewResidents, 20);
        builder.Services.AddScoped<IHomeTile, LedgerTile>();
        builder.Services.AddScoped<Import.LedgerImporter>();
        builder.Services.Configure<Import.ImportOptions>(builder.Configuration.GetSection(Import.ImportOptions.Section));
        builder.Services.AddSingleton<Import.ImportQueue>();
        builder.Services.AddScoped<Import.ImportJobs>();
        builder.Services.AddScoped<Platform.Files.IUploadHolder, Import.ImportUploads>();
        builder.Services.AddHostedService<Import.ImportJobRunner>();
        return builder;
    }

    public static WebApplication MapLedger(this WebApplication app)
    {
        app.MapLedgerApi();
        app.MapProposalsApi();
        return app;
    }

    private sealed class LedgerTile(CordonDb db) : IHomeTile
    {
        public int Order => 20;

        public Permission? Permission => Platform.Auth.Permission.ViewResidents;

        public async Task<HomeTileView> BuildAsync(CancellationToken cancellationToken)
        {
            var residents = db.Residents.Where(r => r.Status != ResidenceStatus.MovedOut);
            var people = await residents.CountAsync(cancellationToken);
            var households = await db.Households.CountAsync(cancellationToken);
            var needs = await residents.CountAsync(r => r.Tags != NeedTag.None && r.Tags != NeedTag.Infant && r.Tags != NeedTag.Foreign, cancellationToken);
            return new HomeTileView("nav.ledger", "ledger.lead", "/Ledger",
            [
                new HomeFigure("ledger.households", households.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
                new HomeFigure("ledger.residents", people.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
                new HomeFigure("ledger.special-needs", needs.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
            ]);
        }
    }
}
