using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Cordon.Design;

/// <summary>
/// For <c>dotnet ef migrations add</c>: <c>-- --provider Postgres</c> picks the provider; the
/// connection string only needs to parse. See docs/decisions/004.
/// </summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<CordonDb>
{
    public CordonDb CreateDbContext(string[] args)
    {
        var provider = args.SkipWhile(a => a != "--provider").Skip(1).FirstOrDefault() ?? DatabaseSetup.Sqlite;
        var options = new DbContextOptionsBuilder<CordonDb>();
        DatabaseSetup.Configure(options, provider, provider == DatabaseSetup.Sqlite
            ? "Data Source=design.db"
            : "Host=localhost;Database=cordon_design;Username=postgres");
        var caller = new Caller(new HttpContextAccessor());
        caller.ActAsSystem();
        return new CordonDb(options.Options, caller, TimeProvider.System, new Cordon.Platform.People.PeopleChanges());
    }
}
