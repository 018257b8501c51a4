using Cordon.Platform.Clock;
using Cordon.Platform.Data;

namespace Cordon.Features.Staffing;

/// <summary>At every tick: call-ups whose ring has waited long enough call the next ring (state in rows, so a restart loses nothing).</summary>
internal sealed class CallUpEscalation : IClockJob
{
    public Task RunAsync(IServiceProvider services, CordonDb db, DateTime now, CancellationToken cancellationToken) =>
        services.GetRequiredService<CallUpDesk>().EscalateDueAsync(now, cancellationToken);
}
