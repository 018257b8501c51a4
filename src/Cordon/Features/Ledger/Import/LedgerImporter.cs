using Cordon.Platform;
using Cordon.Platform.Audit;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Files;
using Cordon.Platform.Localization;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Ledger.Import;

public enum ImportMode
{
    /// <summary>Any error and nothing is stored.</summary>
    AllOrNothing,

    /// <summary>Valid rows are stored; rows with errors are reported and skipped.</summary>
    ValidOnly,
}

/// <summary>One reported problem: the row the spreadsheet program shows, the header text, the value, why.</summary>
public sealed record ImportError(int Row, string? Column, string? Value, string Code, string Message, string Zh, string En);

/// <summary>Something the user should know that is not a problem with their data (the template's example row was skipped).</summary>
public sealed record ImportNotice(int Row, string Code, string Message, string Zh, string En);

public sealed record ImportReport(
    int RowsRead,
    int Created,
    int Updated,
    int Unchanged,
    IReadOnlyList<ImportError> Errors,
    int ErrorCount,
    int RowsWithErrors,
    bool Committed,
    bool DryRun,
    IReadOnlyList<string> NewNeighborhoods,
    IReadOnlyList<string> NewCompounds,
    int NewBuildings,
    int NewFlats)
{
    /// <summary>Rows that went through the checks: rows read less the template's example row.</summary>
    public int RowsChecked { get; init; } = RowsRead;

    public IReadOnlyList<ImportNotice> Notices { get; init; } = [];

    /// <summary>Stopped between two chunks at the user's request; with <see cref="ImportWrites.EachChunk"/> the chunks before it are stored.</summary>
    public bool Cancelled { get; init; }
}

/// <summary>How an import writes.</summary>
public enum ImportWrites
{
    /// <summary>One transaction: committed at the end when the mode allows it, else rolled back (a dry run always is). Small files, in the request.</summary>
    OneTransaction,

    /// <summary>
    /// Each chunk of rows is committed on its own (background jobs): other writers, sample registrations on SQLite
    /// above all, get the database between chunks, and progress is durable. A cancel keeps the chunks done.
    /// </summary>
    EachChunk,

    /// <summary>
    /// Nothing is written, not even inside a transaction: every row is checked against the database and against what
    /// the rows above it would have created (kept in memory). The preview and the check of a background job.
    /// </summary>
    None,
}

/// <summary>Where an import stands after a chunk; the job's progress bar.</summary>
public sealed record ImportProgress(int RowsRead, int RowsChecked, int Created, int Updated, int Unchanged, int ErrorCount, int RowsWithErrors);

/// <summary>One run of the importer.</summary>
public sealed record ImportRun(bool DryRun, ImportMode Mode)
{
    public ImportWrites Writes { get; init; } = ImportWrites.OneTransaction;

    /// <summary>The import job this run belongs to: the id of its audit line.</summary>
    public Guid? JobId { get; init; }

    /// <summary>The instant written as every created resident's <c>CreatedAt</c> (the job's start); now when not given.</summary>
    public DateTime? At { get; init; }

    /// <summary>Where to write the rows with errors (xlsx: a first column 错误, then the row as read); none when null.</summary>
    public Stream? ErrorRows { get; init; }

    /// <summary>Called after every chunk; answering false stops the import there (cancelled).</summary>
    public Func<ImportProgress, CancellationToken, Task<bool>>? AfterChunk { get; init; }
}

/// <summary>What a quick look at a file says before anything is imported: it has a ledger header, and about how many rows.</summary>
public sealed record ImportProbe(int RowsSeen);

/// <summary>
/// Loads a committee's spreadsheet into the ledger. The dry run and the real run are the same code: in the request
/// (small files) everything happens in one transaction that a dry run (or an all-or-nothing run with errors) rolls
/// back; a background job checks without writing and commits chunk by chunk (<see cref="ImportWrites"/>). Rows stream
/// through in chunks, so memory does not grow with the file.
/// Residents are matched by document number, else by flat and name: the same file twice changes nothing.
/// </summary>
public sealed class LedgerImporter(CordonDb db, Caller caller, Catalog catalog, LocalTime time, TimeProvider clock, DataDirectory data)
{
    public const int MaxReportedErrors = 1000;
    public const int ChunkSize = 2000;
    private const int HeaderSearchRows = 30;

    private readonly Dictionary<string, Guid> _neighborhoods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Guid Id, Guid NeighborhoodId)> _compounds = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, Dictionary<string, BuildingInfo>> _buildings = [];
    private readonly Dictionary<Guid, Dictionary<(int Entrance, string Room), FlatInfo>> _flats = [];
    private readonly Dictionary<string, int> _seenDocuments = new(StringComparer.Ordinal);
    private readonly HashSet<(Guid Flat, string Name)> _seenNames = [];
    private readonly Dictionary<Guid, int> _matched = [];
    private readonly Dictionary<Guid, BuildingInfo> _grown = [];
    private readonly List<ImportError> _errors = [];
    private readonly HashSet<int> _rowsWithErrors = [];
    private readonly List<string> _newNeighborhoods = [];
    private readonly List<string> _newCompounds = [];
    private readonly List<Flat> _pendingFlats = [];
    private readonly List<Household> _pendingHouseholds = [];
    private readonly List<Resident> _pendingResidents = [];
    private readonly List<AuditEntry> _pendingAudit = [];
    private readonly List<SheetRow> _window = [];
    private readonly Dictionary<int, List<string>> _rowMessages = [];
    private readonly List<ImportNotice> _notices = [];
    private ImportRun _run = new(true, ImportMode.AllOrNothing);
    private XlsxWriter? _errorRows;
    private string _fileName = "";
    private int _errorCount;
    private int _created;
    private int _updated;
    private int _unchanged;
    private int _newBuildings;
    private int _newFlats;
    private DateTime _now;

    public Task<ImportReport> ImportAsync(Stream file, string fileName, bool dryRun, ImportMode mode, CancellationToken cancellationToken = default) =>
        ImportAsync(file, fileName, new ImportRun(dryRun, mode), cancellationToken);

    public async Task<ImportReport> ImportAsync(Stream file, string fileName, ImportRun run, CancellationToken cancellationToken = default)
    {
        _run = run;
        _now = run.At ?? clock.GetUtcNow().UtcDateTime;
        _fileName = fileName;
        var today = DateOnly.FromDateTime(time.Now);
        using var rows = SpreadsheetReader.Read(file, fileName, Scratch(data)).GetEnumerator();
        var parser = FindHeader(rows, today);
        if (run.ErrorRows is { } target)
        {
            _errorRows = new XlsxWriter(target, "有错误的行", [40, .. rows.Current.Cells.Select(_ => 14.0)]);
            _errorRows.WriteRow(["错误", .. rows.Current.Cells.Select(LedgerExport.Escape)], header: true);
        }

        try
        {
            return await RunAsync(rows, parser, cancellationToken);
        }
        finally
        {
            _errorRows?.Dispose();
        }
    }

    /// <summary>Finds the header (or refuses the file) and counts the rows below it, up to <paramref name="countUpTo"/>.</summary>
    public static ImportProbe Probe(Stream file, string fileName, int countUpTo, DateOnly today, DataDirectory data)
    {
        using var rows = SpreadsheetReader.Read(file, fileName, Scratch(data)).GetEnumerator();
        FindHeader(rows, today);
        var seen = 0;
        while (seen <= countUpTo && rows.MoveNext())
        {
            seen += rows.Current.IsBlank ? 0 : 1;
        }

        return new ImportProbe(seen);
    }

    private static string Scratch(DataDirectory data) => data.Sub("imports/scratch");

    private async Task<ImportReport> RunAsync(IEnumerator<SheetRow> rows, LedgerRowParser parser, CancellationToken cancellationToken)
    {
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var transaction = _run.Writes == ImportWrites.OneTransaction ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        await LoadPlacesAsync(cancellationToken);

        var rowsRead = 0;
        var rowsChecked = 0;
        var cancelled = false;
        var chunk = new List<LedgerRow>(ChunkSize);
        var problems = new List<RowProblem>();
        while (rows.MoveNext())
        {
            var row = rows.Current;
            if (row.IsBlank)
            {
                continue;
            }

            rowsRead++;
            if (_errorRows is not null)
            {
                _window.Add(row);
            }

            var parsed = parser.Parse(row, problems);
            if (parsed is not null && TemplateWorkbook.IsExample(parsed))
            {
                // The template's example row, left in: not a resident. Said once, never imported.
                var (zh, en) = catalog.Both("ledger.import.example-skipped", row.Number, parsed.Name);
                _notices.Add(new ImportNotice(row.Number, "example_row_skipped", Catalog.IsEnglish(System.Globalization.CultureInfo.CurrentUICulture) ? en : zh, zh, en));
                continue;
            }

            rowsChecked++;
            if (parsed is not null)
            {
                chunk.Add(parsed);
            }

            Report(problems);

            // A file of nothing but wrong rows never fills a chunk: its window of rows is bounded all the same.
            if (chunk.Count == ChunkSize || _window.Count >= 2 * ChunkSize)
            {
                if (!await FlushAsync(chunk, rowsRead, rowsChecked, cancellationToken))
                {
                    cancelled = true;
                    break;
                }
            }
        }

        if (!cancelled)
        {
            // The last chunk: whatever the callback says now, the file is through.
            await FlushAsync(chunk, rowsRead, rowsChecked, cancellationToken);
        }

        db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;

        var committed = _run.Writes switch
        {
            ImportWrites.OneTransaction => !_run.DryRun && (_run.Mode == ImportMode.ValidOnly || _errorCount == 0) && _created + _updated > 0,
            ImportWrites.EachChunk => _created + _updated > 0,
            _ => false,
        };
        if (committed)
        {
            var details = new Dictionary<string, object?[]>
            {
                ["file"] = [null, _fileName],
                ["rows"] = [null, rowsRead],
                ["created"] = [null, _created],
                ["updated"] = [null, _updated],
                ["errors"] = [null, _errorCount],
            };
            if (cancelled)
            {
                details["cancelled"] = [null, true];
            }

            db.Audit(AuditAction.Import, "Ledger", _run.JobId?.ToString(), _fileName, details);
            await db.SaveChangesAsync(cancellationToken);
        }

        if (transaction is not null)
        {
            if (committed)
            {
                await transaction.CommitAsync(cancellationToken);
            }
            else
            {
                await transaction.RollbackAsync(cancellationToken);
            }
        }

        db.ChangeTracker.Clear();
        if (!committed)
        {
            // A preview answers, for every ID number in the file, whether it is registered: a bulk read, audited.
            var what = _run.DryRun ? "import-dry-run" : _run.Writes == ImportWrites.None ? "import-check" : "import-not-written";
            await db.AuditReadAsync(what, new { file = _fileName, errors = _errorCount, job = _run.JobId }, rowsRead, cancellationToken);
        }

        return new ImportReport(rowsRead, _created, _updated, _unchanged, [.. _errors.OrderBy(e => e.Row)], _errorCount, _rowsWithErrors.Count, committed, _run.DryRun,
            _newNeighborhoods, _newCompounds, _newBuildings, _newFlats)
        {
            RowsChecked = rowsChecked,
            Notices = _notices,
            Cancelled = cancelled,
        };
    }

    /// <summary>Applies a chunk (committing it on its own if the run says so), writes its rows with errors, reports progress.</summary>
    private async Task<bool> FlushAsync(List<LedgerRow> chunk, int rowsRead, int rowsChecked, CancellationToken cancellationToken)
    {
        if (_run.Writes == ImportWrites.EachChunk && chunk.Count > 0)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await ApplyAsync(chunk, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        else
        {
            await ApplyAsync(chunk, cancellationToken);
        }

        chunk.Clear();
        WriteErrorRows();
        return _run.AfterChunk is not { } report
            || await report(new ImportProgress(rowsRead, rowsChecked, _created, _updated, _unchanged, _errorCount, _rowsWithErrors.Count), cancellationToken);
    }

    /// <summary>The window's rows that have errors, in the file's order, each with all its errors in Chinese before its cells.</summary>
    private void WriteErrorRows()
    {
        if (_errorRows is null)
        {
            return;
        }

        foreach (var row in _window)
        {
            if (_rowMessages.Remove(row.Number, out var messages))
            {
                _errorRows.WriteRow([$"第 {row.Number} 行：{string.Join("；", messages)}", .. row.Cells.Select(LedgerExport.Escape)]);
            }
        }

        _window.Clear();
        _rowMessages.Clear();
    }

    private static LedgerRowParser FindHeader(IEnumerator<SheetRow> rows, DateOnly today)
    {
        for (var i = 0; i < HeaderSearchRows && rows.MoveNext(); i++)
        {
            if (LedgerRowParser.TryHeader(rows.Current, today) is { } parser)
            {
                if (parser.MissingRequired.Count > 0)
                {
                    throw new SpreadsheetException(LedgerErrors.ColumnsMissing, string.Join("、", parser.MissingRequired.Select(LedgerColumns.HeaderOf)));
                }

                return parser;
            }
        }

        throw new SpreadsheetException(LedgerErrors.HeaderNotFound, string.Join("、", LedgerColumns.Required.Select(LedgerColumns.HeaderOf)));
    }

    private async Task LoadPlacesAsync(CancellationToken cancellationToken)
    {
        // Existence is checked across the whole sub-district (names are unique in it); whether the
        // caller may write there is checked per row against their jurisdiction.
        foreach (var n in await db.Neighborhoods.IgnoreQueryFilters().Where(n => n.SubdistrictId == caller.SubdistrictId)
            .Select(n => new { n.Id, n.Name }).ToListAsync(cancellationToken))
        {
            _neighborhoods[n.Name] = n.Id;
        }

        foreach (var c in await db.Compounds.IgnoreQueryFilters().Where(c => c.SubdistrictId == caller.SubdistrictId)
            .Select(c => new { c.Id, c.Name, c.NeighborhoodId }).ToListAsync(cancellationToken))
        {
            _compounds[c.Name] = (c.Id, c.NeighborhoodId);
        }
    }

    private async Task ApplyAsync(List<LedgerRow> chunk, CancellationToken cancellationToken)
    {
        if (chunk.Count == 0)
        {
            return;
        }

        var placed = new List<(LedgerRow Row, FlatInfo Flat)>(chunk.Count);
        foreach (var row in chunk)
        {
            if (await PlaceAsync(row, cancellationToken) is { } flat)
            {
                placed.Add((row, flat));
            }
        }

        await GrowBuildingsAsync(cancellationToken);

        // One query per document type, so the unique index (SubdistrictId, DocumentType, DocumentNumber)
        // answers it: without the type, SQLite scans the whole sub-district for every chunk. The numbers
        // go as one array parameter (SQLite json_each, PostgreSQL ANY): one cached query shape, where
        // 2,000 separate parameters cost more to build and bind than the lookup itself.
        var byDocument = new Dictionary<(DocumentType, string), Resident>();
        foreach (var group in placed.Where(p => p.Row.DocumentNumber is not null).GroupBy(p => p.Row.DocumentType))
        {
            var type = group.Key;
            var numbers = group.Select(p => p.Row.DocumentNumber!).Distinct().ToList();
            foreach (var resident in await db.Residents.IgnoreQueryFilters().AsNoTracking()
                .Where(r => r.SubdistrictId == caller.SubdistrictId && r.DocumentType == type && EF.Parameter(numbers).Contains(r.DocumentNumber!))
                .ToListAsync(cancellationToken))
            {
                byDocument[(resident.DocumentType, resident.DocumentNumber!)] = resident;
            }
        }

        var flatsWithoutDocument = placed.Where(p => p.Row.DocumentNumber is null && !p.Flat.IsNew).Select(p => p.Flat.Id).Distinct().ToList();
        var byFlatAndName = flatsWithoutDocument.Count == 0 ? [] : (await db.Residents.AsNoTracking()
            .Where(r => EF.Parameter(flatsWithoutDocument).Contains(r.FlatId))
            .ToListAsync(cancellationToken))
            .GroupBy(r => (r.FlatId, r.Name)).ToDictionary(g => g.Key, g => g.First());

        foreach (var (row, flat) in placed)
        {
            if (row.DocumentNumber is { } document)
            {
                var key = $"{row.DocumentType}:{document}";
                if (_seenDocuments.TryGetValue(key, out var first))
                {
                    Problem(row, LedgerColumn.DocumentNumber, document, LedgerErrors.DuplicateInFile, first);
                    continue;
                }

                _seenDocuments[key] = row.Number;
                if (byDocument.TryGetValue((row.DocumentType, document), out var holder))
                {
                    if (holder.FlatId != flat.Id)
                    {
                        if (await DescribeAsync(holder, cancellationToken) is { } where)
                        {
                            Problem(row, LedgerColumn.DocumentNumber, document, LedgerErrors.DocumentHeldElsewhere, where);
                        }
                        else
                        {
                            Problem(row, LedgerColumn.DocumentNumber, document, LedgerErrors.DocumentUnavailable);
                        }

                        continue;
                    }

                    Update(holder, row);
                    continue;
                }
            }
            else if (!_seenNames.Add((flat.Id, row.Name)))
            {
                Problem(row, LedgerColumn.Name, row.Name, LedgerErrors.DuplicateInFile, row.Number);
                continue;
            }
            else if (byFlatAndName.TryGetValue((flat.Id, row.Name), out var sameName))
            {
                Update(sameName, row);
                continue;
            }

            await CreateAsync(row, flat, cancellationToken);
        }

        if (_run.Writes == ImportWrites.None)
        {
            // Checked, not written: what this chunk would create stays in the caches above for the next chunks.
            db.ChangeTracker.Clear();
            _pendingFlats.Clear();
            _pendingHouseholds.Clear();
            _pendingResidents.Clear();
            _pendingAudit.Clear();
            return;
        }

        // Places and corrections go through EF (audited per row); the new flats, households and
        // residents are written in bulk, each resident with its own audit line.
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        await db.BulkInsertAsync(_pendingFlats, cancellationToken);
        await db.BulkInsertAsync(_pendingHouseholds, cancellationToken);
        await db.BulkInsertAsync(_pendingResidents, cancellationToken);
        await db.BulkInsertAsync(_pendingAudit, cancellationToken);
        _pendingFlats.Clear();
        _pendingHouseholds.Clear();
        _pendingResidents.Clear();
        _pendingAudit.Clear();
    }

    private static string CreatedChanges(Resident r)
    {
        var changes = new Dictionary<string, string?[]>
        {
            ["Name"] = [null, r.Name],
            ["DocumentType"] = [null, r.DocumentType.ToString()],
            ["DocumentNumber"] = [null, Mask.IdNumber(r.DocumentNumber)],
            ["Phone"] = [null, Mask.Phone(r.Phone)],
            ["Status"] = [null, r.Status.ToString()],
        };
        if (r.Tags != NeedTag.None)
        {
            changes["Tags"] = [null, r.Tags.ToString()];
        }

        return System.Text.Json.JsonSerializer.Serialize(changes, CordonDb.AuditJson);
    }

    /// <summary>The flat a row names, creating neighborhood, compound, building and flat as needed and allowed.</summary>
    private async Task<FlatInfo?> PlaceAsync(LedgerRow row, CancellationToken cancellationToken)
    {
        Guid neighborhoodId;
        Guid compoundId;
        if (_compounds.TryGetValue(row.Compound, out var compound))
        {
            if (row.Neighborhood is { } named && _neighborhoods.TryGetValue(named, out var namedId) && namedId != compound.NeighborhoodId)
            {
                Problem(row, LedgerColumn.Compound, row.Compound, LedgerErrors.CompoundInOtherNeighborhood, row.Neighborhood);
                return null;
            }

            if (!MayWrite(compound.NeighborhoodId, compound.Id))
            {
                Problem(row, LedgerColumn.Compound, row.Compound, LedgerErrors.OutsideJurisdiction);
                return null;
            }

            (compoundId, neighborhoodId) = compound;
        }
        else
        {
            if (row.Neighborhood is null)
            {
                if (caller.NeighborhoodIds.Count == 1 && caller.CompoundIds.Count == 0)
                {
                    neighborhoodId = caller.NeighborhoodIds[0];
                }
                else
                {
                    Problem(row, LedgerColumn.Neighborhood, "", LedgerErrors.NeighborhoodRequired, row.Compound);
                    return null;
                }
            }
            else if (_neighborhoods.TryGetValue(row.Neighborhood, out var existing))
            {
                neighborhoodId = existing;
            }
            else if (caller.WholeSubdistrict)
            {
                var created = new Neighborhood { SubdistrictId = caller.SubdistrictId, Name = row.Neighborhood, CreatedAt = _now };
                db.Neighborhoods.Add(created);
                _neighborhoods[created.Name] = created.Id;
                _newNeighborhoods.Add(created.Name);
                neighborhoodId = created.Id;
            }
            else
            {
                Problem(row, LedgerColumn.Neighborhood, row.Neighborhood, LedgerErrors.OutsideJurisdiction);
                return null;
            }

            if (!caller.WholeSubdistrict && !caller.NeighborhoodIds.Contains(neighborhoodId))
            {
                Problem(row, LedgerColumn.Compound, row.Compound, LedgerErrors.OutsideJurisdiction);
                return null;
            }

            var newCompound = new Compound { SubdistrictId = caller.SubdistrictId, NeighborhoodId = neighborhoodId, Name = row.Compound, CreatedAt = _now };
            db.Compounds.Add(newCompound);
            _compounds[newCompound.Name] = (newCompound.Id, neighborhoodId);
            _newCompounds.Add(newCompound.Name);
            compoundId = newCompound.Id;
        }

        var buildings = await BuildingsAsync(compoundId, cancellationToken);
        if (!buildings.TryGetValue(row.Building, out var building))
        {
            var entity = new Building
            {
                SubdistrictId = caller.SubdistrictId,
                NeighborhoodId = neighborhoodId,
                CompoundId = compoundId,
                Number = row.Building,
                SortKey = Address.SortKey(row.Building),
                Floors = row.Floor,
                Entrances = row.Entrance,
            };
            db.Buildings.Add(entity);
            building = new BuildingInfo(entity.Id, entity.Floors, entity.Entrances, true);
            buildings[row.Building] = building;
            _flats[entity.Id] = [];
            _newBuildings++;
        }
        else if (row.Floor > building.Floors || row.Entrance > building.Entrances)
        {
            // The file knows a higher floor or another entrance: the building grows to hold it,
            // written once per chunk (GrowBuildingsAsync) however many rows went higher.
            building = building with { Floors = Math.Max(building.Floors, row.Floor), Entrances = Math.Max(building.Entrances, row.Entrance) };
            buildings[row.Building] = building;
            _grown[building.Id] = building;
        }

        var flats = await FlatsAsync(building.Id, cancellationToken);
        if (!flats.TryGetValue((row.Entrance, row.Room), out var flat))
        {
            var entity = new Flat
            {
                SubdistrictId = caller.SubdistrictId,
                NeighborhoodId = neighborhoodId,
                CompoundId = compoundId,
                BuildingId = building.Id,
                Entrance = row.Entrance,
                Floor = row.Floor,
                Room = row.Room,
            };
            _pendingFlats.Add(entity);
            flat = new FlatInfo(entity.Id, neighborhoodId, compoundId, building.Id, null, false, true);
            flats[(row.Entrance, row.Room)] = flat;
            _newFlats++;
        }

        return flat;
    }

    private async Task GrowBuildingsAsync(CancellationToken cancellationToken)
    {
        // Find looks in this chunk's unsaved changes first: the building may be new in this file.
        foreach (var grown in _grown.Values)
        {
            // Without writes, a building new in this file is in neither the tracker nor the database: nothing to grow.
            if (await db.Buildings.FindAsync([grown.Id], cancellationToken) is not { } tracked)
            {
                continue;
            }

            tracked.Floors = Math.Max(tracked.Floors, grown.Floors);
            tracked.Entrances = Math.Max(tracked.Entrances, grown.Entrances);
        }

        _grown.Clear();
    }

    private bool MayWrite(Guid neighborhoodId, Guid compoundId) =>
        caller.WholeSubdistrict || caller.NeighborhoodIds.Contains(neighborhoodId) || caller.CompoundIds.Contains(compoundId);

    private async Task<Dictionary<string, BuildingInfo>> BuildingsAsync(Guid compoundId, CancellationToken cancellationToken)
    {
        if (!_buildings.TryGetValue(compoundId, out var buildings))
        {
            buildings = await db.Buildings.IgnoreQueryFilters().AsNoTracking()
                .Where(b => b.SubdistrictId == caller.SubdistrictId && b.CompoundId == compoundId)
                .ToDictionaryAsync(b => b.Number, b => new BuildingInfo(b.Id, b.Floors, b.Entrances, false), StringComparer.Ordinal, cancellationToken);
            _buildings[compoundId] = buildings;
        }

        return buildings;
    }

    private async Task<Dictionary<(int Entrance, string Room), FlatInfo>> FlatsAsync(Guid buildingId, CancellationToken cancellationToken)
    {
        if (!_flats.TryGetValue(buildingId, out var flats))
        {
            var rows = await db.Flats.IgnoreQueryFilters().AsNoTracking()
                .Where(f => f.SubdistrictId == caller.SubdistrictId && f.BuildingId == buildingId)
                .Select(f => new
                {
                    f.Id,
                    f.NeighborhoodId,
                    f.CompoundId,
                    f.Entrance,
                    f.Room,
                    f.IsVacant,
                    Household = db.Households.IgnoreQueryFilters().Where(h => h.FlatId == f.Id).Select(h => (Guid?)h.Id).FirstOrDefault(),
                })
                .ToListAsync(cancellationToken);
            flats = rows.ToDictionary(f => (f.Entrance, f.Room), f => new FlatInfo(f.Id, f.NeighborhoodId, f.CompoundId, buildingId, f.Household, f.IsVacant, false));
            _flats[buildingId] = flats;
        }

        return flats;
    }

    private async Task CreateAsync(LedgerRow row, FlatInfo placed, CancellationToken cancellationToken)
    {
        // The cache holds the flat as the rows before this one left it (household made, no longer vacant).
        var flat = _flats[placed.BuildingId][(row.Entrance, row.Room)];
        var householdId = flat.HouseholdId;
        if (householdId is null)
        {
            var household = new Household
            {
                SubdistrictId = caller.SubdistrictId,
                NeighborhoodId = flat.NeighborhoodId,
                CompoundId = flat.CompoundId,
                BuildingId = flat.BuildingId,
                FlatId = flat.Id,
                CreatedAt = _now,
            };
            _pendingHouseholds.Add(household);
            householdId = household.Id;
        }

        if (flat.IsVacant)
        {
            var tracked = await db.Flats.IgnoreQueryFilters().SingleAsync(f => f.Id == flat.Id, cancellationToken);
            tracked.IsVacant = false;
            db.ChangeTracker.DetectChanges();
        }

        _flats[flat.BuildingId][(row.Entrance, row.Room)] = flat with { HouseholdId = householdId, IsVacant = false };

        var resident = new Resident
        {
            SubdistrictId = caller.SubdistrictId,
            NeighborhoodId = flat.NeighborhoodId,
            CompoundId = flat.CompoundId,
            BuildingId = flat.BuildingId,
            FlatId = flat.Id,
            HouseholdId = householdId.Value,
            Name = row.Name,
            DocumentType = row.DocumentType,
            DocumentNumber = row.DocumentNumber,
            Phone = row.Phone,
            Sex = row.Sex ?? Sex.Unknown,
            BirthDate = row.BirthDate,
            Relation = row.Relation ?? "",
            Status = row.Status ?? ResidenceStatus.Resident,
            StatusSince = row.StatusSince,
            Tags = row.Tags ?? NeedTag.None,
            Notes = row.Notes ?? "",
            SamplingCode = SamplingCodes.New(),
            CreatedAt = _now,
            UpdatedAt = _now,
        };
        _pendingResidents.Add(resident);
        _pendingAudit.Add(new AuditEntry
        {
            SubdistrictId = caller.SubdistrictId,
            At = _now,
            UserId = caller.UserId,
            UserName = caller.UserName,
            Action = AuditAction.Create,
            EntityType = nameof(Resident),
            EntityId = resident.Id.ToString(),
            Reason = _fileName.Length > 500 ? _fileName[..500] : _fileName,
            Changes = CreatedChanges(resident),
            IpAddress = caller.IpAddress,
        });
        _created++;
    }

    /// <summary>A blank cell keeps what the ledger holds; only values the file states are written.</summary>
    private void Update(Resident resident, LedgerRow row)
    {
        if (!_matched.TryAdd(resident.Id, row.Number))
        {
            Problem(row, LedgerColumn.Name, row.Name, LedgerErrors.DuplicateInFile, _matched[resident.Id]);
            return;
        }

        var changed = row.Name != resident.Name
            || (row.Phone is not null && row.Phone != resident.Phone)
            || (row.Relation is not null && row.Relation != resident.Relation)
            || (row.Notes is not null && row.Notes != resident.Notes)
            || (row.Sex is { } sex && sex != resident.Sex)
            || (row.BirthDate is { } birth && birth != resident.BirthDate)
            || (row.Status is { } status && status != resident.Status)
            || (row.StatusSince is { } since && since != resident.StatusSince)
            || (row.Tags is { } tags && tags != resident.Tags);
        if (!changed)
        {
            _unchanged++;
            return;
        }

        // Read untracked (most rows of a re-import change nothing); tracked from here so the change is audited.
        db.Residents.Attach(resident);
        resident.Name = row.Name;
        resident.Phone = row.Phone ?? resident.Phone;
        resident.Relation = row.Relation ?? resident.Relation;
        resident.Notes = row.Notes ?? resident.Notes;
        resident.Sex = row.Sex ?? resident.Sex;
        resident.BirthDate = row.BirthDate ?? resident.BirthDate;
        resident.Status = row.Status ?? resident.Status;
        resident.StatusSince = row.StatusSince ?? resident.StatusSince;
        resident.Tags = row.Tags ?? resident.Tags;
        resident.UpdatedAt = _now;
        resident.Version++;
        _updated++;
    }

    /// <summary>Where the number is registered, when that place is the caller's to see; else null (and nothing is said of it).</summary>
    private async Task<string?> DescribeAsync(Resident holder, CancellationToken cancellationToken)
    {
        var visible = await db.Flats.Where(f => f.Id == holder.FlatId)
            .Join(db.Buildings, f => f.BuildingId, b => b.Id, (f, b) => new { b.Number, f.Entrance, f.Room, b.Entrances, b.CompoundId })
            .Join(db.Compounds, x => x.CompoundId, c => c.Id, (x, c) => new { x.Number, x.Entrance, x.Room, x.Entrances, c.Name })
            .SingleOrDefaultAsync(cancellationToken);
        return visible is null ? null : $"{visible.Name} {Address.Format(visible.Number, visible.Entrance, visible.Room, visible.Entrances)}";
    }

    private void Report(List<RowProblem> problems)
    {
        foreach (var p in problems)
        {
            Add(p.Row, p.Column, p.Value, p.Error, p.Args);
        }

        problems.Clear();
    }

    private void Problem(LedgerRow row, LedgerColumn column, string? value, Error error, params object?[] args) =>
        Add(row.Number, LedgerColumns.HeaderOf(column), value, error, args);

    private void Add(int row, string? column, string? value, Error error, object?[] args)
    {
        _errorCount++;
        _rowsWithErrors.Add(row);
        if (_errors.Count < MaxReportedErrors)
        {
            var (zh, en) = catalog.Both(error.MessageKey, args);
            var message = Catalog.IsEnglish(System.Globalization.CultureInfo.CurrentUICulture) ? en : zh;
            _errors.Add(new ImportError(row, column, value, error.Code, message, zh, en));
        }

        if (_errorRows is not null)
        {
            var zh = catalog.Both(error.MessageKey, args).Zh;
            if (!_rowMessages.TryGetValue(row, out var messages))
            {
                _rowMessages[row] = messages = [];
            }

            messages.Add(column is null || zh.Contains(column, StringComparison.Ordinal) ? zh : $"{column}：{zh}");
        }
    }

    private sealed record BuildingInfo(Guid Id, int Floors, int Entrances, bool IsNew);

    private sealed record FlatInfo(Guid Id, Guid NeighborhoodId, Guid CompoundId, Guid BuildingId, Guid? HouseholdId, bool IsVacant, bool IsNew);
}
