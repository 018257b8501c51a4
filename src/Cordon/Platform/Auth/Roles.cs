namespace Cordon.Platform.Auth;

/// <summary>The roles of Cordon. Names are stored; never rename one without a migration.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Commander = "Commander";
    public const string Staff = "Staff";
    public const string Volunteer = "Volunteer";
    public const string Sampler = "Sampler";

    /// <summary>A testing laboratory's account: reports tube results, sees no residents.</summary>
    public const string Lab = "Lab";

    public static readonly IReadOnlyList<string> All = [Admin, Commander, Staff, Volunteer, Sampler, Lab];
}

/// <summary>What a role may do. Pages and endpoints ask for a permission, never for a role.</summary>
public enum Permission
{
    /// <summary>Browse the ledger and resident records (masked) within jurisdiction.</summary>
    ViewResidents,

    /// <summary>Create and correct households and residents.</summary>
    EditLedger,

    /// <summary>Load spreadsheets into the ledger.</summary>
    ImportLedger,

    /// <summary>Export lists to spreadsheets (masked unless <see cref="ExportPersonalData"/>).</summary>
    ExportLedger,

    /// <summary>Exports carry ID numbers and phones in full.</summary>
    ExportPersonalData,

    /// <summary>See one ID number or phone in full, with a reason that is audited.</summary>
    RevealPersonalData,

    /// <summary>Phones are shown in full in lists (staff call residents back all day).</summary>
    SeePhones,

    /// <summary>Run testing rounds, sampling points, exemptions and lab results.</summary>
    ManageTesting,

    /// <summary>Register samples.</summary>
    Sample,

    /// <summary>Report and correct lab results of sealed tubes (a lab account or the command office).</summary>
    ReportResults,

    /// <summary>Decisions of the command office: reopen a closed round, confirm a positive-to-negative correction.</summary>
    Command,

    /// <summary>Manage user accounts, roles and jurisdiction.</summary>
    ManageUsers,

    /// <summary>Browse the audit log.</summary>
    ViewAudit,

    /// <summary>Work a lockdown on the ground: check in, close milestones, tick the checklist, record disinfection.</summary>
    RunLockdowns,

    /// <summary>Edit the sub-district's response plan (milestones, checklist, unlock rule); each save is a new version.</summary>
    EditResponsePlan,

    /// <summary>Keep the roster of people who may be called up (phones in full: staff data), and call them up.</summary>
    ManageStaff,

    /// <summary>Walk a sweep team's packet and record door-to-door visits (staff and volunteers of the jurisdiction).</summary>
    VisitDoors,

    /// <summary>Answer the resident hotline: record requests, take them over, call back and close them (in jurisdiction).</summary>
    AnswerHotline,

    /// <summary>Keep the care register and work care tasks for vulnerable residents (meals, medicine, trips to hospital), in jurisdiction.</summary>
    ProvideCare,

    /// <summary>Issue and revoke home-stay certificates for residents of the jurisdiction (one, or a lockdown's in bulk).</summary>
    IssueCertificates,
}

public static class RolePermissions
{
    private static readonly Dictionary<string, Permission[]> Map = new(StringComparer.Ordinal)
    {
        [Roles.Admin] = [Permission.ManageUsers, Permission.ViewAudit, Permission.EditResponsePlan],
        [Roles.Commander] =
        [
            Permission.ViewResidents, Permission.EditLedger, Permission.ImportLedger, Permission.ExportLedger,
            Permission.ExportPersonalData, Permission.RevealPersonalData, Permission.SeePhones,
            Permission.ManageTesting, Permission.Sample, Permission.ReportResults, Permission.Command, Permission.ViewAudit, Permission.RunLockdowns,
            Permission.ManageStaff, Permission.VisitDoors, Permission.AnswerHotline, Permission.ProvideCare, Permission.IssueCertificates,
        ],
        [Roles.Staff] =
        [
            Permission.ViewResidents, Permission.EditLedger, Permission.ImportLedger, Permission.ExportLedger,
            Permission.RevealPersonalData, Permission.SeePhones, Permission.ManageTesting, Permission.Sample, Permission.RunLockdowns,
            Permission.VisitDoors, Permission.AnswerHotline, Permission.ProvideCare, Permission.IssueCertificates,
        ],
        [Roles.Volunteer] = [Permission.ViewResidents, Permission.VisitDoors, Permission.AnswerHotline, Permission.ProvideCare, Permission.IssueCertificates],
        [Roles.Sampler] = [Permission.Sample],
        [Roles.Lab] = [Permission.ReportResults],
    };

    public static IEnumerable<Permission> For(IEnumerable<string> roles) =>
        roles.SelectMany(r => Map.TryGetValue(r, out var p) ? p : []).Distinct();

    public static string PolicyName(Permission permission) => "perm:" + permission;
}
