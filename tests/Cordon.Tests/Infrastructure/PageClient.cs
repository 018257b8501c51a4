using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Cordon.Tests.Infrastructure;

/// <summary>Uses pages the way a browser without script does: GET, read the form, POST it back with its token.</summary>
public sealed class PageClient(HttpClient client)
{
    private static readonly HtmlParser Parser = new();

    public HttpClient Http => client;

    public async Task<(HttpResponseMessage Response, IHtmlDocument Document)> GetAsync(string url)
    {
        var response = await client.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        return (response, await Parser.ParseDocumentAsync(html));
    }

    public async Task<IHtmlDocument> PageAsync(string url)
    {
        var (response, document) = await GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}");
        return document;
    }

    /// <summary>Fills the page's form (the first POST form, or the one matching <paramref name="formSelector"/>) and submits it.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string url, Dictionary<string, string> fields, string? formSelector = null, string? button = null)
    {
        var document = await PageAsync(url);
        var form = (formSelector is null
            ? document.Forms.FirstOrDefault(f => f.Method.Equals("post", StringComparison.OrdinalIgnoreCase) && f.Action is not ("/culture" or "/Account/Logout") && !f.Action.EndsWith("/culture", StringComparison.Ordinal) && !f.Action.EndsWith("/Account/Logout", StringComparison.Ordinal))
            : document.QuerySelector(formSelector) as IHtmlFormElement)
            ?? throw new InvalidOperationException($"No form on {url}");
        var values = new List<KeyValuePair<string, string>>();
        foreach (var hidden in form.QuerySelectorAll("input[type=hidden]").OfType<IHtmlInputElement>())
        {
            if (!fields.ContainsKey(hidden.Name ?? ""))
            {
                values.Add(new(hidden.Name!, hidden.Value));
            }
        }

        values.AddRange(fields.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value)));
        if (button is not null)
        {
            values.Add(new("handler", button));
        }

        var action = string.IsNullOrEmpty(form.GetAttribute("action")) ? url : form.GetAttribute("action")!;
        return await client.PostAsync(action, new FormUrlEncodedContent(values));
    }

    public static Task<IHtmlDocument> ParseAsync(string html) => Parser.ParseDocumentAsync(html);
}
