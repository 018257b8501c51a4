using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Features.Ledger.Import;

public enum ImportJobState
{
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
}

/// <summary>
/// A large spreadsheet imported in the background: the upload waits on disk (0600, in the data directory), one job
/// per sub-district runs at a time, and its progress is here for the page's progress bar and
/// <c>GET /api/v1/ledger/imports/{id}</c>. It survives closing the page; it can be cancelled.
/// </summary>
public sealed class ImportJob : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public string UserId { get; set; } = "";

    public string UserName { get; set; } = "";

    public string FileName { get; set; } = "";

    public long FileBytes { get; set; }

    public bool DryRun { get; set; }

    public ImportMode Mode { get; set; }

    public ImportJobState State { get; set; }

    public int RowsRead { get; set; }

    public int RowsChecked { get; set; }

    public int RowsWritten { get; set; }

    public int Created { get; set; }

    public int Updated { get; set; }

    public int Unchanged { get; set; }

    public int ErrorCount { get; set; }

    public int RowsWithErrors { get; set; }

    /// <summary>The first errors (JSON, at most <see cref="LedgerImporter.MaxReportedErrors"/>), for the page and the API.</summary>
    public string Errors { get; set; } = "[]";

    /// <summary>Why a failed job failed, in both languages.</summary>
    public string? Failure { get; set; }

    public bool CancelRequested { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }
}

internal sealed class ImportJobMap : IEntityTypeConfiguration<ImportJob>
{
    public void Configure(EntityTypeBuilder<ImportJob> b)
    {
        b.ToTable("ImportJobs");
        b.Property(j => j.UserId).HasMaxLength(64);
        b.Property(j => j.UserName).HasMaxLength(128);
        b.Property(j => j.FileName).HasMaxLength(200);
        b.Property(j => j.Mode).HasConversion<string>().HasMaxLength(16);
        b.Property(j => j.State).HasConversion<string>().HasMaxLength(12);
        b.Property(j => j.Failure).HasMaxLength(500);
        b.HasIndex(j => new { j.SubdistrictId, j.State, j.CreatedAt });
    }
}

public static class ImportJobsDb
{
    extension(CordonDb db)
    {
        public DbSet<ImportJob> ImportJobs => db.Set<ImportJob>();
    }
}
