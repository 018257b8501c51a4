using Cordon.Platform;

namespace Cordon.Features.Demo;

public static class DemoFeature
{
    /// <summary>Seeds the demo sub-district and accounts at start when <c>--demo</c> is given.</summary>
    public static WebApplicationBuilder AddDemo(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<IStartupTask, DemoData>();
        return builder;
    }
}
