using System.Text.Json;
using Microsoft.Playwright;

namespace Cordon.BrowserTests;

/// <summary>
/// The offline queue module (wwwroot/js/offline/queue.js) against a batch endpoint that answers as the contract of
/// docs/decisions/010 allows: busy with Retry-After, then one result per item — accepted, refused, inbox full.
/// </summary>
public sealed class OfflineQueueTests(BrowserApp browser)
{
    private const string Url = "/api/v1/test/things:batch";

    [Fact]
    public async Task AQueueKeepsEveryItemUntilTheServerAcceptsItAndWaitsWhenAskedTo()
    {
        var page = await browser.PageAsync();
        await LedgerTests.SignInAsync(page, "sampler");
        await page.GotoAsync("/Testing/Sample");
        var answers = new Queue<Func<IRoute, Task>>();
        var posted = new List<JsonElement>();
        await page.RouteAsync("**" + Url, async route =>
        {
            posted.Add(JsonDocument.Parse(route.Request.PostData!).RootElement.Clone());
            await answers.Dequeue()(route);
        });

        // Three items, one IndexedDB entry each, numbered in device order.
        var added = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const q = window.CordonOffline.queue("test-" + crypto.randomUUID());
              window.testQueue = q;
              const items = [];
              for (const n of [1, 2, 3]) { items.push(await q.add({ n }, { label: "item " + n })); }
              return items.map(e => ({ id: e.id, sequence: e.sequence, deviceId: e.body.deviceId, deviceSequence: e.body.deviceSequence }));
            }
            """);
        var ids = added.EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToArray();
        var sequences = added.EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()).ToArray();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences, added.EnumerateArray().Select(e => e.GetProperty("deviceSequence").GetInt64()));
        Assert.Single(added.EnumerateArray().Select(e => e.GetProperty("deviceId").GetString()).Distinct());

        // Busy: nothing is lost, and the next try waits as long as the server said.
        answers.Enqueue(route => route.FulfillAsync(new() { Status = 503, Headers = new Dictionary<string, string> { ["Retry-After"] = "2" } }));
        var busy = await page.EvaluateAsync<JsonElement>($"() => window.testQueue.sync('{Url}', 2)");
        Assert.Equal("busy", busy.GetProperty("stopped").GetString());
        var again = await page.EvaluateAsync<JsonElement>($"() => window.testQueue.sync('{Url}', 2)");
        Assert.Equal("backoff", again.GetProperty("stopped").GetString());
        Assert.Single(posted);
        Assert.Equal(3, await page.EvaluateAsync<int>("() => window.testQueue.count().then(c => c.pending)"));

        // Then one result per item, two at a time: accepted leaves, refused stays with its reason in both languages,
        // refused beyond a full inbox stays too, marked as not in the inbox.
        answers.Enqueue(route => route.FulfillAsync(new()
        {
            Status = 200,
            ContentType = "application/json",
            Body = JsonSerializer.Serialize(new object[]
            {
                new { id = ids[0], index = 0, status = 201 },
                new { id = ids[1], index = 1, status = 422, code = "tube_full", detail = "试管已满", zh = "试管已满", en = "The tube is full" },
            }),
        }));
        answers.Enqueue(route => route.FulfillAsync(new()
        {
            Status = 200,
            ContentType = "application/json",
            Body = JsonSerializer.Serialize(new object[]
            {
                new { id = ids[2], index = 0, status = 409, code = "already_sampled", zh = "已采样", en = "Already sampled", details = new { inbox = "conflict_inbox_full" } },
            }),
        }));
        await Task.Delay(2100);
        var report = await page.EvaluateAsync<JsonElement>($"() => window.testQueue.sync('{Url}', 2)");
        Assert.Equal(JsonValueKind.Null, report.GetProperty("stopped").ValueKind);
        Assert.Equal(1, report.GetProperty("accepted").GetInt32());
        Assert.Equal(2, report.GetProperty("refused").GetInt32());
        Assert.Equal([2, 2, 1], posted.Select(p => p.GetArrayLength()));
        Assert.Equal([1, 2], posted[1].EnumerateArray().Select(b => b.GetProperty("n").GetInt32()));

        // A reload later, the refused ones are still there.
        await page.ReloadAsync();
        var kept = await page.EvaluateAsync<JsonElement>("""
            async (name) => (await window.CordonOffline.queue(name).list()).map(e => ({ id: e.id, status: e.status, en: e.refusal.en, inbox: e.refusal.inbox }))
            """, await QueueNameAsync(page, ids[1]));
        Assert.Equal([ids[1], ids[2]], kept.EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.All(kept.EnumerateArray(), e => Assert.Equal("refused", e.GetProperty("status").GetString()));
        Assert.Equal(["The tube is full", "Already sampled"], kept.EnumerateArray().Select(e => e.GetProperty("en").GetString()));
        Assert.Equal([true, false], kept.EnumerateArray().Select(e => e.GetProperty("inbox").GetBoolean()));
    }

    // The test queue's database is named after the queue; find it by the item it holds.
    private static Task<string> QueueNameAsync(IPage page, string id) => page.EvaluateAsync<string>("""
        async (id) => {
          for (const db of await indexedDB.databases()) {
            if (!db.name.startsWith("cordon-queue-test-")) { continue; }
            const name = db.name.slice("cordon-queue-".length);
            if ((await window.CordonOffline.queue(name).list()).some(e => e.id === id)) { return name; }
          }
          return "";
        }
        """, id);
}
