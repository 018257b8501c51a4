namespace Cordon.Platform.Web;

/// <summary>Page numbers of every list: 1 to <see cref="MaxPage"/>; anything else is refused, never quietly page 1.</summary>
public static class Paging
{
    public const int MaxPage = 10_000;

    public static readonly Error PageOutOfRange = new("page_out_of_range", StatusCodes.Status400BadRequest);

    public static Error? Refuse(int? page) => page is null or (>= 1 and <= MaxPage) ? null : PageOutOfRange;
}
