using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Cordon.Platform;

/// <summary>What every feature stands on: storage, sign-in, jurisdiction, audit, localization, the web shell.</summary>
public static class PlatformSetup
{
    public const string CookieName = "cordon";
    public const string SignInRateLimit = "sign-in";

    /// <summary>Searches and look-ups of people, per user: a search is an oracle if it can be asked fast enough (docs/decisions/009).</summary>
    public const string SearchRateLimit = "search";

    /// <summary>Pages and answers reached by a personal link without signing in (a call-up's), per address.</summary>
    public const string LinkRateLimit = "link";

    public static WebApplicationBuilder AddCordonPlatform(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(CordonOptions.Section);
        var options = section.Get<CordonOptions>() ?? new CordonOptions();
        _ = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        builder.Services.Configure<CordonOptions>(section);
        Hosting.ConfigureUrls(builder, options.Demo);

        var dataDirectory = DataDirectory.Prepare(options.DataDirectory);
        builder.Services.AddDataProtection()
            .SetApplicationName("Cordon")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "keys")));
        builder.AddCordonDatabase(dataDirectory);
        builder.Services.AddSingleton(new DataDirectory(dataDirectory));

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddMemoryCache();
        services.AddScoped<Caller>();
        services.AddSingleton<AccessCache>();
        services.AddScoped<SignInService>();
        services.AddSingleton<LocalTime>();
        services.AddSingleton<People.PeopleChanges>();
        services.AddScoped<People.Proposals>();
        services.AddScoped<IStartupTask, EnsureRoles>();

        AddIdentity(services, options);
        AddLocalization(services);
        AddWeb(services, options);
        Delivery.AddDelivery(services, options);
        services.AddHostedService<Files.UploadSweeper>();
        Clock.ClockSetup.AddClockAndNotifications(services, builder.Configuration);

        // Keys are protected by the data directory's mode (0700) instead of an encryptor: said once here, with
        // where they are, rather than as the framework's warning each time a key is made (deploy/README.md).
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        services.AddSingleton<IStartupTask>(new KeysNotice(Path.Combine(dataDirectory, "keys")));
        return builder;
    }

    public static WebApplication UseCordonPlatform(this WebApplication app)
    {
        Delivery.UseForwarded(app, app.Services.GetRequiredService<IOptions<CordonOptions>>().Value);
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/Error",
            AllowStatusCode404Response = true,
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : Data.DbErrors.IsOverloaded(e) ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError,
            // A client's unreadable body is the client's error, answered with a 4xx: not logged as a failure.
            SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException,
        });
        app.UseSecurityHeaders();
        app.UseStatusCodePagesWithReExecute("/Error", "?status={0}");
        Delivery.UseStaticFilesCached(app);
        app.UseRequestLocalization(o => Cultures.Configure(o));
        app.UseRouting();
        app.UseAuthentication();
        // After authentication: per-user limits (search) partition by who is asking.
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapGet("/healthz", Healthz).AllowAnonymous().DisableRateLimiting();
        app.MapPost("/culture", SetCulture).AllowAnonymous();
        Clock.ClockSetup.MapClockApi(app);
        app.MapRazorPages();
        return app;
    }

    /// <summary>The versioned API root: bearer or cookie, antiforgery for cookie writes, JSON errors.</summary>
    public static RouteGroupBuilder MapApi(this IEndpointRouteBuilder app, string prefix) =>
        app.MapGroup("/api/v1" + prefix)
            .AddEndpointFilter<ApiAntiforgery>()
            .DisableAntiforgery();

    private static async Task<IResult> Healthz(CordonDb db, CancellationToken cancellationToken)
    {
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken)
                ? TypedResults.Text("ok")
                : TypedResults.Text("database unreachable", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return TypedResults.Text("database unreachable", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static IResult SetCulture(HttpContext context, [Microsoft.AspNetCore.Mvc.FromForm] string culture, [Microsoft.AspNetCore.Mvc.FromForm] string? returnUrl)
    {
        var chosen = Cultures.Supported.FirstOrDefault(c => c.Name == culture)?.Name ?? Cultures.Chinese;
        context.Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true, Secure = context.Request.IsHttps });
        return TypedResults.LocalRedirect(LocalUrls.Safe(returnUrl));
    }

    private static void AddIdentity(IServiceCollection services, CordonOptions options)
    {
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentitySchemes.Combined;
                o.DefaultChallengeScheme = IdentitySchemes.Combined;
            })
            .AddPolicyScheme(IdentitySchemes.Combined, null, o => o.ForwardDefaultSelector = IdentitySchemes.Select)
            .AddBearerToken(IdentityConstants.BearerScheme, o => o.BearerTokenExpiration = TimeSpan.FromHours(options.SignIn.TokenLifetimeHours))
            .AddIdentityCookies(cookies => cookies.ApplicationCookie!.Configure(o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.LoginPath = "/Account/Login";
                o.LogoutPath = "/Account/Logout";
                o.AccessDeniedPath = "/Account/AccessDenied";
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = c => ApiOr(c, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => ApiOr(c, StatusCodes.Status403Forbidden);
            }));

        services.AddIdentityCore<CordonUser>(o =>
            {
                o.Password.RequiredLength = 8;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<CordonDb>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        services.AddTransient<IClaimsTransformation, PrincipalLoader>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuditedAuthorization>();
        var authorization = services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        foreach (var permission in Enum.GetValues<Permission>())
        {
            authorization.AddPolicy(RolePermissions.PolicyName(permission), p => p
                .RequireAuthenticatedUser()
                .RequireAssertion(c => RolePermissions.For(c.User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(r => r.Value)).Contains(permission)));
        }
    }

    private static Task ApiOr(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Headers["HX-Request"] == "true")
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    private static void AddLocalization(IServiceCollection services)
    {
        services.AddSingleton<Catalog>();
        services.AddSingleton<IStringLocalizerFactory, CatalogLocalizerFactory>();
        services.AddSingleton(typeof(IStringLocalizer<>), typeof(StringLocalizer<>));
        services.AddLocalization();
    }

    private static void AddWeb(IServiceCollection services, CordonOptions options)
    {
        services.AddRazorPages(o =>
            {
                o.RootDirectory = "/Features";
                o.Conventions.AllowAnonymousToPage("/Account/Login");
                o.Conventions.AllowAnonymousToPage("/Account/AccessDenied");
                o.Conventions.AllowAnonymousToPage("/Setup/Index");
                o.Conventions.AllowAnonymousToPage("/Error");
            })
            .AddMvcOptions(o =>
            {
                LocalizedBinding.Configure(o.ModelBindingMessageProvider);
                o.Filters.Add<RequiresFilter>();
            })
            .AddViewLocalization()
            .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(Catalog)));

        services.AddAntiforgery(o =>
        {
            o.HeaderName = "RequestVerificationToken";
            o.Cookie.Name = "cordon.af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        // Chinese text is written as text, not as &#x...; entities.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddProblemDetails();
        // A body that cannot be read throws, so the error page can say where (ErrorModel), instead of a bare 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => Json.Configure(o.SerializerOptions));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(60);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            o.AddPolicy(SignInRateLimit, context => HttpMethods.IsGet(context.Request.Method)
                ? RateLimitPartition.GetNoLimiter("read")
                : RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = options.SignIn.PermitPerMinute,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    }));
            o.AddPolicy(LinkRateLimit, context => RateLimitPartition.GetTokenBucketLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.Links.Burst,
                    TokensPerPeriod = options.Links.PerMinute,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            o.AddPolicy(SearchRateLimit, context => RateLimitPartition.GetTokenBucketLimiter(
                context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.Search.Burst,
                    TokensPerPeriod = options.Search.PerMinute,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        });
    }
}

/// <summary>Says where the keys that protect sign-ins (and, later, certificate signatures) live, and how they are protected.</summary>
internal sealed class KeysNotice(string directory) : IStartupTask
{
    public Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        services.GetRequiredService<ILogger<KeysNotice>>().LogInformation(
            "数据保护密钥在 {Directory}（仅本服务用户可读，0700），请与数据库一起备份。Data Protection keys are in {Directory} (readable by this service's user only, 0700); back them up with the database.",
            directory, directory);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The folder Cordon keeps its files in (database, keys, uploads waiting for confirmation): readable by the
/// service's own user only (0700), whatever the process's umask, like every folder made inside it.
/// </summary>
public sealed record DataDirectory(string Path)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static string Prepare(string configured)
    {
        var path = System.IO.Path.GetFullPath(configured);
        Protect(path);
        Protect(System.IO.Path.Combine(path, "keys"));
        return path;
    }

    public string Sub(string name)
    {
        var path = System.IO.Path.Combine(Path, name);
        Protect(path);
        return path;
    }

    private static void Protect(string directory)
    {
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, OwnerOnly);
        }
    }
}

public static class Json
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }
}
