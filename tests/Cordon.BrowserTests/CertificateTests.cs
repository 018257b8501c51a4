using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Cordon.BrowserTests;

/// <summary>Issue 15 at a checkpoint: an employer's phone checks a home-stay certificate's QR, offline after one visit, and a tampered one fails.</summary>
public sealed class CertificateTests(BrowserApp browser)
{
    [Fact]
    public async Task TheVerifierSaysValidOfflineAfterOneVisitAndNotValidForATamperedCertificate()
    {
        var commander = await browser.App.ApiAsync("commander");
        var resident = await browser.App.DbAsync(db => db.Residents.Where(r => r.DocumentNumber != null && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == "政立路580弄"))
            .OrderBy(r => r.Id).Skip(40).Select(r => new { r.Id, r.Name }).FirstAsync());
        var issued = await commander.PostAsJsonAsync("/api/v1/certificates", new { residentId = resident.Id, kind = "home_monitoring", from = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-5)) });
        var qr = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("qr").GetString()!;
        var token = qr[(qr.IndexOf('#', StringComparison.Ordinal) + 1)..];

        // The employer's phone: not signed in.
        var page = await browser.PageAsync(360, 780);
        await page.GotoAsync("/v#" + token);
        var verdict = page.Locator("#verdict");
        await Assertions.Expect(verdict).ToContainTextAsync("有效");
        await Assertions.Expect(page.Locator("#facts")).ToContainTextAsync(resident.Name);
        await Assertions.Expect(page.Locator("#facts")).ToContainTextAsync("居家健康监测");
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "110-certificate-valid-phone");
        await SamplingTests.UntilAsync(page, "() => !!navigator.serviceWorker && navigator.serviceWorker.controller !== null");

        // At the next checkpoint there is no network: the page and the keys are on the phone.
        await page.Context.SetOfflineAsync(true);
        await page.ReloadAsync();
        await Assertions.Expect(verdict).ToContainTextAsync("有效");
        await Assertions.Expect(verdict).ToContainTextAsync("离线");

        var parts = token.Split('.');
        var flipped = parts[1][..10] + (parts[1][10] == 'A' ? 'B' : 'A') + parts[1][11..];
        await page.EvaluateAsync("t => { location.hash = t; }", $"{parts[0]}.{flipped}.{parts[2]}");
        await Assertions.Expect(verdict).ToContainTextAsync("无效");
        await Assertions.Expect(page.Locator("#facts")).ToBeHiddenAsync();
        await BrowserApp.ScreenshotAsync(page, "111-certificate-tampered-phone");
        await page.Context.SetOfflineAsync(false);
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 360, $"the page is {width} px wide on a 360-px phone");
    }
}
