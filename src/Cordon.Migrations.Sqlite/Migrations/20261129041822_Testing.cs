using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cordon.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Testing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Exemptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RoundId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResidentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Exemptions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PositiveCases",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResidentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RoundId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TubeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DetectedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PositiveCases", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TestingRounds",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PoolSize = table.Column<int>(type: "INTEGER", nullable: false),
                    StartsAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndsAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Rule = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    SeriesId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    OpenedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ClosedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    PlannedRatePerPoint = table.Column<int>(type: "INTEGER", nullable: false),
                    RecallOf = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TestingRounds", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Visitors",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RoundId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    DocumentType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DocumentNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    CompoundId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SamplingCode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    FlaggedForLedger = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Visitors", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RoundScopes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RoundId = table.Column<Guid>(type: "TEXT", nullable: false),
                    NeighborhoodId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CompoundId = table.Column<Guid>(type: "TEXT", nullable: true),
                    BuildingId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RoundScopes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RoundScopes_TestingRounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "TestingRounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SamplingPoints",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RoundId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SamplingPoints", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SamplingPoints_TestingRounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "TestingRounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Tubes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RoundId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Capacity = table.Column<int>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    PointId = table.Column<Guid>(type: "TEXT", nullable: true),
                    OpenedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SealedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Result = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    ResultAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Tubes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Tubes_TestingRounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "TestingRounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PointSamplers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PointId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PointSamplers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PointSamplers_SamplingPoints_PointId",
                        column: x => x.PointId,
                        principalTable: "SamplingPoints",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SampleRecords",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RoundId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TubeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TubeCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    ResidentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    VisitorId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CompoundId = table.Column<Guid>(type: "TEXT", nullable: true),
                    BuildingId = table.Column<Guid>(type: "TEXT", nullable: true),
                    OutOfScopeReason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    TakenAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SamplerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SamplerName = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    PointId = table.Column<Guid>(type: "TEXT", nullable: true),
                    DeviceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DeviceSequence = table.Column<long>(type: "INTEGER", nullable: true),
                    ContentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SampleRecords", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SampleRecords_Tubes_TubeId",
                        column: x => x.TubeId,
                        principalTable: "Tubes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Exemptions_RoundId_ResidentId",
                table: "Exemptions",
                columns: new[] { "RoundId", "ResidentId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PointSamplers_PointId",
                table: "PointSamplers",
                column: "PointId");

            migrationBuilder.CreateIndex(
                name: "IX_PointSamplers_SubdistrictId_PointId_UserId",
                table: "PointSamplers",
                columns: new[] { "SubdistrictId", "PointId", "UserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PositiveCases_SubdistrictId_ResidentId",
                table: "PositiveCases",
                columns: new[] { "SubdistrictId", "ResidentId" });

            migrationBuilder.CreateIndex(
                name: "IX_PositiveCases_TubeId",
                table: "PositiveCases",
                column: "TubeId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RoundScopes_RoundId",
                table: "RoundScopes",
                column: "RoundId");

            migrationBuilder.CreateIndex(
                name: "IX_RoundScopes_SubdistrictId_RoundId",
                table: "RoundScopes",
                columns: new[] { "SubdistrictId", "RoundId" });

            migrationBuilder.CreateIndex(
                name: "IX_SampleRecords_RoundId_ResidentId",
                table: "SampleRecords",
                columns: new[] { "RoundId", "ResidentId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SampleRecords_RoundId_VisitorId",
                table: "SampleRecords",
                columns: new[] { "RoundId", "VisitorId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SampleRecords_SubdistrictId_ResidentId",
                table: "SampleRecords",
                columns: new[] { "SubdistrictId", "ResidentId" });

            migrationBuilder.CreateIndex(
                name: "IX_SampleRecords_SubdistrictId_RoundId_CompoundId_BuildingId",
                table: "SampleRecords",
                columns: new[] { "SubdistrictId", "RoundId", "CompoundId", "BuildingId" });

            migrationBuilder.CreateIndex(
                name: "IX_SampleRecords_TubeId_Position",
                table: "SampleRecords",
                columns: new[] { "TubeId", "Position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SamplingPoints_RoundId",
                table: "SamplingPoints",
                column: "RoundId");

            migrationBuilder.CreateIndex(
                name: "IX_SamplingPoints_SubdistrictId_RoundId",
                table: "SamplingPoints",
                columns: new[] { "SubdistrictId", "RoundId" });

            migrationBuilder.CreateIndex(
                name: "IX_TestingRounds_SubdistrictId_SeriesId",
                table: "TestingRounds",
                columns: new[] { "SubdistrictId", "SeriesId" });

            migrationBuilder.CreateIndex(
                name: "IX_TestingRounds_SubdistrictId_Status_StartsAt",
                table: "TestingRounds",
                columns: new[] { "SubdistrictId", "Status", "StartsAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Tubes_RoundId",
                table: "Tubes",
                column: "RoundId");

            migrationBuilder.CreateIndex(
                name: "IX_Tubes_SubdistrictId_Code",
                table: "Tubes",
                columns: new[] { "SubdistrictId", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Tubes_SubdistrictId_RoundId_Result",
                table: "Tubes",
                columns: new[] { "SubdistrictId", "RoundId", "Result" });

            migrationBuilder.CreateIndex(
                name: "IX_Visitors_SubdistrictId_RoundId",
                table: "Visitors",
                columns: new[] { "SubdistrictId", "RoundId" });

            migrationBuilder.CreateIndex(
                name: "IX_Visitors_SubdistrictId_SamplingCode",
                table: "Visitors",
                columns: new[] { "SubdistrictId", "SamplingCode" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Exemptions");

            migrationBuilder.DropTable(
                name: "PointSamplers");

            migrationBuilder.DropTable(
                name: "PositiveCases");

            migrationBuilder.DropTable(
                name: "RoundScopes");

            migrationBuilder.DropTable(
                name: "SampleRecords");

            migrationBuilder.DropTable(
                name: "Visitors");

            migrationBuilder.DropTable(
                name: "SamplingPoints");

            migrationBuilder.DropTable(
                name: "Tubes");

            migrationBuilder.DropTable(
                name: "TestingRounds");
        }
    }
}
