using System.Net.Http.Headers;
using System.Net.Http.Json;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cordon.Tests.Infrastructure;

/// <summary>
/// The real Cordon app on a real, fresh database (SQLite or PostgreSQL, see <see cref="TestEnvironment"/>).
/// Demo data and accounts are seeded unless a test asks for an empty start.
/// </summary>
public class CordonApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = "Demo#2022";

    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Cordon:Demo"] = "true",
        ["Cordon:SignIn:PermitPerMinute"] = "100000",
        ["Cordon:SignIn:PerUserNamePerMinute"] = "100000",
    };

    public TestDatabase Database { get; private set; } = null!;

    /// <summary>A database another app (or process) used before: kept when this app is disposed.</summary>
    public TestDatabase? Reuse { get; init; }

    /// <summary>Forces a provider for tests about one provider; otherwise the run's provider.</summary>
    public string? Provider { get; init; }

    /// <summary>Extra configuration, set before the app starts.</summary>
    public CordonApp With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    public Action<IServiceCollection>? ConfigureTestServices { get; set; }

    public virtual async ValueTask InitializeAsync()
    {
        Database = Reuse ?? await TestDatabase.CreateAsync(Provider);
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Cordon:DataDirectory", Database.DataDirectory);
        builder.UseSetting("Cordon:Database:Provider", Database.Provider);
        if (Database.ConnectionString is not null)
        {
            builder.UseSetting("ConnectionStrings:Cordon", Database.ConnectionString);
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new ErrorLog()));
        if (ConfigureTestServices is not null)
        {
            builder.ConfigureServices(ConfigureTestServices);
        }
    }

    /// <summary>An API client signed in with a bearer token, as a machine or field device would be.</summary>
    public async Task<HttpClient> ApiAsync(string userName, string password = Password)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false, BaseAddress = ClientOptions.BaseAddress });
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName, password });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
        return client;
    }

    /// <summary>A browser-like client (cookies, forms with antiforgery tokens), not yet signed in.</summary>
    public PageClient Pages() => new(CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false, BaseAddress = ClientOptions.BaseAddress }));

    /// <summary>A browser-like client signed in through the login page.</summary>
    public async Task<PageClient> PagesAsync(string userName, string password = Password)
    {
        var pages = Pages();
        var response = await pages.SubmitAsync("/Account/Login", new() { ["UserName"] = userName, ["Password"] = password });
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        return pages;
    }

    /// <summary>Runs work against the database as the system (all sub-districts), in its own scope.</summary>
    public async Task<T> DbAsync<T>(Func<CordonDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("test");
        return await work(scope.ServiceProvider.GetRequiredService<CordonDb>());
    }

    public async Task DbAsync(Func<CordonDb, Task> work) => await DbAsync(async db =>
    {
        await work(db);
        return true;
    });

    public async Task<T> ScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("test");
        return await work(scope.ServiceProvider);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Reuse is null)
        {
            await Database.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    private sealed record TokenResponse(string AccessToken, int ExpiresIn);
}

/// <summary>The one demo app most tests share; tests that change global state boot their own.</summary>
public sealed class DemoApp : CordonApp;
