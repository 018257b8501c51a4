using System.Net.Http.Headers;
using System.Net.Http.Json;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cordon.Bench;

/// <summary>The real app on a fresh database (SQLite in a temp folder, or a new PostgreSQL database), with one commander.</summary>
public sealed class BenchApp : WebApplicationFactory<Program>
{
    public const string Password = "Bench#2022";

    private BenchApp(string provider, string directory, string? connectionString, string? database)
    {
        Provider = provider;
        Directory = directory;
        ConnectionString = connectionString;
        DatabaseName = database;
    }

    public string Provider { get; }

    public string Directory { get; }

    public string? ConnectionString { get; }

    public string? DatabaseName { get; }

    public Guid SubdistrictId { get; private set; }

    /// <summary>Seeded with the demo sub-district (the seed's compound 政立路580弄) instead of a bench commander.</summary>
    public bool Demo { get; private init; }

    /// <summary>Leave the database in place on dispose (a later process serves it).</summary>
    public bool KeepData { get; set; }

    public static async Task<BenchApp> StartAsync(string provider, string? postgresAdmin, bool useKestrel = false, bool seed = true, bool demo = false)
    {
        var directory = Path.Combine(Path.GetTempPath(), "cordon-bench", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        string? connectionString = null;
        string? database = null;
        if (provider == "Postgres")
        {
            database = "cordon_bench_" + Guid.NewGuid().ToString("N")[..12];
            await using var admin = new NpgsqlConnection(postgresAdmin);
            await admin.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {database}", admin).ExecuteNonQueryAsync();
            connectionString = new NpgsqlConnectionStringBuilder(postgresAdmin) { Database = database, Pooling = true, MaxPoolSize = 200 }.ConnectionString;
        }

        var app = new BenchApp(provider, directory, connectionString, database) { Demo = demo };
        if (useKestrel)
        {
            app.UseKestrel(0);
        }

        app.StartServer();
        if (seed && !demo)
        {
            await app.SeedAsync();
        }

        return app;
    }

    /// <summary>The app on a database that already exists (nothing seeded).</summary>
    public static Task<BenchApp> AttachAsync(string provider, string directory, string? connectionString)
    {
        var app = new BenchApp(provider, directory, connectionString, null);
        app.StartServer();
        return Task.FromResult(app);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseContentRoot(SourceRoot());
        builder.UseSetting("Cordon:DataDirectory", Directory);
        builder.UseSetting("Cordon:Database:Provider", Provider);
        builder.UseSetting("Cordon:SignIn:PermitPerMinute", "1000000");
        builder.UseSetting("Cordon:SignIn:PerUserNamePerMinute", "1000000");
        if (Demo)
        {
            builder.UseSetting("Cordon:Demo", "true");
        }
        // Figures only: the setup code, key-storage notes and EF's probe of a fresh migrations table are noise here.
        // Real failures still show (errors), and every benchmark counts failed requests itself.
        foreach (var category in new[] { "Default", "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore.DataProtection" })
        {
            builder.UseSetting($"Logging:LogLevel:{category}", "Error");
        }

        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", "Critical");
        if (ConnectionString is not null)
        {
            builder.UseSetting("ConnectionStrings:Cordon", ConnectionString);
        }
    }

    public async Task<HttpClient> ClientAsync(string user = "bench", string password = Password)
    {
        var client = CreateClient();
        client.Timeout = TimeSpan.FromMinutes(30);
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = user, password });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<Token>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
        return client;
    }

    public async Task<T> DbAsync<T>(Func<CordonDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("bench");
        return await work(scope.ServiceProvider.GetRequiredService<CordonDb>());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (DatabaseName is not null)
        {
            NpgsqlConnection.ClearAllPools();
        }

        if (KeepData)
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public async Task DropAsync(string postgresAdmin)
    {
        if (DatabaseName is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(postgresAdmin);
        await admin.OpenAsync();
        await new NpgsqlCommand($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)", admin).ExecuteNonQueryAsync();
    }

    private async Task SeedAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("bench");
        var db = scope.ServiceProvider.GetRequiredService<CordonDb>();
        var subdistrict = new Subdistrict { Name = "基准街道", DivisionCode = "310110", CreatedAt = DateTime.UtcNow };
        db.Subdistricts.Add(subdistrict);
        await db.SaveChangesAsync();
        SubdistrictId = subdistrict.Id;
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CordonUser>>();
        foreach (var (name, role) in new[] { ("bench", Roles.Commander), ("sampler", Roles.Sampler) })
        {
            var user = new CordonUser { UserName = name, DisplayName = name, SubdistrictId = subdistrict.Id, CreatedAt = DateTime.UtcNow };
            var result = await users.CreateAsync(user, Password);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(string.Join(";", result.Errors.Select(e => e.Description)));
            }

            await users.AddToRoleAsync(user, role);
        }
    }

    public static string SourceRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Cordon.slnx")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? ".", "src", "Cordon");
    }

    private sealed record Token(string AccessToken);
}
