using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Web;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cordon.Features.Demo;

/// <summary>
/// A Wujiaochang-like demo sub-district: two neighborhoods, four compounds, one of them the size of
/// the seed's (about 1,700 households and 3,000 residents in old walk-ups and a few towers), and the
/// five demo accounts. Everything is synthetic and the same at every start.
/// </summary>
internal sealed class DemoData(
    IOptions<CordonOptions> options,
    CordonDb db,
    UserManager<CordonUser> users,
    TimeProvider clock,
    ILogger<DemoData> logger) : IStartupTask
{
    public const string Password = "Demo#2022";
    public const string BigCompound = "政立路580弄";
    public const string StaffNeighborhood = "政立路居民区";
    public const string OtherCompound = "国权东路88弄";

    public static readonly string[] DemoAccounts = ["admin", "commander", "staff", "volunteer", "sampler", "lab"];

    private static readonly string[] LocalDivisions = ["310110", "310110", "310110", "310104", "310101", "310115", "310113", "310106"];
    private static readonly string[] MigrantDivisions = ["340104", "320102", "410102", "330106", "510104", "420102", "362201", "130102"];

    private readonly Random _random = new(20220307);
    private DateTime _now;

    public async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!options.Value.Demo)
        {
            await GuardAsync(services, cancellationToken);
            return;
        }

        _now = clock.GetUtcNow().UtcDateTime;
        if (!await db.Subdistricts.AnyAsync(cancellationToken))
        {
            await SeedAsync(cancellationToken);
        }

        logger.LogWarning(
            "演示模式 Demo mode: accounts commander, staff, volunteer, sampler, lab, admin — password {Password}. 请勿在演示模式下录入真实个人信息 / do not enter real personal data.",
            Password);
    }

    /// <summary>
    /// A database seeded with <c>--demo</c> and started without it would accept the published password on any
    /// address: refuse to start, unless told to take the demo accounts out of service (<c>--remove-demo-accounts</c>).
    /// </summary>
    private async Task GuardAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var demo = await users.Users.Where(u => DemoAccounts.Contains(u.UserName!) && u.IsActive).ToListAsync(cancellationToken);
        var published = demo.Where(u => users.PasswordHasher.VerifyHashedPassword(u, u.PasswordHash ?? "", Password) != PasswordVerificationResult.Failed).ToList();
        if (published.Count == 0)
        {
            return;
        }

        if (!options.Value.RemoveDemoAccounts)
        {
            throw new StartupRefusedException(
                $"此数据库含有密码公开的演示账号（{string.Join("、", published.Select(u => u.UserName))}）：请用 --demo 启动，或加 --remove-demo-accounts 停用这些账号。 " +
                $"This database holds demo accounts with the published password ({string.Join(", ", published.Select(u => u.UserName))}): start with --demo, or add --remove-demo-accounts once to disable them.");
        }

        var signIn = services.GetRequiredService<SignInService>();
        foreach (var user in published)
        {
            user.IsActive = false;
            await users.RemovePasswordAsync(user);
            await signIn.RevokeAllAsync(user);
        }

        logger.LogWarning("演示账号已停用 Demo accounts disabled: {Accounts}", string.Join(", ", published.Select(u => u.UserName)));
    }

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        var subdistrict = new Subdistrict { Name = "五角场街道（演示）", DivisionCode = "310110", CreatedAt = _now };
        db.Subdistricts.Add(subdistrict);
        var zhengli = Neighborhood(subdistrict, StaffNeighborhood);
        var guoquan = Neighborhood(subdistrict, "国权东路居民区");

        var big = Compound(subdistrict, zhengli, BigCompound, "上海市杨浦区政立路580弄");
        for (var n = 1; n <= 40; n++)
        {
            AddBuilding(big, $"{n}号", floors: n % 7 == 0 ? 7 : 6, entrances: 2 + (n % 3), perFloor: 2, elevator: false, occupancy: 0.95);
        }

        AddBuilding(big, "41号", floors: 33, entrances: 1, perFloor: 4, elevator: true, occupancy: 0.9);
        AddBuilding(big, "42号", floors: 18, entrances: 1, perFloor: 6, elevator: true, occupancy: 0.92);

        var guoding = Compound(subdistrict, zhengli, "国定路400弄", "上海市杨浦区国定路400弄");
        for (var n = 1; n <= 4; n++)
        {
            AddBuilding(guoding, $"{n}号", floors: 6, entrances: 2, perFloor: 2, elevator: false, occupancy: 0.9);
        }

        var east = Compound(subdistrict, guoquan, OtherCompound, "上海市杨浦区国权东路88弄");
        for (var n = 1; n <= 6; n++)
        {
            AddBuilding(east, $"{n}号", floors: n <= 4 ? 6 : 11, entrances: n <= 4 ? 3 : 1, perFloor: n <= 4 ? 2 : 4, elevator: n > 4, occupancy: 0.9);
        }

        var zhongyuan = Compound(subdistrict, guoquan, "中原小区", "上海市杨浦区中原路99弄");
        for (var n = 1; n <= 3; n++)
        {
            AddBuilding(zhongyuan, $"{n}号", floors: 6, entrances: 2, perFloor: 2, elevator: false, occupancy: 0.88);
        }

        await db.SaveChangesAsync(cancellationToken);
        await AddUsersAsync(subdistrict, zhengli, big);
    }

    private async Task AddUsersAsync(Subdistrict subdistrict, Neighborhood staffNeighborhood, Compound volunteerCompound)
    {
        await AddUserAsync(subdistrict, "admin", "系统管理员", Roles.Admin);
        await AddUserAsync(subdistrict, "commander", "指挥部 王指挥", Roles.Commander);
        await AddUserAsync(subdistrict, "staff", "居委干部 李干部", Roles.Staff, new UserScope { NeighborhoodId = staffNeighborhood.Id });
        await AddUserAsync(subdistrict, "volunteer", "志愿者 张志愿", Roles.Volunteer,
            new UserScope { NeighborhoodId = volunteerCompound.NeighborhoodId, CompoundId = volunteerCompound.Id });
        await AddUserAsync(subdistrict, "sampler", "采样员 陈医生", Roles.Sampler);
        await AddUserAsync(subdistrict, "lab", "检测机构 化验室", Roles.Lab);
    }

    private async Task AddUserAsync(Subdistrict subdistrict, string name, string displayName, string role, UserScope? scope = null)
    {
        var user = new CordonUser { UserName = name, DisplayName = displayName, SubdistrictId = subdistrict.Id, CreatedAt = _now };
        var result = await users.CreateAsync(user, Password);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }

        await users.AddToRoleAsync(user, role);
        if (scope is not null)
        {
            scope.SubdistrictId = subdistrict.Id;
            scope.UserId = user.Id;
            db.UserScopes.Add(scope);
            await db.SaveChangesAsync();
        }
    }

    private Neighborhood Neighborhood(Subdistrict subdistrict, string name)
    {
        var neighborhood = new Neighborhood { SubdistrictId = subdistrict.Id, Name = name, CreatedAt = _now };
        db.Neighborhoods.Add(neighborhood);
        return neighborhood;
    }

    private Compound Compound(Subdistrict subdistrict, Neighborhood neighborhood, string name, string address)
    {
        var compound = new Compound { SubdistrictId = subdistrict.Id, NeighborhoodId = neighborhood.Id, Name = name, Address = address, CreatedAt = _now };
        db.Compounds.Add(compound);
        return compound;
    }

    private void AddBuilding(Compound compound, string number, int floors, int entrances, int perFloor, bool elevator, double occupancy)
    {
        var building = new Building
        {
            SubdistrictId = compound.SubdistrictId,
            NeighborhoodId = compound.NeighborhoodId,
            CompoundId = compound.Id,
            Number = number,
            SortKey = Address.SortKey(number),
            Floors = floors,
            Entrances = entrances,
            HasElevator = elevator,
        };
        db.Buildings.Add(building);
        for (var entrance = 1; entrance <= entrances; entrance++)
        {
            for (var floor = 1; floor <= floors; floor++)
            {
                for (var i = 1; i <= perFloor; i++)
                {
                    var flat = new Flat
                    {
                        SubdistrictId = building.SubdistrictId,
                        NeighborhoodId = building.NeighborhoodId,
                        CompoundId = building.CompoundId,
                        BuildingId = building.Id,
                        Entrance = entrance,
                        Floor = floor,
                        Room = $"{floor}{i:00}",
                    };
                    flat.IsVacant = _random.NextDouble() > occupancy;
                    db.Flats.Add(flat);
                    if (!flat.IsVacant)
                    {
                        AddHousehold(flat, elderlyBuilding: !elevator);
                    }
                }
            }
        }
    }

    private void AddHousehold(Flat flat, bool elderlyBuilding)
    {
        var household = Household.Of(flat, _now);
        db.Households.Add(household);
        var roll = _random.NextDouble();
        var size = roll < 0.33 ? 1 : roll < 0.74 ? 2 : roll < 0.93 ? 3 : 4;
        var tenants = _random.NextDouble() < 0.12;
        var headAge = tenants ? _random.Next(22, 45) : elderlyBuilding ? _random.Next(45, 92) : _random.Next(28, 80);
        var headMale = _random.NextDouble() < 0.5;
        for (var i = 0; i < size; i++)
        {
            var (age, male, relation) = i switch
            {
                0 => (headAge, headMale, tenants ? "租客" : "户主"),
                1 when !tenants && headAge > 24 => (Math.Clamp(headAge + _random.Next(-5, 4), 20, 95), !headMale, "配偶"),
                1 or 2 or 3 when tenants => (_random.Next(20, 45), _random.NextDouble() < 0.5, "租客"),
                _ when headAge > 55 && _random.NextDouble() < 0.5 => (_random.Next(2, 18), _random.NextDouble() < 0.5, "孙子女"),
                _ when headAge > 30 => (Math.Max(0, headAge - _random.Next(22, 34)), _random.NextDouble() < 0.5, "子女"),
                _ => (Math.Min(95, headAge + _random.Next(22, 30)), _random.NextDouble() < 0.5, "父母"),
            };
            db.Residents.Add(Person(household, age, male, relation, tenants, alone: size == 1));
        }
    }

    private Resident Person(Household household, int age, bool male, string relation, bool tenant, bool alone)
    {
        var today = DateOnly.FromDateTime(_now);
        var birth = today.AddYears(-age).AddDays(-_random.Next(0, 365));
        var foreign = !tenant && _random.NextDouble() < 0.004;
        var divisions = tenant ? MigrantDivisions : LocalDivisions;
        var sequence = _random.Next(0, 500) * 2 + (male ? 1 : 0);
        var tags = NeedTag.None;
        if (alone)
        {
            tags |= NeedTag.LivesAlone;
            if (age >= 70 && _random.NextDouble() < 0.45)
            {
                tags |= NeedTag.ElderlyAlone;
            }
        }

        tags |= Maybe(age >= 60 ? 0.09 : 0.015, NeedTag.Ill);
        tags |= Maybe(age >= 75 ? 0.12 : 0.005, NeedTag.Mobility);
        tags |= Maybe(!male && age is >= 22 and <= 40 ? 0.04 : 0, NeedTag.Pregnant);
        tags |= Maybe(0.012, NeedTag.Disabled);
        tags |= age < 3 ? NeedTag.Infant : NeedTag.None;
        tags |= foreign ? NeedTag.Foreign : NeedTag.None;
        var status = tenant ? ResidenceStatus.Tenant : _random.NextDouble() < 0.05 ? ResidenceStatus.Away : ResidenceStatus.Resident;
        return new Resident
        {
            SubdistrictId = household.SubdistrictId,
            NeighborhoodId = household.NeighborhoodId,
            CompoundId = household.CompoundId,
            BuildingId = household.BuildingId,
            FlatId = household.FlatId,
            HouseholdId = household.Id,
            Name = foreign ? ForeignName(male) : DemoNames.Next(_random, male),
            DocumentType = foreign ? DocumentType.Passport : DocumentType.IdCard,
            DocumentNumber = foreign ? $"E{_random.Next(10000000, 99999999)}" : IdNumber.Compose(divisions[_random.Next(divisions.Length)], birth, sequence),
            Phone = age >= 12 && _random.NextDouble() < 0.88 ? $"1{"3578"[_random.Next(4)]}{_random.Next(0, 10)}{_random.Next(10000000, 100000000)}" : null,
            Sex = male ? Sex.Male : Sex.Female,
            BirthDate = birth,
            Relation = relation,
            Status = status,
            StatusSince = status == ResidenceStatus.Away ? today.AddDays(-_random.Next(3, 60)) : null,
            Tags = tags,
            SamplingCode = SamplingCodes.New(),
            CreatedAt = _now,
            UpdatedAt = _now,
        };
    }

    private NeedTag Maybe(double probability, NeedTag tag) => _random.NextDouble() < probability ? tag : NeedTag.None;

    private string ForeignName(bool male) => male
        ? new[] { "KIM MINJUN", "TANAKA HIROSHI", "SMITH JOHN", "MÜLLER THOMAS" }[_random.Next(4)]
        : new[] { "LEE SEOYEON", "SATO YUKI", "BROWN EMMA", "DUBOIS CLAIRE" }[_random.Next(4)];
}
