using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cordon.Migrations.Sqlite.Migrations.CordonDbMigrations
{
    /// <inheritdoc />
    public partial class SweepVisits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "LedgerProposals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "TEXT", nullable: false),
                    NeighborhoodId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CompoundId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BuildingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FlatId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResidentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    SourceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SourceLabel = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DocumentType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DocumentNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Relation = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Since = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Where = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Tags = table.Column<int>(type: "INTEGER", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    FoundAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FoundBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    DecidedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ResultResidentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LedgerProposals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SweepVisits",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "TEXT", nullable: false),
                    NeighborhoodId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CompoundId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BuildingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FlatId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SweepId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Round = table.Column<int>(type: "INTEGER", nullable: false),
                    Team = table.Column<int>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    Occupants = table.Column<int>(type: "INTEGER", nullable: true),
                    Presence = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    NewPeople = table.Column<int>(type: "INTEGER", nullable: false),
                    Visitors = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    VisitorCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Needs = table.Column<int>(type: "INTEGER", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    VisitedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    DeviceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DeviceSequence = table.Column<long>(type: "INTEGER", nullable: true),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SweepVisits", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerProposals_Source_SourceId",
                table: "LedgerProposals",
                columns: new[] { "Source", "SourceId" });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerProposals_SubdistrictId_FlatId_Status",
                table: "LedgerProposals",
                columns: new[] { "SubdistrictId", "FlatId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerProposals_SubdistrictId_Status_CompoundId",
                table: "LedgerProposals",
                columns: new[] { "SubdistrictId", "Status", "CompoundId" });

            migrationBuilder.CreateIndex(
                name: "IX_SweepVisits_SubdistrictId_FlatId",
                table: "SweepVisits",
                columns: new[] { "SubdistrictId", "FlatId" });

            migrationBuilder.CreateIndex(
                name: "IX_SweepVisits_SweepId_FlatId_VisitedAt",
                table: "SweepVisits",
                columns: new[] { "SweepId", "FlatId", "VisitedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LedgerProposals");

            migrationBuilder.DropTable(
                name: "SweepVisits");
        }
    }
}
