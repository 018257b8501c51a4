using Cordon.Platform.Auth;
using Cordon.Platform.Clock;
using Cordon.Platform.Data;
using Cordon.Platform.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Hotline;

/// <summary>
/// A request's deadline on the Platform clock: at 75 % its owner is told (the duty desk when it has none), when it
/// is overdue the owner and everyone answering the hotline, at 125 % the commanders. Closing it closes the deadline;
/// alerts carry the number and category only, never the caller or the text.
/// </summary>
internal sealed class RequestSubject : IDeadlineSubject
{
    public string SubjectType => HotlineDesk.SubjectType;

    public Task<IReadOnlyList<DeadlineEvidence>> EvidenceAsync(CordonDb db, IReadOnlyList<Deadline> open, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeadlineEvidence>>([]);

    public async Task<DeadlineAlertTarget> TargetAsync(CordonDb db, Deadline deadline, DeadlineState state, CancellationToken cancellationToken)
    {
        var owner = await db.Set<HotlineRequest>().IgnoreQueryFilters().Where(r => r.Id == deadline.SubjectId).Select(r => r.OwnerId).SingleOrDefaultAsync(cancellationToken);
        var audience = state switch
        {
            DeadlineState.Warning when owner is not null => new Audience(UserIds: [owner], Robot: false),
            DeadlineState.Warning => new Audience(Permission.AnswerHotline, Robot: false),
            DeadlineState.Overdue => new Audience(Permission.AnswerHotline, owner is null ? null : [owner], Robot: false),
            _ => new Audience(Permission.Command, owner is null ? null : [owner]),
        };
        return new DeadlineAlertTarget(HotlineDesk.Link(deadline.SubjectId), audience);
    }
}
