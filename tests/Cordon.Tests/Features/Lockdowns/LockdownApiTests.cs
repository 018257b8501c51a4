using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cordon.Features.Demo;
using Cordon.Features.Lockdowns;
using Cordon.Features.Testing;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Cordon.Tests.Features.Lockdowns;

/// <summary>The lockdown API's contract (issue 11): bad input refused alone and specifically, jurisdiction, retries, the plan's versions.</summary>
public sealed class LockdownApiTests(DemoApp app)
{
    private Task<Guid> BuildingAsync(string neighborhood, bool inside) => app.DbAsync(db => db.Buildings
        .Where(b => db.Neighborhoods.Any(n => n.Id == b.NeighborhoodId && (n.Name == neighborhood) == inside)).OrderBy(b => b.Id).Select(b => b.Id).FirstAsync());

    [Fact]
    public async Task BadOrdersAreRefusedWithTheirFieldAndChangeNothing()
    {
        var commander = await app.ApiAsync("commander");
        var building = await BuildingAsync(DemoData.StaffNeighborhood, inside: true);
        var before = await app.DbAsync(db => db.Lockdowns.CountAsync());
        var cases = new (object Body, string Code)[]
        {
            (new { name = "", level = "sealed", buildingIds = new[] { building } }, "lockdown_name_required"),
            (new { name = "<script>alert(1)</script>" + new string('楼', 80), level = "sealed", buildingIds = new[] { building } }, "lockdown_name_required"),
            (new { name = "A", level = "lockdown", buildingIds = new[] { building } }, "lockdown_level_invalid"),
            (new { name = "A", level = "sealed", buildingIds = Array.Empty<Guid>() }, "lockdown_scope_empty"),
            (new { name = "A", level = "sealed", buildingIds = new[] { Guid.NewGuid() } }, "lockdown_scope_empty"),
            (new { name = "A", level = "sealed", buildingIds = Enumerable.Range(0, 301).Select(_ => Guid.NewGuid()).ToArray() }, "lockdown_scope_too_large"),
            (new { name = "A", level = "sealed", buildingIds = new[] { building }, receivedAt = DateTime.UtcNow.AddHours(30) }, "received_at_invalid"),
            (new { name = "A", level = "sealed", buildingIds = new[] { building }, receivedAt = DateTime.UtcNow.AddDays(-4) }, "received_at_invalid"),
            (new { name = "A", level = "sealed", buildingIds = new[] { building }, plannedDays = 0 }, "planned_days_invalid"),
            (new { name = "A", level = "sealed", buildingIds = new[] { building }, reason = "原因\u200b\u200b" + new string('长', 400) }, "lockdown_text_invalid"),
        };
        foreach (var (body, code) in cases)
        {
            var response = await commander.PostAsJsonAsync("/api/v1/lockdowns", body);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(code, problem.GetProperty("code").GetString());
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("zh").GetString()));
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("en").GetString()));
        }

        foreach (var raw in new[] { "null", "[1,2]", "{\"name\":", "{\"buildingIds\":[null]}" })
        {
            var response = await commander.PostAsync("/api/v1/lockdowns", new StringContent(raw, Encoding.UTF8, "application/json"));
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"{raw}: {(int)response.StatusCode}");
        }

        Assert.Equal(before, await app.DbAsync(db => db.Lockdowns.CountAsync()));
    }

    [Fact]
    public async Task ARetriedOrderReturnsTheFirstAndCreatesOneSeries()
    {
        var commander = await app.ApiAsync("commander");
        var building = await BuildingAsync(DemoData.StaffNeighborhood, inside: true);
        var body = new { id = Guid.NewGuid(), name = "重试 " + Guid.NewGuid().ToString("N")[..4], level = "sealed", buildingIds = new[] { building, building } };
        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => commander.PostAsJsonAsync("/api/v1/lockdowns", body)));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Conflict, $"{(int)a.StatusCode}"));
        var again = await commander.PostAsJsonAsync("/api/v1/lockdowns", body);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(body.id, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        Assert.Equal(1, await app.DbAsync(db => db.Lockdowns.CountAsync(l => l.Id == body.id)));
        var series = await app.DbAsync(db => db.Lockdowns.Where(l => l.Id == body.id).Select(l => l.SeriesId).SingleAsync());
        Assert.Equal(2, await app.DbAsync(db => db.TestingRounds.CountAsync(r => r.SeriesId == series)));

        // A building named twice is one sealed building.
        Assert.Equal(1, await app.DbAsync(db => db.LockdownBuildings.CountAsync(b => b.LockdownId == body.id)));
    }

    [Fact]
    public async Task StaffSeeAndRunOnlyLockdownsTouchingTheirJurisdiction()
    {
        var commander = await app.ApiAsync("commander");
        var inside = await BuildingAsync(DemoData.StaffNeighborhood, inside: true);
        var outside = await BuildingAsync(DemoData.StaffNeighborhood, inside: false);
        async Task<Guid> OrderAsync(Guid building) => (await (await commander.PostAsJsonAsync("/api/v1/lockdowns", new { name = "辖区 " + Guid.NewGuid().ToString("N")[..4], level = "sealed", buildingIds = new[] { building } }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var theirs = await OrderAsync(inside);
        var elsewhere = await OrderAsync(outside);

        var staff = await app.ApiAsync("staff");
        var board = (await staff.GetFromJsonAsync<List<JsonElement>>("/api/v1/lockdowns"))!.Select(l => l.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(theirs, board);
        Assert.DoesNotContain(elsewhere, board);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/api/v1/lockdowns/{elsewhere}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PostAsJsonAsync($"/api/v1/lockdowns/{elsewhere}/checkin", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/v1/lockdowns/{theirs}/checkin", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsJsonAsync("/api/v1/lockdowns", new { name = "越权", level = "sealed", buildingIds = new[] { inside } })).StatusCode);

        // A volunteer reads the board but runs nothing; a sampler does not read it.
        var volunteer = await app.ApiAsync("volunteer");
        Assert.Equal(HttpStatusCode.Forbidden, (await volunteer.PostAsJsonAsync($"/api/v1/lockdowns/{theirs}/checklist/notice", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ApiAsync("sampler")).GetAsync("/api/v1/lockdowns")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await commander.GetAsync("/api/v1/lockdowns?status=sealedish")).StatusCode);
        var active = (await commander.GetFromJsonAsync<List<JsonElement>>("/api/v1/lockdowns?status=active"))!;
        Assert.All(active, l => Assert.Equal("active", l.GetProperty("status").GetString()));
        Assert.Contains(active, l => l.GetProperty("id").GetGuid() == theirs);
    }

    [Fact]
    public async Task ALockdownKeepsThePlanVersionItStartedWith()
    {
        var admin = await app.ApiAsync("admin");
        var commander = await app.ApiAsync("commander");
        var building = await BuildingAsync(DemoData.StaffNeighborhood, inside: true);
        var old = await (await commander.PostAsJsonAsync("/api/v1/lockdowns", new { name = "旧预案", level = "sealed", buildingIds = new[] { building } })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Forbidden, (await commander.PutAsJsonAsync("/api/v1/response-plan", new { })).StatusCode);
        var invalid = await admin.PutAsJsonAsync("/api/v1/response-plan", new { milestones = new[] { new { key = "arrive", minutes = 30 } } });
        Assert.Equal("response_plan_invalid", (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var saved = await admin.PutAsJsonAsync("/api/v1/response-plan", new
        {
            milestones = new object[]
            {
                new { key = "arrive", minutes = 30 }, new { key = "tracing", minutes = 120 }, new { key = "sweep_ready", minutes = 210 },
                new { key = "supplies", label = "物资到位", minutes = 480 },
            },
            checklist = new[] { new { key = "property", label = (string?)null }, new { key = "generator", label = (string?)"发电机" } },
            cleanRoundHours = 48,
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var version = (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();
        Assert.True(version >= 1);
        try
        {
            var fresh = await (await commander.PostAsJsonAsync("/api/v1/lockdowns", new { name = "新预案", level = "sealed", buildingIds = new[] { building } })).Content.ReadFromJsonAsync<JsonElement>();
            var freshView = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/lockdowns/{fresh.GetProperty("id").GetGuid()}");
            Assert.Equal(version, freshView.GetProperty("planVersion").GetInt32());
            Assert.Equal(["arrive", "tracing", "sweep_ready", "supplies"], freshView.GetProperty("milestones").EnumerateArray().Select(m => m.GetProperty("key").GetString()));
            Assert.Equal(["联系物业", "发电机"], freshView.GetProperty("checklist").EnumerateArray().Select(m => m.GetProperty("label").GetString()));

            var oldView = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/lockdowns/{old.GetProperty("id").GetGuid()}");
            Assert.Equal(["arrive", "tracing", "sweep_ready", "testing_started"], oldView.GetProperty("milestones").EnumerateArray().Select(m => m.GetProperty("key").GetString()));
            Assert.Equal(6, oldView.GetProperty("checklist").GetArrayLength());
        }
        finally
        {
            // Back to the default plan for the other tests on this shared app.
            await admin.PutAsJsonAsync("/api/v1/response-plan", new
            {
                milestones = ResponsePlan.DefaultMilestones,
                checklist = ResponsePlan.DefaultChecklist,
                cleanRoundHours = 48,
            });
        }
    }

    [Fact]
    public async Task TheBoardOfThirtyLockdownsIsFourQueries()
    {
        var commander = await app.ApiAsync("commander");
        var buildings = await app.DbAsync(db => db.Buildings.OrderBy(b => b.Id).Select(b => b.Id).Take(30).ToListAsync());
        foreach (var b in buildings)
        {
            (await commander.PostAsJsonAsync("/api/v1/lockdowns", new { name = "看板 " + Guid.NewGuid().ToString("N")[..4], level = "sealed", buildingIds = new[] { b } })).EnsureSuccessStatusCode();
        }

        var board = (await commander.GetFromJsonAsync<List<JsonElement>>("/api/v1/lockdowns"))!;
        Assert.True(board.Count >= 30);
        Assert.All(board, l => Assert.True(l.GetProperty("milestones").GetArrayLength() >= 3));
        Assert.All(board, l => Assert.True(l.GetProperty("checklistTotal").GetInt32() >= 1));
        Assert.All(board, l => Assert.True(l.GetProperty("buildings").GetInt32() >= 1));

        // However many lockdowns there are, the board is the same four statements.
        var counted = await app.ScopeAsync(async services =>
        {
            services.GetRequiredService<Caller>().ActAsSystem("test");
            var desk = services.GetRequiredService<LockdownDesk>();
            var db = services.GetRequiredService<CordonDb>();
            using var commands = CommandCounter.Start();
            var items = await LockdownsApi.BoardAsync(desk, db, null, CancellationToken.None);
            return (items.Count, commands.Count);
        });
        Assert.True(counted.Item1 >= 30);
        Assert.Equal(4, counted.Item2);
    }
}

/// <summary>Counts the database commands the current async flow runs (EF Core's diagnostic events).</summary>
internal sealed class CommandCounter : IDisposable, IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private static readonly AsyncLocal<CommandCounter?> Current = new();
    private readonly IDisposable _all;
    private readonly List<IDisposable> _subscriptions = [];
    private int _count;

    private CommandCounter()
    {
        Current.Value = this;
        _all = DiagnosticListener.AllListeners.Subscribe(this);
    }

    public int Count => _count;

    public static CommandCounter Start() => new();

    public void Dispose()
    {
        Current.Value = null;
        _all.Dispose();
        _subscriptions.ForEach(s => s.Dispose());
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name)
        {
            _subscriptions.Add(value.Subscribe(this));
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key == RelationalEventId.CommandExecuted.Name && Current.Value == this)
        {
            Interlocked.Increment(ref _count);
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }
}
