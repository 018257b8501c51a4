using Cordon.Features.Testing;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Platform.Data;

public sealed partial class CordonDb
{
    public DbSet<TestingRound> TestingRounds => Set<TestingRound>();

    public DbSet<RoundScope> RoundScopes => Set<RoundScope>();

    public DbSet<SamplingPoint> SamplingPoints => Set<SamplingPoint>();

    public DbSet<PointSampler> PointSamplers => Set<PointSampler>();

    public DbSet<Tube> Tubes => Set<Tube>();

    public DbSet<SampleRecord> SampleRecords => Set<SampleRecord>();

    public DbSet<Visitor> Visitors => Set<Visitor>();

    public DbSet<Exemption> Exemptions => Set<Exemption>();

    public DbSet<PositiveCase> PositiveCases => Set<PositiveCase>();

    public DbSet<SyncConflict> SyncConflicts => Set<SyncConflict>();
}
