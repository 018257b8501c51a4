using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>
/// Testing's tables on the one database, as extension properties: the feature adds to <see cref="CordonDb"/>
/// without the Platform type knowing the feature (docs/decisions/008).
/// </summary>
public static class TestingDb
{
    extension(CordonDb db)
    {
        public DbSet<TestingRound> TestingRounds => db.Set<TestingRound>();

        public DbSet<RoundScope> RoundScopes => db.Set<RoundScope>();

        public DbSet<SamplingPoint> SamplingPoints => db.Set<SamplingPoint>();

        public DbSet<PointSampler> PointSamplers => db.Set<PointSampler>();

        public DbSet<Tube> Tubes => db.Set<Tube>();

        public DbSet<SampleRecord> SampleRecords => db.Set<SampleRecord>();

        public DbSet<Visitor> Visitors => db.Set<Visitor>();

        public DbSet<Exemption> Exemptions => db.Set<Exemption>();

        public DbSet<PositiveCase> PositiveCases => db.Set<PositiveCase>();

        public DbSet<TubeCorrection> TubeCorrections => db.Set<TubeCorrection>();

        public DbSet<DoorKnock> DoorKnocks => db.Set<DoorKnock>();
    }
}
