using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace DeskVision.Store.Migrations
{
    /// <inheritdoc />
    public partial class Scoring : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Pillar",
                table: "Clauses",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CloseNote",
                table: "AuditViolations",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ClosedAt",
                table: "AuditViolations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosedBy",
                table: "AuditViolations",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<float>(
                name: "Confidence",
                table: "AuditViolations",
                type: "real",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Label",
                table: "AuditViolations",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RectifiedByAuditId",
                table: "AuditViolations",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Appeals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ViolationId = table.Column<long>(type: "bigint", nullable: false),
                    StaffId = table.Column<int>(type: "integer", nullable: false),
                    Reason = table.Column<string>(type: "text", nullable: false),
                    FiledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    DecidedBy = table.Column<string>(type: "text", nullable: true),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DecisionNote = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Appeals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Appeals_AuditViolations_ViolationId",
                        column: x => x.ViolationId,
                        principalTable: "AuditViolations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Appeals_Staff_StaffId",
                        column: x => x.StaffId,
                        principalTable: "Staff",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DutyShifts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StaffId = table.Column<int>(type: "integer", nullable: false),
                    WindowId = table.Column<int>(type: "integer", nullable: false),
                    From = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    To = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DutyShifts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DutyShifts_Staff_StaffId",
                        column: x => x.StaffId,
                        principalTable: "Staff",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_DutyShifts_Windows_WindowId",
                        column: x => x.WindowId,
                        principalTable: "Windows",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditViolations_RectifiedByAuditId",
                table: "AuditViolations",
                column: "RectifiedByAuditId");

            migrationBuilder.CreateIndex(
                name: "IX_Appeals_StaffId",
                table: "Appeals",
                column: "StaffId");

            migrationBuilder.CreateIndex(
                name: "IX_Appeals_ViolationId",
                table: "Appeals",
                column: "ViolationId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DutyShifts_StaffId_From",
                table: "DutyShifts",
                columns: new[] { "StaffId", "From" });

            migrationBuilder.CreateIndex(
                name: "IX_DutyShifts_WindowId_From",
                table: "DutyShifts",
                columns: new[] { "WindowId", "From" });

            migrationBuilder.AddForeignKey(
                name: "FK_AuditViolations_Audits_RectifiedByAuditId",
                table: "AuditViolations",
                column: "RectifiedByAuditId",
                principalTable: "Audits",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);

            // Audits stored before rectification existed: close their violations the way Rectification would have,
            // by the first later ok audit of the camera whose standard checks the clause and which no longer shows it.
            migrationBuilder.Sql("""
                UPDATE "AuditViolations" AS v
                SET ("RectifiedByAuditId", "ClosedAt") = (
                    SELECT l."Id", l."TakenAt" FROM "Audits" AS l
                    WHERE l."CameraId" = a."CameraId" AND l."TakenAt" > a."TakenAt" AND l."Status" = 'ok'
                      AND EXISTS (SELECT 1 FROM "Clauses" AS lc WHERE lc."StandardVersionId" = l."StandardVersionId" AND lc."Key" = c."Key" AND lc."Active")
                      AND NOT EXISTS (SELECT 1 FROM "AuditViolations" AS lv JOIN "Clauses" AS lvc ON lvc."Id" = lv."ClauseId"
                                      WHERE lv."AuditId" = l."Id" AND lvc."Key" = c."Key" AND lv."ZoneName" = v."ZoneName")
                    ORDER BY l."TakenAt" LIMIT 1)
                FROM "Audits" AS a, "Clauses" AS c
                WHERE a."Id" = v."AuditId" AND c."Id" = v."ClauseId";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_AuditViolations_Audits_RectifiedByAuditId",
                table: "AuditViolations");

            migrationBuilder.DropTable(
                name: "Appeals");

            migrationBuilder.DropTable(
                name: "DutyShifts");

            migrationBuilder.DropIndex(
                name: "IX_AuditViolations_RectifiedByAuditId",
                table: "AuditViolations");

            migrationBuilder.DropColumn(
                name: "Pillar",
                table: "Clauses");

            migrationBuilder.DropColumn(
                name: "CloseNote",
                table: "AuditViolations");

            migrationBuilder.DropColumn(
                name: "ClosedAt",
                table: "AuditViolations");

            migrationBuilder.DropColumn(
                name: "ClosedBy",
                table: "AuditViolations");

            migrationBuilder.DropColumn(
                name: "Confidence",
                table: "AuditViolations");

            migrationBuilder.DropColumn(
                name: "Label",
                table: "AuditViolations");

            migrationBuilder.DropColumn(
                name: "RectifiedByAuditId",
                table: "AuditViolations");
        }
    }
}
