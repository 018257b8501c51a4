using Cordon.Platform.Auth;
using Cordon.Platform.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Features.Testing;

internal sealed class TestingMap :
    IEntityTypeConfiguration<TestingRound>,
    IEntityTypeConfiguration<RoundScope>,
    IEntityTypeConfiguration<SamplingPoint>,
    IEntityTypeConfiguration<PointSampler>,
    IEntityTypeConfiguration<Tube>,
    IEntityTypeConfiguration<SampleRecord>,
    IEntityTypeConfiguration<Visitor>,
    IEntityTypeConfiguration<Exemption>,
    IEntityTypeConfiguration<PositiveCase>,
    IEntityTypeConfiguration<TubeCorrection>,
    IEntityTypeConfiguration<DoorKnock>
{
    public void Configure(EntityTypeBuilder<TestingRound> b)
    {
        b.ToTable("TestingRounds");
        b.Property(r => r.Name).HasMaxLength(64);
        b.Property(r => r.Rule).HasConversion<string>().HasMaxLength(24);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(12);
        b.Property(r => r.TubePrefix).HasMaxLength(8);
        b.HasIndex(r => new { r.SubdistrictId, r.Status, r.StartsAt });
        b.HasIndex(r => new { r.SubdistrictId, r.SeriesId });
    }

    public void Configure(EntityTypeBuilder<RoundScope> b)
    {
        b.ToTable("RoundScopes");
        b.HasIndex(s => new { s.SubdistrictId, s.RoundId });
        b.HasOne<TestingRound>().WithMany().HasForeignKey(s => s.RoundId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<SamplingPoint> b)
    {
        b.ToTable("SamplingPoints");
        b.Property(p => p.Name).HasMaxLength(64);
        b.HasIndex(p => new { p.SubdistrictId, p.RoundId });
        b.HasOne<TestingRound>().WithMany().HasForeignKey(p => p.RoundId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<PointSampler> b)
    {
        b.ToTable("PointSamplers");
        b.HasIndex(p => new { p.SubdistrictId, p.PointId, p.UserId }).IsUnique();
        b.HasOne<SamplingPoint>().WithMany().HasForeignKey(p => p.PointId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<Tube> b)
    {
        b.ToTable("Tubes");
        b.Property(t => t.Code).HasMaxLength(32);
        b.Property(t => t.Count).IsConcurrencyToken();
        b.Property(t => t.Result).HasConversion<string>().HasMaxLength(12);
        b.HasIndex(t => new { t.SubdistrictId, t.Code }).IsUnique();
        b.HasIndex(t => new { t.SubdistrictId, t.RoundId, t.Result });
        b.HasOne<TestingRound>().WithMany().HasForeignKey(t => t.RoundId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<SampleRecord> b)
    {
        b.ToTable("SampleRecords");
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.TubeCode).HasMaxLength(32);
        b.Property(r => r.OutOfScopeReason).HasMaxLength(200);
        b.Property(r => r.SamplerId).HasMaxLength(64);
        b.Property(r => r.SamplerName).HasMaxLength(128);
        b.Property(r => r.DeviceId).HasMaxLength(64);
        b.Property(r => r.ContentHash).HasMaxLength(64);
        b.HasIndex(r => new { r.RoundId, r.ResidentId }).IsUnique();
        b.HasIndex(r => new { r.RoundId, r.VisitorId }).IsUnique();
        b.HasIndex(r => new { r.TubeId, r.Position }).IsUnique();
        b.HasIndex(r => new { r.SubdistrictId, r.RoundId, r.CompoundId, r.BuildingId });
        b.HasIndex(r => new { r.SubdistrictId, r.ResidentId });
        b.HasOne<Tube>().WithMany().HasForeignKey(r => r.TubeId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<Visitor> b)
    {
        b.ToTable("Visitors");
        b.Property(v => v.Name).HasMaxLength(64).IsSensitive(SensitiveKind.Personal);
        b.Property(v => v.Phone).HasMaxLength(20).IsSensitive(SensitiveKind.Phone);
        b.Property(v => v.DocumentType).HasConversion<string>().HasMaxLength(32);
        b.Property(v => v.DocumentNumber).HasMaxLength(32).IsSensitive(SensitiveKind.IdNumber);
        b.Property(v => v.Reason).HasMaxLength(200);
        b.Property(v => v.SamplingCode).HasMaxLength(16);
        b.HasIndex(v => new { v.SubdistrictId, v.SamplingCode }).IsUnique();
        b.HasIndex(v => new { v.SubdistrictId, v.RoundId });
    }

    public void Configure(EntityTypeBuilder<Exemption> b)
    {
        b.ToTable("Exemptions");
        b.Property(e => e.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.Note).HasMaxLength(200);
        b.Property(e => e.CreatedBy).HasMaxLength(128);
        b.HasIndex(e => new { e.RoundId, e.ResidentId }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<PositiveCase> b)
    {
        b.ToTable("PositiveCases");
        b.HasIndex(c => new { c.SubdistrictId, c.ResidentId });
        b.HasIndex(c => c.TubeId).IsUnique();
    }

    public void Configure(EntityTypeBuilder<TubeCorrection> b)
    {
        b.ToTable("TubeCorrections");
        b.Property(c => c.TubeCode).HasMaxLength(32);
        b.Property(c => c.From).HasConversion<string>().HasMaxLength(12);
        b.Property(c => c.To).HasConversion<string>().HasMaxLength(12);
        b.Property(c => c.Reason).HasMaxLength(300);
        b.Property(c => c.RequestedBy).HasMaxLength(128);
        b.Property(c => c.DecidedBy).HasMaxLength(128);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(12);
        b.HasIndex(c => new { c.SubdistrictId, c.Status, c.RequestedAt });
        b.HasIndex(c => new { c.SubdistrictId, c.TubeId });
        b.HasOne<Tube>().WithMany().HasForeignKey(c => c.TubeId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<DoorKnock> b)
    {
        b.ToTable("DoorKnocks");
        b.Property(k => k.Id).ValueGeneratedNever();
        b.Property(k => k.Outcome).HasConversion<string>().HasMaxLength(20);
        b.Property(k => k.Note).HasMaxLength(200);
        b.Property(k => k.UserId).HasMaxLength(64);
        b.Property(k => k.UserName).HasMaxLength(128);
        b.HasIndex(k => new { k.SubdistrictId, k.RoundId, k.ResidentId, k.KnockedAt });
        b.HasOne<TestingRound>().WithMany().HasForeignKey(k => k.RoundId).OnDelete(DeleteBehavior.Cascade);
    }
}
