using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cordon.Migrations.Postgres.Migrations.CordonDbMigrations
{
    /// <inheritdoc />
    public partial class Staffing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "NoDigest",
                table: "Outbox",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "SiteCode",
                table: "Lockdowns",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            // Lockdowns ordered before site codes existed get one, so their arrivals can be scanned too.
            migrationBuilder.Sql("UPDATE \"Lockdowns\" SET \"SiteCode\" = upper(substr(md5(random()::text || \"Id\"::text), 1, 8)) WHERE \"SiteCode\" = '';");

            migrationBuilder.CreateTable(
                name: "CallUpNeeds",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "uuid", nullable: false),
                    CallUpId = table.Column<Guid>(type: "uuid", nullable: false),
                    Role = table.Column<int>(type: "integer", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    Order = table.Column<int>(type: "integer", nullable: false),
                    Ring = table.Column<int>(type: "integer", nullable: false),
                    NextRingAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Exhausted = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallUpNeeds", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CallUps",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "uuid", nullable: false),
                    LockdownId = table.Column<Guid>(type: "uuid", nullable: true),
                    Title = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ReportTo = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Message = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Neighborhoods = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    SiteCode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    BaseUrl = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    State = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    WaitMinutes = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ClosedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Excluded = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallUps", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DutyShifts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "uuid", nullable: false),
                    StaffId = table.Column<Guid>(type: "uuid", nullable: false),
                    CallUpId = table.Column<Guid>(type: "uuid", nullable: true),
                    LockdownId = table.Column<Guid>(type: "uuid", nullable: true),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndedBy = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DutyShifts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "FatigueRules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "uuid", nullable: false),
                    MaxHoursIn24 = table.Column<int>(type: "integer", nullable: false),
                    MinRestHours = table.Column<int>(type: "integer", nullable: false),
                    MaxDaysInRow = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FatigueRules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Invitations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "uuid", nullable: false),
                    CallUpId = table.Column<Guid>(type: "uuid", nullable: false),
                    StaffId = table.Column<Guid>(type: "uuid", nullable: false),
                    Role = table.Column<int>(type: "integer", nullable: false),
                    Ring = table.Column<int>(type: "integer", nullable: false),
                    Token = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    State = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    InvitedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    AnsweredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EtaMinutes = table.Column<int>(type: "integer", nullable: true),
                    ArrivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    OverrideReason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    InvitedBy = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Invitations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StaffMembers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Mobile = table.Column<string>(type: "character varying(11)", maxLength: 11, nullable: false),
                    Organisation = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Roles = table.Column<int>(type: "integer", nullable: false),
                    NeighborhoodId = table.Column<Guid>(type: "uuid", nullable: true),
                    TravelMinutes = table.Column<int>(type: "integer", nullable: false),
                    NightCallable = table.Column<bool>(type: "boolean", nullable: false),
                    UserName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    Active = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StaffMembers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TeamRobots",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SubdistrictId = table.Column<Guid>(type: "uuid", nullable: false),
                    Organisation = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    WeComWebhook = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TeamRobots", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CallUpNeeds_CallUpId_Role",
                table: "CallUpNeeds",
                columns: new[] { "CallUpId", "Role" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CallUpNeeds_NextRingAt",
                table: "CallUpNeeds",
                column: "NextRingAt");

            migrationBuilder.CreateIndex(
                name: "IX_CallUps_LockdownId",
                table: "CallUps",
                column: "LockdownId");

            migrationBuilder.CreateIndex(
                name: "IX_CallUps_SubdistrictId_State",
                table: "CallUps",
                columns: new[] { "SubdistrictId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_DutyShifts_SubdistrictId_EndedAt",
                table: "DutyShifts",
                columns: new[] { "SubdistrictId", "EndedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DutyShifts_SubdistrictId_StaffId_StartedAt",
                table: "DutyShifts",
                columns: new[] { "SubdistrictId", "StaffId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_FatigueRules_SubdistrictId",
                table: "FatigueRules",
                column: "SubdistrictId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Invitations_CallUpId_StaffId",
                table: "Invitations",
                columns: new[] { "CallUpId", "StaffId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Invitations_SubdistrictId_StaffId",
                table: "Invitations",
                columns: new[] { "SubdistrictId", "StaffId" });

            migrationBuilder.CreateIndex(
                name: "IX_Invitations_Token",
                table: "Invitations",
                column: "Token",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_StaffMembers_SubdistrictId_Active_NeighborhoodId",
                table: "StaffMembers",
                columns: new[] { "SubdistrictId", "Active", "NeighborhoodId" });

            migrationBuilder.CreateIndex(
                name: "IX_StaffMembers_SubdistrictId_Mobile",
                table: "StaffMembers",
                columns: new[] { "SubdistrictId", "Mobile" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TeamRobots_SubdistrictId_Organisation",
                table: "TeamRobots",
                columns: new[] { "SubdistrictId", "Organisation" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CallUpNeeds");

            migrationBuilder.DropTable(
                name: "CallUps");

            migrationBuilder.DropTable(
                name: "DutyShifts");

            migrationBuilder.DropTable(
                name: "FatigueRules");

            migrationBuilder.DropTable(
                name: "Invitations");

            migrationBuilder.DropTable(
                name: "StaffMembers");

            migrationBuilder.DropTable(
                name: "TeamRobots");

            migrationBuilder.DropColumn(
                name: "NoDigest",
                table: "Outbox");

            migrationBuilder.DropColumn(
                name: "SiteCode",
                table: "Lockdowns");
        }
    }
}
