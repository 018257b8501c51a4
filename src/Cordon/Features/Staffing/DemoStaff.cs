using Cordon.Platform;
using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cordon.Features.Staffing;

/// <summary>
/// The demo sub-district's roster: about 130 invented people across its neighborhoods, as the seed's night assembled.
/// Runs after the demo data (its task is registered first) and only while the sub-district has no staff, so a restart
/// changes nothing. The sub-district is the one of the demo account <c>staff</c>, who is linked to one row.
/// </summary>
internal sealed class DemoStaff(IOptions<CordonOptions> options, CordonDb db, TimeProvider clock) : IStartupTask
{
    public const int Count = 130;
    private const string LinkedAccount = "staff";

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
    private static readonly string[] Given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "桂兰", "建华", "志强", "海燕", "晓东", "文斌", "玉梅"];

    public async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!options.Value.Demo)
        {
            return;
        }

        var subdistrict = await db.Users.Where(u => u.UserName == LinkedAccount).Select(u => (Guid?)u.SubdistrictId).FirstOrDefaultAsync(cancellationToken);
        if (subdistrict is not { } id || await db.Staff.AnyAsync(s => s.SubdistrictId == id, cancellationToken))
        {
            return;
        }

        var neighborhoods = await db.Neighborhoods.Where(n => n.SubdistrictId == id).OrderBy(n => n.Name).Select(n => n.Id).ToListAsync(cancellationToken);
        var random = new Random(20220312);
        var now = clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < Count; i++)
        {
            var (organisation, roles) = (i % 13) switch
            {
                0 => ("街道机关", StaffRoles.Leader | StaffRoles.Sweeper),
                1 => ("居委", StaffRoles.Leader | StaffRoles.Registrar),
                2 => ("医护", StaffRoles.Sampler),
                3 => ("医护", StaffRoles.Sampler | StaffRoles.Registrar),
                4 => ("民警", StaffRoles.Gatekeeper),
                5 => ("物业", StaffRoles.Gatekeeper | StaffRoles.Sweeper),
                6 => ("物业", StaffRoles.Driver),
                7 => ("居委", StaffRoles.Registrar | StaffRoles.Sweeper),
                8 => ("街道机关", StaffRoles.Sweeper | StaffRoles.Driver),
                _ => ("志愿者", i % 17 == 0 ? StaffRoles.Sweeper | StaffRoles.Other : StaffRoles.Sweeper),
            };
            db.Staff.Add(new StaffMember
            {
                SubdistrictId = id,
                Name = Surnames[random.Next(Surnames.Length)] + Given[random.Next(Given.Length)],
                Mobile = $"139000{i:D5}",
                Organisation = organisation,
                Roles = roles,
                NeighborhoodId = neighborhoods.Count == 0 || i % 10 == 9 ? null : neighborhoods[i % neighborhoods.Count],
                TravelMinutes = 5 + random.Next(86),
                NightCallable = random.Next(100) < 80,
                UserName = i == 1 ? LinkedAccount : null,
                CreatedAt = now,
                UpdatedAt = now,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
