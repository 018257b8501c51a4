using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cordon.Migrations.Sqlite.Migrations.CordonDbMigrations
{
    /// <inheritdoc />
    public partial class OfflineInboxAndCorrections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "SamplerName",
                table: "SyncConflicts",
                newName: "UserName");

            migrationBuilder.RenameColumn(
                name: "RoundId",
                table: "SyncConflicts",
                newName: "ScopeId");

            migrationBuilder.AddColumn<string>(
                name: "Feature",
                table: "SyncConflicts",
                type: "TEXT",
                maxLength: 24,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "MessageEn",
                table: "SyncConflicts",
                type: "TEXT",
                maxLength: 300,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "SubjectHash",
                table: "SyncConflicts",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SubjectId",
                table: "SyncConflicts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubjectMasked",
                table: "SyncConflicts",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            // Conflicts kept the typed ID number in clear, here and in their audit lines (docs/decisions/009):
            // keep its masked form, drop the number.
            migrationBuilder.Sql(@"UPDATE ""SyncConflicts"" SET ""Feature"" = 'sampling' WHERE ""Feature"" = '';");
            migrationBuilder.Sql(@"UPDATE ""SyncConflicts"" SET ""SubjectMasked"" = substr(json_extract(""Payload"", '$.DocumentNumber'), 1, 1) || '****************' || substr(json_extract(""Payload"", '$.DocumentNumber'), -1) WHERE json_valid(""Payload"") AND length(json_extract(""Payload"", '$.DocumentNumber')) >= 4;");
            migrationBuilder.Sql(@"UPDATE ""SyncConflicts"" SET ""Payload"" = json_remove(""Payload"", '$.DocumentNumber') WHERE json_valid(""Payload"");");
            migrationBuilder.Sql(@"DROP TRIGGER IF EXISTS ""AuditLog_no_update"";");
            migrationBuilder.Sql(@"UPDATE ""AuditLog"" SET ""Changes"" = json_set(""Changes"", '$.Payload', json('[null, ""(removed: it held an ID number)""]')) WHERE ""EntityType"" = 'SyncConflict' AND json_valid(""Changes"") AND ""Changes"" LIKE '%DocumentNumber%';");
            migrationBuilder.Sql(@"CREATE TRIGGER ""AuditLog_no_update"" BEFORE UPDATE ON ""AuditLog"" BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;");

            migrationBuilder.CreateTable(
                name: "TubeCorrections",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TubeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RoundId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TubeCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    From = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    To = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    RequestedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    DecidedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TubeCorrections", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TubeCorrections_Tubes_TubeId",
                        column: x => x.TubeId,
                        principalTable: "Tubes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SyncConflicts_SubdistrictId_ScopeId_DeviceId_Status",
                table: "SyncConflicts",
                columns: new[] { "SubdistrictId", "ScopeId", "DeviceId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_TubeCorrections_SubdistrictId_Status_RequestedAt",
                table: "TubeCorrections",
                columns: new[] { "SubdistrictId", "Status", "RequestedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_TubeCorrections_SubdistrictId_TubeId",
                table: "TubeCorrections",
                columns: new[] { "SubdistrictId", "TubeId" });

            migrationBuilder.CreateIndex(
                name: "IX_TubeCorrections_TubeId",
                table: "TubeCorrections",
                column: "TubeId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TubeCorrections");

            migrationBuilder.DropIndex(
                name: "IX_SyncConflicts_SubdistrictId_ScopeId_DeviceId_Status",
                table: "SyncConflicts");

            migrationBuilder.DropColumn(
                name: "Feature",
                table: "SyncConflicts");

            migrationBuilder.DropColumn(
                name: "MessageEn",
                table: "SyncConflicts");

            migrationBuilder.DropColumn(
                name: "SubjectHash",
                table: "SyncConflicts");

            migrationBuilder.DropColumn(
                name: "SubjectId",
                table: "SyncConflicts");

            migrationBuilder.DropColumn(
                name: "SubjectMasked",
                table: "SyncConflicts");

            migrationBuilder.RenameColumn(
                name: "UserName",
                table: "SyncConflicts",
                newName: "SamplerName");

            migrationBuilder.RenameColumn(
                name: "ScopeId",
                table: "SyncConflicts",
                newName: "RoundId");
        }
    }
}
