namespace Cordon.Platform.Data;

/// <summary>A row owned by one sub-district (the tenant key, see docs/decisions/003).</summary>
public interface ITenantOwned
{
    Guid SubdistrictId { get; }
}

/// <summary>
/// A row holding personal data, placed in the sub-district's hierarchy so that jurisdiction can be
/// enforced in the WHERE clause of every query (docs/decisions/005).
/// </summary>
public interface IInJurisdiction : ITenantOwned
{
    Guid NeighborhoodId { get; }

    Guid CompoundId { get; }
}

/// <summary>Creates, updates and deletes of this entity are written to the audit log with their values.</summary>
public interface IAudited
{
    Guid Id { get; }
}
