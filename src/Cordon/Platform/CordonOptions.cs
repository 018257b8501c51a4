namespace Cordon.Platform;

/// <summary>The <c>Cordon</c> configuration section. README.md lists every key.</summary>
public sealed class CordonOptions
{
    public const string Section = "Cordon";

    /// <summary>Where the SQLite database and the Data Protection keys live.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Seed a demo sub-district and demo accounts; loopback addresses only.</summary>
    public bool Demo { get; set; }

    /// <summary><c>--remove-demo-accounts</c>: a database once started with <c>--demo</c> keeps its data, loses the published passwords.</summary>
    public bool RemoveDemoAccounts { get; set; }

    /// <summary><c>--reset-password name</c>: give that account a new one-time password on the console, then exit.</summary>
    public string? ResetPassword { get; set; }

    /// <summary>IANA name of the zone times are shown in.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    public DatabaseOptions Database { get; set; } = new();

    public SignInOptions SignIn { get; set; } = new();

    public SearchOptions Search { get; set; } = new();

    public LinkOptions Links { get; set; } = new();

    public ForwardedHeadersSection ForwardedHeaders { get; set; } = new();

    /// <summary>The reverse proxies whose X-Forwarded-For/Proto Cordon believes (none: it is reached directly).</summary>
    public sealed class ForwardedHeadersSection
    {
        public List<string> KnownProxies { get; set; } = [];

        /// <summary>Networks of proxies, as CIDR (<c>10.0.0.0/8</c>).</summary>
        public List<string> KnownNetworks { get; set; } = [];
    }

    /// <summary>Requests by personal link (no sign-in) one address may make: a gate's phones share one address, so generous.</summary>
    public sealed class LinkOptions
    {
        public int Burst { get; set; } = 300;

        public int PerMinute { get; set; } = 120;
    }

    public sealed class SearchOptions
    {
        /// <summary>Searches of people a user may make in a burst.</summary>
        public int Burst { get; set; } = 60;

        /// <summary>Searches a user regains per minute after a burst.</summary>
        public int PerMinute { get; set; } = 30;
    }

    public sealed class DatabaseOptions
    {
        /// <summary><c>Sqlite</c> (embedded default) or <c>Postgres</c>.</summary>
        public string Provider { get; set; } = "Sqlite";
    }

    public sealed class SignInOptions
    {
        /// <summary>Sign-in attempts allowed per client address per minute, pages and API together.</summary>
        public int PermitPerMinute { get; set; } = 20;

        /// <summary>Sign-in attempts allowed per user name per minute, from all addresses together.</summary>
        public int PerUserNamePerMinute { get; set; } = 10;

        /// <summary>Lifetime of a bearer token for machines and field devices.</summary>
        public int TokenLifetimeHours { get; set; } = 8;
    }
}
