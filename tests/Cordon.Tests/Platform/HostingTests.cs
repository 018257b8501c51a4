using System.Net;
using Cordon.Platform.Data;
using Cordon.Platform.Web;
using Cordon.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Net.Http.Json;

namespace Cordon.Tests.Platform;

public sealed class HostingTests
{
    [Fact]
    public async Task HealthzReports200WhileTheDatabaseIsReachable()
    {
        await using var app = new CordonApp().With("Cordon:Demo", "false");
        await app.InitializeAsync();
        var response = await app.CreateClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HealthzReports503WhenDatabaseIsDown()
    {
        await using var app = new CordonApp().With("Cordon:Demo", "false");
        await app.InitializeAsync();
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        if (app.Database.Provider == "Postgres")
        {
            await app.Database.DropAsync();
        }
        else
        {
            // Put a plain file where the data folder was: the database file can no longer be opened.
            SqliteConnection.ClearAllPools();
            var moved = app.Database.DataDirectory + ".moved";
            Directory.Move(app.Database.DataDirectory, moved);
            await File.WriteAllTextAsync(app.Database.DataDirectory, "not a folder");
            try
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/healthz")).StatusCode);
            }
            finally
            {
                File.Delete(app.Database.DataDirectory);
                Directory.Move(moved, app.Database.DataDirectory);
            }

            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
            return;
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/healthz")).StatusCode);
    }

    [Theory]
    [InlineData("--demo --urls http://0.0.0.0:5080", "本机", "loopback")]
    [InlineData("--demo --urls http://*:5080", "本机", "loopback")]
    [InlineData("--demo --urls http://127.0.0.1:5080;http://192.168.1.20:5080", "本机", "192.168.1.20")]
    [InlineData("--Cordon:Database:Provider=Oracle", "只能是", "Oracle")]
    [InlineData("--Cordon:TimeZone=Mars/Base", "时区", "time zone")]
    [InlineData("--Cordon:SignIn:PermitPerMinute=abc", "格式", "PermitPerMinute")]
    [InlineData("--Cordon:ForwardedHeaders:KnownProxies:0=proxy.local", "不是 IP", "proxy.local")]
    [InlineData("--Cordon:Database:Provider=Postgres --ConnectionStrings:Cordon=Host=127.0.0.1;Port=1;Timeout=2", "无法连接", "Cannot reach")]
    public async Task StartUpRefusalsAreOneBilingualLineAndANonZeroExit(string arguments, string zh, string en)
    {
        var data = Path.Combine(Path.GetTempPath(), "cordon-refusal-" + Guid.NewGuid().ToString("N"));
        var (exit, output, errors) = await CordonProcess.RunAsync([.. arguments.Split(' '), "--Cordon:DataDirectory=" + data]);
        var lines = (errors + output).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(78, exit);
        var line = Assert.Single(lines);
        Assert.Contains(zh, line, StringComparison.Ordinal);
        Assert.Contains(en, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", line, StringComparison.Ordinal);
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:6000", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://+:80", false)]
    [InlineData("http://cordon.example:80", false)]
    public void LoopbackAddressesAreRecognised(string url, bool loopback) => Assert.Equal(loopback, Hosting.IsLoopback(url));

    [Fact]
    public void DemoSwitchBecomesConfiguration() =>
        Assert.Equal(["--Cordon:Demo=true", "--urls", "http://127.0.0.1:1"], Hosting.Arguments(["--demo", "--urls", "http://127.0.0.1:1"]));

    [Theory]
    [InlineData("Host=db;Database=cordon;Username=cordon", 64)]
    [InlineData("Host=db;Database=cordon;Username=cordon;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Database=cordon;Username=cordon;MaxAutoPrepare=10", 10)]
    public void PostgresPreparesHotStatementsUnlessTheConnectionStringSaysOtherwise(string configured, int expected)
    {
        var used = new Npgsql.NpgsqlConnectionStringBuilder(DatabaseSetup.PostgresConnectionString(configured));
        Assert.Equal(expected, used.MaxAutoPrepare);
        Assert.Equal(("db", "cordon"), (used.Host, used.Database));
    }

    [Fact]
    public async Task FirstStartPrintsASetupCodeThatCreatesTheFirstAdministratorOnce()
    {
        var logs = new CapturedLogs();
        await using var app = new CordonApp { ConfigureTestServices = s => s.AddSingleton<ILoggerProvider>(logs) }.With("Cordon:Demo", "false");
        await app.InitializeAsync();
        var line = logs.Lines.Single(l => l.Contains("/setup", StringComparison.Ordinal));
        var code = System.Text.RegularExpressions.Regex.Match(line, "[A-Z0-9]{4}-[A-Z0-9]{4}").Value;
        Assert.NotEmpty(code);

        var pages = app.Pages();
        var wrong = await pages.SubmitAsync("/setup", Form("WRON-GCOD"));
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("设置码不正确", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.DbAsync(db => db.Users.CountAsync()));

        var created = await pages.SubmitAsync("/setup", Form(code));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal(1, await app.DbAsync(db => db.Users.CountAsync()));
        Assert.Equal("五角场街道", await app.DbAsync(db => db.Subdistricts.Select(s => s.Name).SingleAsync()));

        var again = app.Pages();
        var (_, closed) = await again.GetAsync("/setup");
        Assert.Null(closed.QuerySelector("input[name=Code]"));
        var api = await app.ApiAsync("chief");
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/me")).StatusCode);

        static Dictionary<string, string> Form(string code) => new()
        {
            ["Code"] = code,
            ["SubdistrictName"] = "五角场街道",
            ["DivisionCode"] = "310110",
            ["UserName"] = "chief",
            ["DisplayName"] = "主任",
            ["Password"] = CordonApp.Password,
            ["ConfirmPassword"] = CordonApp.Password,
        };
    }

    [Fact]
    public async Task TheSetupCodeSentFourTimesAtOnceMakesOneAdministrator()
    {
        var logs = new CapturedLogs();
        await using var app = new CordonApp { ConfigureTestServices = s => s.AddSingleton<ILoggerProvider>(logs) }.With("Cordon:Demo", "false");
        await app.InitializeAsync();
        var code = System.Text.RegularExpressions.Regex.Match(logs.Lines.Single(l => l.Contains("/setup", StringComparison.Ordinal)), "[A-Z0-9]{4}-[A-Z0-9]{4}").Value;

        // Four browsers each read the form, then all send the right code at the same moment.
        var forms = new List<(PageClient Pages, string Token)>();
        for (var i = 0; i < 4; i++)
        {
            var pages = app.Pages();
            var form = await pages.PageAsync("/setup");
            forms.Add((pages, form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!));
        }

        var answers = await Task.WhenAll(forms.Select((f, i) => f.Pages.Http.PostAsync("/setup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Code"] = code,
            ["SubdistrictName"] = "五角场街道",
            ["DivisionCode"] = "310110",
            ["UserName"] = "chief" + i,
            ["DisplayName"] = "主任",
            ["Password"] = CordonApp.Password,
            ["ConfirmPassword"] = CordonApp.Password,
            ["__RequestVerificationToken"] = f.Token,
        }))));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Redirect);
        Assert.Equal(1, await app.DbAsync(db => db.Users.CountAsync()));
        Assert.Equal(1, await app.DbAsync(db => db.Subdistricts.CountAsync()));
    }

    [Fact]
    public async Task SqliteRunsInWriteAheadLogModeInTheDataDirectory()
    {
        await using var app = new CordonApp { Provider = "Sqlite" }.With("Cordon:Demo", "false");
        await app.InitializeAsync();
        var mode = await app.DbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA journal_mode;";
            return (string)(await command.ExecuteScalarAsync())!;
        });
        Assert.Equal("wal", mode);
        Assert.True(File.Exists(Path.Combine(app.Database.DataDirectory, "cordon.db")));
        Assert.True(Directory.Exists(Path.Combine(app.Database.DataDirectory, "keys")));
    }

    [Fact]
    public async Task SignInIsRateLimitedPerAddress()
    {
        await using var app = new CordonApp().With("Cordon:SignIn:PermitPerMinute", "3");
        await app.InitializeAsync();
        var client = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var response = await client.PostAsync("/api/v1/auth/login", JsonContent.Create(new { userName = "staff", password = "bad" }));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task ADemoDatabaseStartedWithoutDemoIsRefusedUntilItsAccountsAreRemoved()
    {
        var database = await TestDatabase.CreateAsync();
        try
        {
            await using (var demo = new CordonApp { Reuse = database })
            {
                await demo.InitializeAsync();
            }

            var refused = await CordonProcess.RunAsync([], database);
            Assert.Equal(Hosting.RefusedExitCode, refused.ExitCode);
            Assert.Contains("演示账号", refused.Errors, StringComparison.Ordinal);
            Assert.Contains("--remove-demo-accounts", refused.Errors, StringComparison.Ordinal);

            // The administrator gets back in through the console: demo accounts out of service, a new password for admin.
            var removed = await CordonProcess.RunAsync(["--remove-demo-accounts", "--reset-password", "admin"], database);
            Assert.Equal(0, removed.ExitCode);
            var password = removed.Output.Trim().Split(' ')[^1];
            Assert.True(password.Length >= 16, removed.Output + removed.Errors);

            await using var later = new CordonApp { Reuse = database }.With("Cordon:Demo", "false");
            await later.InitializeAsync();
            var client = later.CreateClient();
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = "commander", password = CordonApp.Password })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = "admin", password })).StatusCode);
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task MigrationsCoverTheWholeModel()
    {
        await using var app = new CordonApp().With("Cordon:Demo", "false");
        await app.InitializeAsync();
        Assert.False(await app.DbAsync(db => Task.FromResult(db.Database.HasPendingModelChanges())));
        Assert.Empty(await app.DbAsync(db => db.Database.GetPendingMigrationsAsync()));
    }
}

internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._lines)
            {
                owner._lines.Add(formatter(state, exception));
            }
        }
    }
}
