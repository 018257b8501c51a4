namespace Cordon.Platform.Web;

/// <summary>Where to go back to after signing in or switching language: a path of this site, never another site.</summary>
public static class LocalUrls
{
    public static string Safe(string? url) =>
        url is { Length: > 0 and <= 2048 } && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(c => char.IsControl(c) || c == '\\')
            ? url
            : "/";
}
