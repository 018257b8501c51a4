using Cordon.Platform.Web;

namespace Cordon.Features.Testing;

/// <summary>Expected refusals of testing. Texts: <c>error.{code}</c> in Testing.strings.json.</summary>
public static class TestingErrors
{
    public static readonly Error RoundNotFound = new("round_not_found", StatusCodes.Status404NotFound);
    public static readonly Error RoundNotOpen = new("round_not_open");
    public static readonly Error RoundClosed = new("round_closed");
    public static readonly Error RoundAlreadyOpen = new("round_already_open");
    public static readonly Error RoundNotClosed = new("round_not_closed");
    public static readonly Error ReopenTooLate = new("reopen_too_late");
    public static readonly Error ReasonMissing = new("reason_missing");
    public static readonly Error PersonNotInRound = new("person_not_in_round");
    public static readonly Error VisitorCompoundOutsideRound = new("visitor_compound_outside_round");
    public static readonly Error ItemInvalid = new("item_invalid", StatusCodes.Status400BadRequest);
    public static readonly Error FieldTooLong = new("field_too_long", StatusCodes.Status400BadRequest);
    public static readonly Error TubeNotSealed = new("tube_not_sealed");
    public static readonly Error TubeFormatInvalid = new("tube_format_invalid");
    public static readonly Error KnockOutcomeMissing = new("knock_outcome_missing");
    public static readonly Error KnockNoteInvalid = new("knock_note_invalid");
    public static readonly Error CorrectionReasonMissing = new("correction_reason_missing");
    public static readonly Error CorrectionNotFound = new("correction_not_found", StatusCodes.Status404NotFound);
    public static readonly Error PoolSizeInvalid = new("pool_size_invalid");
    public static readonly Error ScopeEmpty = new("scope_empty");
    public static readonly Error WindowInvalid = new("window_invalid");
    public static readonly Error NameRequired = new("round_name_required");
    public static readonly Error PersonNotFound = new("person_not_found");
    public static readonly Error PersonMissing = new("person_missing");
    public static readonly Error OutsideScope = new("outside_scope");
    public static readonly Error AlreadySampled = new("already_sampled");
    public static readonly Error TubeCodeInvalid = new("tube_code_invalid");
    public static readonly Error TubeSealed = new("tube_sealed");
    public static readonly Error TubeFull = new("tube_full");
    public static readonly Error TubeOtherRound = new("tube_other_round");
    public static readonly Error SingleTubeRequired = new("single_tube_required");
    public static readonly Error TubeIsPooled = new("tube_is_pooled");
    public static readonly Error TubeIsSingle = new("tube_is_single");
    public static readonly Error TubeNotFound = new("tube_not_found", StatusCodes.Status404NotFound);
    public static readonly Error IdConflict = new("client_id_conflict", StatusCodes.Status409Conflict);
    public static readonly Error IdMissing = new("client_id_missing");
    public static readonly Error TakenAtInvalid = new("taken_at_invalid");
    public static readonly Error ResultInvalid = new("result_invalid");
    public static readonly Error ExemptionReasonMissing = new("exemption_reason_missing");
    public static readonly Error VisitorNameMissing = new("visitor_name_missing");
    public static readonly Error VisitorReasonMissing = new("visitor_reason_missing");
    public static readonly Error LabHeaderNotFound = new("lab_header_not_found");
    public static readonly Error ResidentNotInRound = new("resident_not_in_round");
    public static readonly Error BatchTooLarge = new("batch_too_large", StatusCodes.Status413PayloadTooLarge);
    public static readonly Error ConflictNotFound = new("conflict_not_found", StatusCodes.Status404NotFound);
    public static readonly Error DismissNoteMissing = new("dismiss_note_missing");
    public static readonly Error Busy = new("busy", StatusCodes.Status503ServiceUnavailable);
}
