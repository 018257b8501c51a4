using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cordon.Migrations.Postgres.Migrations.CordonDbMigrations
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
                type: "character varying(24)",
                maxLength: 24,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "MessageEn",
                table: "SyncConflicts",
                type: "character varying(300)",
                maxLength: 300,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "SubjectHash",
                table: "SyncConflicts",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SubjectId",
                table: "SyncConflicts",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubjectMasked",
                table: "SyncConflicts",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            // Conflicts kept the typed ID number in clear, here and in their audit lines (docs/decisions/009):
            // keep its masked form, drop the number.
            migrationBuilder.Sql(@"UPDATE ""SyncConflicts"" SET ""Feature"" = 'sampling' WHERE ""Feature"" = '';");
            migrationBuilder.Sql(@"UPDATE ""SyncConflicts"" SET ""SubjectMasked"" = left(""Payload""::jsonb->>'DocumentNumber', 1) || '****************' || right(""Payload""::jsonb->>'DocumentNumber', 1) WHERE length(""Payload""::jsonb->>'DocumentNumber') >= 4;");
            migrationBuilder.Sql(@"UPDATE ""SyncConflicts"" SET ""Payload"" = (""Payload""::jsonb - 'DocumentNumber')::text;");
            migrationBuilder.Sql(@"ALTER TABLE ""AuditLog"" DISABLE TRIGGER ""AuditLog_append_only"";");
            migrationBuilder.Sql(@"UPDATE ""AuditLog"" SET ""Changes"" = jsonb_set(""Changes""::jsonb, '{Payload}', '[null, ""(removed: it held an ID number)""]'::jsonb)::text WHERE ""EntityType"" = 'SyncConflict' AND ""Changes"" LIKE '%DocumentNumber%';");
            migrationBuilder.Sql(@"ALTER TABLE ""AuditLog"" ENABLE TRIGGER ""AuditLog_append_only"";");

            migrationBuilder.CreateTable(
                name: "TubeCorrections",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "uuid", nullable: false),
                    TubeId = table.Column<Guid>(type: "uuid", nullable: false),
                    RoundId = table.Column<Guid>(type: "uuid", nullable: false),
                    TubeCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    From = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    To = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    Reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    RequestedBy = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    RequestedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    DecidedBy = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
