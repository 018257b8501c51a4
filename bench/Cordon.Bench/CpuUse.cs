using System.Globalization;

namespace Cordon.Bench;

/// <summary>
/// Who used the machine's CPU during a phase (Linux /proc, in clock ticks of 1/100 s): the server process,
/// PostgreSQL's processes, and everything else busy on the machine (kernel, softirq for loopback traffic,
/// other processes). wrk's own time is taken from its exit (the shell's <c>times</c>) and taken out of the rest.
/// On a shared machine the rest says whether a run was disturbed; the biggest other process is named.
/// </summary>
internal sealed class CpuUse
{
    private const double TicksPerSecond = 100;

    private readonly long _busy;
    private readonly Dictionary<int, (string Name, long Ticks)> _processes;
    private readonly int _serverId;

    private CpuUse(int serverId)
    {
        _serverId = serverId;
        (_busy, _processes) = Read();
    }

    /// <summary>Cores used on average: server, PostgreSQL, wrk, the rest (and the biggest other process in it).</summary>
    public sealed record Cores(double Server, double Postgres, double Wrk, double Rest, string Biggest)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Server:F2} / {Postgres:F2} / {Wrk:F2} / {Rest:F2}{Biggest}");
    }

    public static CpuUse Start(int serverId) => new(serverId);

    /// <summary>
    /// Waits (at most <paramref name="limit"/>) until the machine has been idle for 6 s (under 0.15 cores busy
    /// in each of three 2-s windows), so that a run on a shared machine starts undisturbed. The time waited.
    /// </summary>
    public static async Task<TimeSpan> WaitIdleAsync(TimeSpan limit)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        if (!OperatingSystem.IsLinux())
        {
            return TimeSpan.Zero;
        }

        for (var quiet = 0; quiet < 3 && waited.Elapsed < limit;)
        {
            var before = Read().Busy;
            await Task.Delay(2000);
            quiet = (Read().Busy - before) / TicksPerSecond / 2 < 0.15 ? quiet + 1 : 0;
        }

        return waited.Elapsed;
    }

    public Cores Stop(double seconds, double wrkSeconds)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new Cores(double.NaN, double.NaN, wrkSeconds / seconds, double.NaN, "");
        }

        var (busy, processes) = Read();
        var used = processes.Select(p => (Pid: p.Key, p.Value.Name,
            Seconds: (p.Value.Ticks - (_processes.TryGetValue(p.Key, out var before) && before.Name == p.Value.Name ? before.Ticks : 0)) / TicksPerSecond)).ToList();
        var server = used.Where(p => p.Pid == _serverId).Sum(p => p.Seconds);
        var postgres = used.Where(p => p.Pid != _serverId && p.Name == "postgres").Sum(p => p.Seconds);
        var rest = Math.Max(0, ((busy - _busy) / TicksPerSecond) - server - postgres - wrkSeconds);
        var biggest = used.Where(p => p.Pid != _serverId && p.Name is not "postgres" and not "wrk").MaxBy(p => p.Seconds);
        var named = biggest.Seconds / seconds >= 0.1 ? string.Create(CultureInfo.InvariantCulture, $" ({biggest.Name} {biggest.Seconds / seconds:F2})") : "";
        return new Cores(server / seconds, postgres / seconds, wrkSeconds / seconds, rest / seconds, named);
    }

    private static (long Busy, Dictionary<int, (string Name, long Ticks)> Processes) Read()
    {
        var processes = new Dictionary<int, (string Name, long Ticks)>();
        if (!OperatingSystem.IsLinux())
        {
            return (0, processes);
        }

        // cpu  user nice system idle iowait irq softirq steal ...
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..].Select(long.Parse).ToArray();
        var busy = cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + cpu[7];
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
                processes[pid] = (name, long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // The process ended between listing and reading.
            }
        }

        return (busy, processes);
    }
}
