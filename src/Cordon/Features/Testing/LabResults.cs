using Cordon.Platform.Audit;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Files;
using Cordon.Platform.Localization;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

public sealed record LabResultItem(string? TubeCode, string? Result, DateTime? ReportedAt, string? Reason = null)
{
    /// <summary>The row the spreadsheet program shows, for items read from a file; an API item is its position in the array.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int? Row { get; init; }
}

/// <summary>A row the lab sent that cannot be applied: which, why (stable code), and the reason in the caller's language and both.</summary>
public sealed record LabProblem(int Row, string? TubeCode, string Code, string? Value, string Message, string Zh, string En)
{
    public static LabProblem Of(Catalog catalog, int row, string? tubeCode, Error error, string? value)
    {
        var (zh, en) = catalog.Both(error.MessageKey);
        return new LabProblem(row, tubeCode, error.Code, value, Catalog.IsEnglish(System.Globalization.CultureInfo.CurrentUICulture) ? en : zh, zh, en);
    }
}

/// <summary>What a lab's results did: applied, unchanged, corrections (and how many wait for a commander), unknown tubes, unusable rows.</summary>
public sealed record LabReport(
    int Applied, int Unchanged, IReadOnlyList<string> UnknownTubes, IReadOnlyList<LabProblem> Invalid, int PositivePools, int PositiveSingles,
    int Corrections = 0, int AwaitingConfirmation = 0, IReadOnlyList<Guid>? RecallRounds = null);

/// <summary>
/// Lab results per tube, from the lab's file or its system. Sending the same results again changes
/// nothing; unknown tubes are reported back, never dropped silently. A positive pool opens a recall;
/// a positive single tube marks the person positive.
/// </summary>
public static class LabResults
{
    public static TubeResult? Parse(string? raw) => (raw ?? "").Trim().ToLowerInvariant() switch
    {
        "negative" or "neg" or "n" or "阴性" or "阴" or "-" => TubeResult.Negative,
        "positive" or "pos" or "p" or "阳性" or "阳" or "+" => TubeResult.Positive,
        "invalid" or "retest" or "无效" or "复采" or "重采" => TubeResult.Invalid,
        _ => null,
    };

    /// <summary>
    /// Applies results to sealed tubes. A first result is applied; a changed result is a correction that needs a
    /// reason and is audited; a correction away from positive waits for a commander (<see cref="TubeCorrection"/>).
    /// A malformed row (a <c>null</c>, no tube, no result) is reported with its row and changes nothing.
    /// </summary>
    public static async Task<LabReport> ApplyAndSaveAsync(
        CordonDb db, Caller caller, SamplingCache cache, Catalog catalog, LocalTime localTime, IReadOnlyList<LabResultItem?> items, DateTime now, CancellationToken cancellationToken)
    {
        var invalid = new List<LabProblem>();
        var parsed = new List<(int Row, string Code, TubeResult Result, DateTime At, string? Reason)>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item is null)
            {
                invalid.Add(LabProblem.Of(catalog, i + 1, null, TestingErrors.ItemInvalid, null));
                continue;
            }

            var code = item.TubeCode?.Trim().ToUpperInvariant() ?? "";
            if (code.Length is 0 or > SampleCommand.MaxCode)
            {
                invalid.Add(LabProblem.Of(catalog, item.Row ?? i + 1, item.TubeCode, TestingErrors.TubeCodeInvalid, item.TubeCode));
                continue;
            }

            if (Parse(item.Result) is not { } result)
            {
                invalid.Add(LabProblem.Of(catalog, item.Row ?? i + 1, code, TestingErrors.ResultInvalid, item.Result));
                continue;
            }

            // A time without an offset is the sub-district's local time, as labs write it.
            parsed.Add((item.Row ?? i + 1, code, result, item.ReportedAt is { } reported ? localTime.FromClient(reported) : now, item.Reason));
        }

        var codes = parsed.Select(p => p.Code).Distinct().ToList();
        var tubes = new Dictionary<string, Tube>(StringComparer.Ordinal);
        foreach (var batch in codes.Chunk(1000))
        {
            foreach (var tube in await db.Tubes.Where(t => batch.Contains(t.Code)).ToListAsync(cancellationToken))
            {
                tubes[tube.Code] = tube;
            }
        }

        var tubeIds = tubes.Values.Select(t => t.Id).ToList();
        var pending = (await db.TubeCorrections.AsNoTracking().Where(c => c.Status == CorrectionStatus.Pending && tubeIds.Contains(c.TubeId)).ToListAsync(cancellationToken))
            .ToLookup(c => c.TubeId);
        var unknown = new List<string>();
        int applied = 0, unchanged = 0, pools = 0, singles = 0, corrections = 0, awaiting = 0;
        var rounds = new Dictionary<Guid, TestingRound>();
        foreach (var (row, code, result, at, reasonText) in parsed)
        {
            if (!tubes.TryGetValue(code, out var tube))
            {
                unknown.Add(code);
                continue;
            }

            if (tube.SealedAt is null)
            {
                // A person added to an open tube later would inherit its result: results attach to sealed tubes only.
                invalid.Add(LabProblem.Of(catalog, row, code, TestingErrors.TubeNotSealed, result.ToString()));
                continue;
            }

            if (tube.Result == result || pending[tube.Id].Any(c => c.To == result))
            {
                unchanged++;
                continue;
            }

            if (tube.Result != TubeResult.Pending)
            {
                var (reason, words) = Reasons.Check(reasonText);
                if (!words)
                {
                    invalid.Add(LabProblem.Of(catalog, row, code, TestingErrors.CorrectionReasonMissing, result.ToString()));
                    continue;
                }

                var waits = TubeCorrection.NeedsConfirmation(tube.Result, result);
                db.TubeCorrections.Add(new TubeCorrection
                {
                    SubdistrictId = tube.SubdistrictId,
                    TubeId = tube.Id,
                    RoundId = tube.RoundId,
                    TubeCode = tube.Code,
                    From = tube.Result,
                    To = result,
                    Reason = reason,
                    RequestedBy = caller.UserName,
                    RequestedAt = now,
                    Status = waits ? CorrectionStatus.Pending : CorrectionStatus.Applied,
                });
                corrections++;
                if (waits)
                {
                    awaiting++;
                    continue;
                }

                db.Audit(AuditAction.Update, nameof(Tube), tube.Id.ToString(), reason, new Dictionary<string, string?[]>
                {
                    ["Tube"] = [null, tube.Code],
                    ["Result"] = [tube.Result.ToString(), result.ToString()],
                });
            }
            else
            {
                db.Audit(AuditAction.Update, nameof(Tube), tube.Id.ToString(), null, new Dictionary<string, string?[]>
                {
                    ["Tube"] = [null, tube.Code],
                    ["Result"] = [tube.Result.ToString(), result.ToString()],
                });
            }

            tube.Result = result;
            tube.ResultAt = at;
            applied++;
            if (result != TubeResult.Positive)
            {
                continue;
            }

            if (tube.Capacity > 1)
            {
                pools++;
                if (!rounds.ContainsKey(tube.RoundId))
                {
                    var round = await db.TestingRounds.SingleAsync(r => r.Id == tube.RoundId, cancellationToken);
                    rounds[tube.RoundId] = round.RecallOf is null ? await Recalls.EnsureRecallRoundAsync(db, round, now, cancellationToken) : round;
                }
            }
            else
            {
                singles++;
                var person = await db.SampleRecords.Where(r => r.TubeId == tube.Id && r.ResidentId != null).Select(r => r.ResidentId).FirstOrDefaultAsync(cancellationToken);
                if (person is { } residentId && !await db.PositiveCases.AnyAsync(c => c.TubeId == tube.Id, cancellationToken))
                {
                    db.PositiveCases.Add(new PositiveCase { SubdistrictId = tube.SubdistrictId, ResidentId = residentId, RoundId = tube.RoundId, TubeId = tube.Id, DetectedAt = at });
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        if (applied > 0)
        {
            // Who must be sampled alone has changed: the sample writer re-reads it.
            foreach (var tenant in tubes.Values.Select(t => t.SubdistrictId).Distinct())
            {
                cache.Invalidate(tenant);
            }
        }

        return new LabReport(applied, unchanged, unknown, [.. invalid.OrderBy(p => p.Row)], pools, singles, corrections, awaiting,
            [.. rounds.Values.Where(r => r.RecallOf is not null).Select(r => r.RecallOf!.Value).Distinct()]);
    }

    /// <summary>Reads a lab's CSV or xlsx: columns for the tube code, the result and (optionally) the report time.</summary>
    public static List<LabResultItem?> Read(Stream stream, string fileName)
    {
        var items = new List<LabResultItem?>();
        int tube = -1, result = -1, time = -1, reason = -1;
        foreach (var row in SpreadsheetReader.Read(stream, fileName))
        {
            if (row.IsBlank)
            {
                continue;
            }

            if (tube < 0)
            {
                for (var i = 0; i < row.Cells.Count; i++)
                {
                    var header = row.Cells[i].Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
                    if (header is "管码" or "试管编号" or "试管条码" or "条码" or "采样管编号" or "tube" or "tubecode" or "tubeid")
                    {
                        tube = i;
                    }
                    else if (header is "结果" or "检测结果" or "result")
                    {
                        result = i;
                    }
                    else if (header is "报告时间" or "检测时间" or "reportedat" or "reported" or "time")
                    {
                        time = i;
                    }
                    else if (header is "更正原因" or "原因" or "备注" or "reason")
                    {
                        reason = i;
                    }
                }

                if (tube < 0 || result < 0)
                {
                    tube = -1;
                    if (row.Number > 30)
                    {
                        throw new SpreadsheetException(TestingErrors.LabHeaderNotFound);
                    }
                }

                continue;
            }

            DateTime? at = time >= 0 && DateTime.TryParse(row.Cell(time), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal, out var parsed) ? parsed : null;
            items.Add(new LabResultItem(row.Cell(tube), row.Cell(result), at, reason >= 0 ? row.Cell(reason) : null) { Row = row.Number });
        }

        if (tube < 0)
        {
            throw new SpreadsheetException(TestingErrors.LabHeaderNotFound);
        }

        return items;
    }
}
