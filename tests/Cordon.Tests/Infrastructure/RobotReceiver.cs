using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cordon.Tests.Infrastructure;

/// <summary>
/// A WeCom group robot on loopback, speaking its real format: <c>POST /cgi-bin/webhook/send?key=…</c> with
/// <c>{"msgtype":"markdown","markdown":{"content":…}}</c>, answered <c>{"errcode":0,"errmsg":"ok"}</c> — or, when told,
/// an HTTP error or WeCom's own error codes (45009: over the rate limit).
/// </summary>
public sealed class RobotReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpResponse, Task>> _answers = new();

    private RobotReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<JsonDocument> Received { get; } = new();

    public string Url { get; private set; } = "";

    public static async Task<RobotReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var robot = new RobotReceiver(app);
        app.MapPost("/cgi-bin/webhook/send", async (HttpContext http) =>
        {
            if (http.Request.Query["key"] != "test-robot" || http.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
            {
                await http.Response.WriteAsJsonAsync(new { errcode = 93000, errmsg = "invalid webhook url" });
                return;
            }

            robot.Received.Enqueue(await JsonDocument.ParseAsync(http.Request.Body));
            if (robot._answers.TryDequeue(out var answer))
            {
                await answer(http.Response);
                return;
            }

            await http.Response.WriteAsJsonAsync(new { errcode = 0, errmsg = "ok" });
        });
        await app.StartAsync();
        robot.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/cgi-bin/webhook/send?key=test-robot";
        return robot;
    }

    /// <summary>The next request is answered with an HTTP status instead.</summary>
    public void FailNext(int status) => _answers.Enqueue(r =>
    {
        r.StatusCode = status;
        return Task.CompletedTask;
    });

    /// <summary>The next request is answered 200 with a WeCom error code.</summary>
    public void RefuseNext(int errcode, string errmsg) => _answers.Enqueue(r => r.WriteAsJsonAsync(new { errcode, errmsg }));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
