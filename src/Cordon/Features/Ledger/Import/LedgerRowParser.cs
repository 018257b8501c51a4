using System.Globalization;
using Cordon.Platform.Files;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Platform.Web;

namespace Cordon.Features.Ledger.Import;

/// <summary>One valid spreadsheet row of the ledger, normalised.</summary>
public sealed record LedgerRow(
    int Number,
    string? Neighborhood,
    string Compound,
    string Building,
    int Entrance,
    string Room,
    string Name,
    DocumentType DocumentType,
    string? DocumentNumber,
    string? Phone,
    Sex? Sex,
    DateOnly? BirthDate,
    string? Relation,
    ResidenceStatus? Status,
    DateOnly? StatusSince,
    NeedTag? Tags,
    string? Notes)
{
    public int Floor => Address.FloorOf(Room);
}

/// <summary>A problem with one cell (or one row), where the spreadsheet program shows it.</summary>
public sealed record RowProblem(int Row, string? Column, string? Value, Error Error, object?[] Args);

/// <summary>Turns spreadsheet rows into <see cref="LedgerRow"/>s or say exactly which cell is wrong and why.</summary>
public sealed class LedgerRowParser
{
    private readonly Dictionary<LedgerColumn, int> _index;
    private readonly Dictionary<LedgerColumn, string> _headers;
    private readonly DateOnly _today;

    private LedgerRowParser(Dictionary<LedgerColumn, int> index, Dictionary<LedgerColumn, string> headers, DateOnly today)
    {
        _index = index;
        _headers = headers;
        _today = today;
    }

    public IReadOnlyDictionary<LedgerColumn, string> Headers => _headers;

    /// <summary>
    /// Finds the header row among the first rows (title rows and blank rows above it are skipped):
    /// the first row naming at least three known columns, one of them 姓名.
    /// </summary>
    public static LedgerRowParser? TryHeader(SheetRow row, DateOnly today)
    {
        var index = new Dictionary<LedgerColumn, int>();
        var headers = new Dictionary<LedgerColumn, string>();
        for (var i = 0; i < row.Cells.Count; i++)
        {
            if (LedgerColumns.Match(row.Cells[i]) is { } column && index.TryAdd(column, i))
            {
                headers[column] = row.Cells[i];
            }
        }

        return index.Count >= 3 && index.ContainsKey(LedgerColumn.Name) ? new LedgerRowParser(index, headers, today) : null;
    }

    public IReadOnlyList<LedgerColumn> MissingRequired => [.. LedgerColumns.Required.Where(c => !_index.ContainsKey(c))];

    public bool Has(LedgerColumn column) => _index.ContainsKey(column);

    public string HeaderText(LedgerColumn column) => _headers.TryGetValue(column, out var text) ? text : LedgerColumns.HeaderOf(column);

    public LedgerRow? Parse(SheetRow row, List<RowProblem> problems)
    {
        var before = problems.Count;
        string Cell(LedgerColumn column) => _index.TryGetValue(column, out var i) ? row.Cell(i) : "";
        void Problem(LedgerColumn column, Error error, params object?[] args) =>
            problems.Add(new RowProblem(row.Number, HeaderText(column), Cell(column), error, args));
        string Required(LedgerColumn column, int max)
        {
            var value = Cell(column);
            if (value.Length == 0)
            {
                Problem(column, LedgerErrors.ValueRequired, HeaderText(column));
            }
            else if (value.Length > max)
            {
                Problem(column, LedgerErrors.ValueTooLong, max);
            }
            else if (value.Any(c => char.IsControl(c) || Text.IsInvisible(c)))
            {
                // Zero-width and direction characters make "政立路580弄" and a look-alike two different compounds.
                Problem(column, LedgerErrors.ValueInvisible);
            }

            return value;
        }

        string? Optional(LedgerColumn column, int max)
        {
            var value = Cell(column);
            if (value.Length > max)
            {
                Problem(column, LedgerErrors.ValueTooLong, max);
            }
            else if (value.Any(c => char.IsControl(c) || Text.IsInvisible(c)))
            {
                Problem(column, LedgerErrors.ValueInvisible);
            }

            return value.Length == 0 ? null : value;
        }

        var neighborhood = Optional(LedgerColumn.Neighborhood, 64);
        var compound = Required(LedgerColumn.Compound, 64);
        var building = Required(LedgerColumn.Building, 32);
        if (building.Length > 0)
        {
            building = Address.NormalizeBuilding(building);
            if (Address.SortKey(building) == int.MaxValue && building.Length > 16)
            {
                Problem(LedgerColumn.Building, LedgerErrors.BuildingInvalid);
            }
        }

        var entrance = 1;
        var entranceText = Cell(LedgerColumn.Entrance).Replace("单元", "", StringComparison.Ordinal).Trim();
        if (entranceText.Length > 0 && (!int.TryParse(entranceText, NumberStyles.None, CultureInfo.InvariantCulture, out entrance) || entrance is < 1 or > 30))
        {
            Problem(LedgerColumn.Entrance, LedgerErrors.EntranceInvalid);
        }

        var room = Address.NormalizeRoom(Required(LedgerColumn.Room, 16));
        if (room.Length > 0 && !Address.IsPlausibleRoom(room))
        {
            Problem(LedgerColumn.Room, LedgerErrors.RoomInvalid);
        }

        var (name, nameError) = ResidentRules.Name(Cell(LedgerColumn.Name));
        if (nameError is not null)
        {
            Problem(LedgerColumn.Name, nameError);
        }

        var documentType = ResidentRules.DocumentTypeOf(Cell(LedgerColumn.DocumentType));
        if (documentType is null)
        {
            Problem(LedgerColumn.DocumentType, LedgerErrors.DocumentTypeUnknown);
        }

        var (document, documentError) = ResidentRules.Document(documentType ?? DocumentType.IdCard, Cell(LedgerColumn.DocumentNumber), _today, out var id);
        if (documentError is not null)
        {
            Problem(LedgerColumn.DocumentNumber, documentError);
        }

        var (phone, phoneError) = ResidentRules.PhoneNumber(Cell(LedgerColumn.Phone));
        if (phoneError is not null)
        {
            Problem(LedgerColumn.Phone, phoneError);
        }

        Sex? sex = null;
        if (Cell(LedgerColumn.Sex).Length > 0)
        {
            sex = ResidentRules.SexOf(Cell(LedgerColumn.Sex));
            if (sex is null)
            {
                Problem(LedgerColumn.Sex, LedgerErrors.SexUnknown);
            }
            else if (id is { IsValid: true } known && sex != Sex.Unknown && sex != known.Sex)
            {
                Problem(LedgerColumn.Sex, LedgerErrors.SexConflictsWithId);
            }
        }
        else if (id is { IsValid: true } fromId)
        {
            sex = fromId.Sex;
        }

        DateOnly? birth = null;
        if (Cell(LedgerColumn.BirthDate).Length > 0)
        {
            birth = ResidentRules.DateOf(Cell(LedgerColumn.BirthDate));
            if (birth is null || birth > _today)
            {
                Problem(LedgerColumn.BirthDate, LedgerErrors.DateInvalid);
            }
            else if (id is { IsValid: true } known && known.BirthDate != birth)
            {
                Problem(LedgerColumn.BirthDate, LedgerErrors.BirthConflictsWithId);
            }
        }
        else if (id is { IsValid: true } fromId)
        {
            birth = fromId.BirthDate;
        }

        ResidenceStatus? status = null;
        if (Cell(LedgerColumn.Status).Length > 0)
        {
            status = ResidentRules.StatusOf(Cell(LedgerColumn.Status));
            if (status is null)
            {
                Problem(LedgerColumn.Status, LedgerErrors.StatusUnknown);
            }
        }

        DateOnly? since = null;
        if (Cell(LedgerColumn.StatusSince).Length > 0)
        {
            since = ResidentRules.DateOf(Cell(LedgerColumn.StatusSince));
            if (since is null)
            {
                Problem(LedgerColumn.StatusSince, LedgerErrors.DateInvalid);
            }
        }

        NeedTag? tags = null;
        if (Cell(LedgerColumn.Tags).Length > 0)
        {
            var (parsed, unknown) = ResidentRules.TagsOf(Cell(LedgerColumn.Tags));
            tags = parsed;
            if (unknown is not null)
            {
                Problem(LedgerColumn.Tags, LedgerErrors.TagUnknown, unknown);
            }
        }

        var relation = Optional(LedgerColumn.Relation, ResidentRules.RelationLength);
        var notes = Optional(LedgerColumn.Notes, ResidentRules.NotesLength);
        if (problems.Count > before)
        {
            return null;
        }

        return new LedgerRow(row.Number, neighborhood, compound, building, entrance, room, name, documentType!.Value, document, phone,
            sex, birth, relation, status, since, tags, notes);
    }
}
