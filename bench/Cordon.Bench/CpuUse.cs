using System.Globalization;

namespace Cordon.Bench;

/// <summary>
/// Who used the machine's CPU during a phase (Linux /proc, in clock ticks of 1/100 s): the server process,
/// PostgreSQL's processes, and everything else busy on the machine (kernel, softirq for loopback traffic,
/// other processes). wrk's own time is taken from its exit (the shell's <c>times</c>) and taken out of the rest.
/// </summary>
internal sealed class CpuUse
{
    private const double TicksPerSecond = 100;

    private readonly long _busy;
    private readonly long _server;
    private readonly long _postgres;
    private readonly int _serverId;

    private CpuUse(int serverId)
    {
        _serverId = serverId;
        (_busy, _server, _postgres) = Read(serverId);
    }

    /// <summary>Cores used on average: server, PostgreSQL, wrk, the rest.</summary>
    public sealed record Cores(double Server, double Postgres, double Wrk, double Rest)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Server:F2} / {Postgres:F2} / {Wrk:F2} / {Rest:F2}");
    }

    public static CpuUse Start(int serverId) => new(serverId);

    public Cores Stop(double seconds, double wrkSeconds)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new Cores(double.NaN, double.NaN, wrkSeconds / seconds, double.NaN);
        }

        var (busy, server, postgres) = Read(_serverId);
        var total = (busy - _busy) / TicksPerSecond;
        var ours = (server - _server) / TicksPerSecond;
        var database = (postgres - _postgres) / TicksPerSecond;
        return new Cores(ours / seconds, database / seconds, wrkSeconds / seconds, Math.Max(0, total - ours - database - wrkSeconds) / seconds);
    }

    private static (long Busy, long Server, long Postgres) Read(int serverId)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (0, 0, 0);
        }

        // cpu  user nice system idle iowait irq softirq steal ...
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..].Select(long.Parse).ToArray();
        var busy = cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + cpu[7];
        long server = 0, postgres = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var close = stat.LastIndexOf(')');
                var name = stat[(stat.IndexOf('(') + 1)..close];
                // After "(comm)": state is field 3, utime 14 and stime 15 (1-based over the whole line).
                var fields = stat[(close + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                if (pid == serverId)
                {
                    server += ticks;
                }
                else if (name == "postgres")
                {
                    postgres += ticks;
                }
            }
            catch (IOException)
            {
                // The process ended between listing and reading.
            }
        }

        return (busy, server, postgres);
    }
}
